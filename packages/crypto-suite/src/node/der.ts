// The IETF LAMPS encodings of ML-KEM (draft-ietf-lamps-kyber-certificates)
// and ML-DSA (draft-ietf-lamps-dilithium-certificates) keys, which is the only way node:crypto imports them:
// SPKI wraps the FIPS public key as a BIT STRING; PKCS#8 wraps a CHOICE of
// seed [0] IMPLICIT OCTET STRING, expandedKey OCTET STRING, or
// both SEQUENCE { seed, expandedKey }.
import { concatBytes } from '@noble/hashes/utils.js';
import { copyBytes } from '../bytes.js';
import { CryptoError } from '../errors.js';
import type { KemId, SignatureId } from '../types.js';

const NIST_ALGS = [0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04];

/** id-alg-ml-kem-* is 2.16.840.1.101.3.4.4.x; id-ml-dsa-* is 2.16.840.1.101.3.4.3.x. */
export const OID_ARCS: Record<Exclude<KemId, 'X-Wing'> | SignatureId, readonly [number, number]> = {
  'ML-KEM-768': [4, 2],
  'ML-KEM-1024': [4, 3],
  'ML-DSA-44': [3, 17],
  'ML-DSA-65': [3, 18],
  'ML-DSA-87': [3, 19],
};

function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v >>>= 8) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}

function tlv(tag: number, ...parts: Uint8Array[]): Uint8Array {
  const len = parts.reduce((n, p) => n + p.length, 0);
  return concatBytes(Uint8Array.of(tag, ...derLength(len)), ...parts);
}

function algorithmIdentifier(alg: keyof typeof OID_ARCS): Uint8Array {
  const [family, leaf] = OID_ARCS[alg];
  // Parameters are absent for these algorithms (not NULL).
  return tlv(0x30, tlv(0x06, new Uint8Array([...NIST_ALGS, family, leaf])));
}

export function spki(alg: keyof typeof OID_ARCS, publicKey: Uint8Array): Uint8Array {
  return tlv(0x30, algorithmIdentifier(alg), tlv(0x03, new Uint8Array([0]), publicKey));
}

export function pkcs8Seed(alg: keyof typeof OID_ARCS, seed: Uint8Array): Uint8Array {
  return tlv(0x30, new Uint8Array([2, 1, 0]), algorithmIdentifier(alg), tlv(0x04, tlv(0x80, seed)));
}

export function pkcs8Expanded(alg: keyof typeof OID_ARCS, expandedKey: Uint8Array): Uint8Array {
  return tlv(0x30, new Uint8Array([2, 1, 0]), algorithmIdentifier(alg), tlv(0x04, tlv(0x04, expandedKey)));
}

interface Tlv {
  readonly tag: number;
  readonly value: Uint8Array;
  readonly end: number;
}

function read(buf: Uint8Array, at: number): Tlv {
  const bad = () =>
    new CryptoError(
      'UNSUPPORTED_ALGORITHM',
      'node:crypto exported a key encoding this package does not know',
    );
  if (at + 2 > buf.length) throw bad();
  const tag = buf[at]!;
  let len = buf[at + 1]!;
  let start = at + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 3 || start + n > buf.length) throw bad();
    len = 0;
    for (let i = 0; i < n; i++) len = (len << 8) | buf[start + i]!;
    start += n;
  }
  if (start + len > buf.length) throw bad();
  return { tag, value: buf.subarray(start, start + len), end: start + len };
}

/**
 * The expanded private key (FIPS 203 dk / FIPS 204 sk) from a PKCS#8 export,
 * which OpenSSL writes as `both` or `expandedKey` by default. A `seed`-only
 * export (an OpenSSL configured with output_formats=seed-only) is refused:
 * the raw key form this package exchanges is the expanded key.
 */
export function expandedKeyFromPkcs8(
  alg: keyof typeof OID_ARCS,
  der: Uint8Array,
  expandedLength: number,
): Uint8Array {
  const outer = read(der, 0);
  const version = read(outer.value, 0);
  const algId = read(outer.value, version.end);
  const expectedAlg = algorithmIdentifier(alg);
  const gotAlg = outer.value.subarray(version.end, algId.end);
  const sameAlg = gotAlg.length === expectedAlg.length && gotAlg.every((b, i) => b === expectedAlg[i]);
  const priv = read(outer.value, algId.end);
  if (outer.tag !== 0x30 || !sameAlg || priv.tag !== 0x04) {
    throw new CryptoError(
      'UNSUPPORTED_ALGORITHM',
      `node:crypto exported an unexpected PKCS#8 structure for ${alg}`,
    );
  }
  const choice = read(priv.value, 0);
  let expanded: Uint8Array | undefined;
  if (choice.tag === 0x04) expanded = choice.value;
  else if (choice.tag === 0x30) {
    const seed = read(choice.value, 0);
    expanded = read(choice.value, seed.end).value;
  }
  if (expanded === undefined || expanded.length !== expandedLength) {
    throw new CryptoError(
      'UNSUPPORTED_ALGORITHM',
      `node:crypto exported ${alg} without the expanded private key (check OpenSSL's output_formats)`,
    );
  }
  return copyBytes(expanded);
}

/** The raw public key from an SPKI export: the BIT STRING's bytes after its zero unused-bits octet. */
export function publicKeyFromSpki(der: Uint8Array, publicKeyLength: number): Uint8Array {
  const outer = read(der, 0);
  const algId = read(outer.value, 0);
  const bits = read(outer.value, algId.end);
  if (bits.tag !== 0x03 || bits.value[0] !== 0 || bits.value.length !== publicKeyLength + 1) {
    throw new CryptoError('UNSUPPORTED_ALGORITHM', 'node:crypto exported an unexpected SPKI structure');
  }
  return copyBytes(bits.value.subarray(1));
}
