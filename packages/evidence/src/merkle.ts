/**
 * RFC 9162 §2.1 Merkle tree hash with its domain separation: leaf =
 * H(0x00 || data), node = H(0x01 || left || right), split at the largest
 * power of two below n, empty tree = H(""). For a bundle the leaf data is
 * each artifact's 32 raw SHA-256 bytes, in array order.
 */
import type { Hash } from '@qsp/crypto-suite';
import { EvidenceError } from './errors.js';

const LEAF = Uint8Array.of(0x00);
const NODE = Uint8Array.of(0x01);

export function leafHash(hash: Hash, data: Uint8Array): Uint8Array {
  return hash.create().update(LEAF).update(data).digest();
}

export function nodeHash(hash: Hash, left: Uint8Array, right: Uint8Array): Uint8Array {
  return hash.create().update(NODE).update(left).update(right).digest();
}

/** Largest power of two strictly less than n (n >= 2). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** MTH over already-hashed leaves. */
export function rootFromLeafHashes(hash: Hash, leaves: readonly Uint8Array[]): Uint8Array {
  const mth = (lo: number, hi: number): Uint8Array => {
    const n = hi - lo;
    if (n === 1) return leaves[lo]!;
    const k = split(n);
    return nodeHash(hash, mth(lo, lo + k), mth(lo + k, hi));
  };
  if (leaves.length === 0) return hash.digest(new Uint8Array(0));
  return mth(0, leaves.length);
}

/** MTH over leaf data (each entry becomes H(0x00 || entry)). */
export function merkleRoot(hash: Hash, data: readonly Uint8Array[]): Uint8Array {
  return rootFromLeafHashes(
    hash,
    data.map((d) => leafHash(hash, d)),
  );
}

/** RFC 9162 §2.1.3.1 inclusion proof (audit path) for leaf `index`. */
export function inclusionProof(hash: Hash, leaves: readonly Uint8Array[], index: number): Uint8Array[] {
  if (!Number.isInteger(index) || index < 0 || index >= leaves.length) {
    throw new EvidenceError('INVALID_ARGUMENT', `leaf index ${index} is outside a tree of ${leaves.length}`);
  }
  const path = (m: number, lo: number, hi: number): Uint8Array[] => {
    const n = hi - lo;
    if (n === 1) return [];
    const k = split(n);
    if (m < k) return [...path(m, lo, lo + k), rootFromLeafHashes(hash, leaves.slice(lo + k, hi))];
    return [...path(m - k, lo + k, hi), rootFromLeafHashes(hash, leaves.slice(lo, lo + k))];
  };
  return path(index, 0, leaves.length);
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

/** RFC 9162 §2.1.3.2: does `proof` show leaf `leaf` at `index` in a tree of `size` with `root`? */
export function verifyInclusion(
  hash: Hash,
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(size) || index < 0 || index >= size) return false;
  if (leaf.length !== hash.outputLength || proof.some((p) => p.length !== hash.outputLength)) return false;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(hash, p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn = Math.floor(fn / 2);
          sn = Math.floor(sn / 2);
        }
      }
    } else {
      r = nodeHash(hash, r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 && equal(r, root);
}
