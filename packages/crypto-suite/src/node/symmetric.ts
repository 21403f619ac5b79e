import { createCipheriv, createDecipheriv, createHash, createHmac, hash as oneShotHash } from 'node:crypto';
import { CryptoError } from '../errors.js';
import { AEAD_PARAMS, KDF_HASH } from '../params.js';
import { defineAead } from '../primitives/aead.js';
import { defineHash } from '../primitives/hash.js';
import { defineKdf } from '../primitives/kdf.js';
import type { Aead, AeadId, Hash, HashId, Kdf, KdfId } from '../types.js';
import { adopt } from './bytes.js';
import { ciphertextBytes } from './ciphertext-slab.js';

const NODE_HASH: Record<HashId, string> = { 'SHA-256': 'sha256', 'SHA-384': 'sha384' };
function cipher(id: AeadId, key: Uint8Array, nonce: Uint8Array, tagLength: number) {
  return id === 'AES-256-GCM'
    ? createCipheriv('aes-256-gcm', key, nonce, { authTagLength: tagLength })
    : createCipheriv('chacha20-poly1305', key, nonce, { authTagLength: tagLength });
}

function decipher(id: AeadId, key: Uint8Array, nonce: Uint8Array, tagLength: number) {
  return id === 'AES-256-GCM'
    ? createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: tagLength })
    : createDecipheriv('chacha20-poly1305', key, nonce, { authTagLength: tagLength });
}

export function nodeHash(id: HashId): Hash {
  const name = NODE_HASH[id];
  return defineHash(id, {
    digest: (data) => adopt(oneShotHash(name, data, 'buffer')),
    create: () => {
      const h = createHash(name);
      return { update: (d: Uint8Array) => h.update(d), digest: () => adopt(h.digest()) };
    },
  });
}

function hmac(name: string, key: Uint8Array, ...parts: Uint8Array[]): Buffer {
  const m = createHmac(name, key);
  for (const p of parts) m.update(p);
  return m.digest();
}

/**
 * HKDF from node's HMAC. crypto.hkdfSync only does extract-then-expand in one
 * call, and the key schedule needs the two steps apart (TLS 1.3 shape), so
 * the RFC 5869 §2.2/§2.3 definitions are spelled out over HMAC here and held
 * to the Wycheproof and RFC 5869 vectors and to noble byte for byte.
 */
export function nodeKdf(id: KdfId): Kdf {
  const hashId = KDF_HASH[id];
  const name = NODE_HASH[hashId];
  return defineKdf(id, nodeHash(hashId), {
    extract: (salt, ikm) => adopt(hmac(name, salt, ikm)),
    expand: (prk, info, length) => {
      const out = new Uint8Array(length);
      let previous: Uint8Array = new Uint8Array(0);
      for (let i = 1, at = 0; at < length; i++) {
        const t = hmac(name, prk, previous, info, new Uint8Array([i]));
        out.set(t.subarray(0, Math.min(t.length, length - at)), at);
        at += t.length;
        previous.fill(0);
        previous = t;
      }
      previous.fill(0);
      return out;
    },
  });
}

/**
 * One seal through node:crypto, as update()'s output, final()'s (empty for
 * both modes: they are stream modes, so final() only computes the tag) and
 * the tag. The three seal shapes below differ only in where these go.
 */
function encrypt(
  id: AeadId,
  tagLength: number,
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  aad: Uint8Array,
): [head: Buffer, tail: Buffer, tag: Buffer] {
  const c = cipher(id, key, nonce, tagLength);
  if (aad.length > 0) c.setAAD(aad);
  const head = c.update(plaintext);
  const tail = c.final();
  return [head, tail, c.getAuthTag()];
}

/** Writes ciphertext || tag into `out` at `offset`. */
function place([head, tail, tag]: [Buffer, Buffer, Buffer], out: Uint8Array, offset: number): Uint8Array {
  out.set(head, offset);
  if (tail.length > 0) out.set(tail, offset + head.length);
  out.set(tag, offset + head.length + tail.length);
  return out;
}

export function nodeAead(id: AeadId): Aead {
  const { tagLength } = AEAD_PARAMS[id];
  return defineAead(id, {
    // node:crypto cannot write into a caller's buffer: one copy of update()'s output, no separate record.
    // `out` may overlap plaintext and aad: setAAD and update have consumed both before the first write.
    sealInto(key, nonce, plaintext, aad, out, offset) {
      place(encrypt(id, tagLength, key, nonce, plaintext, aad), out, offset);
    },
    seal(key, nonce, plaintext, aad) {
      const parts = encrypt(id, tagLength, key, nonce, plaintext, aad);
      return place(parts, ciphertextBytes(parts[0].length + parts[1].length + tagLength), 0);
    },
    sealDetached(key, nonce, plaintext, aad) {
      const [head, tail, tag] = encrypt(id, tagLength, key, nonce, plaintext, aad);
      // update()'s own memory becomes the ciphertext: the copy sealInto makes is what this saves.
      const ciphertext = tail.length === 0 ? adopt(head) : adopt(Buffer.concat([head, tail]));
      return { ciphertext, tag: adopt(tag) };
    },
    open(key, nonce, ciphertext, aad) {
      const body = ciphertext.subarray(0, ciphertext.length - tagLength);
      const d = decipher(id, key, nonce, tagLength);
      d.setAuthTag(ciphertext.subarray(ciphertext.length - tagLength));
      if (aad.length > 0) d.setAAD(aad);
      const head = d.update(body);
      let tail: Buffer;
      try {
        // final() authenticates; until it returns, `head` is unverified and must not escape.
        tail = d.final();
      } catch (cause) {
        head.fill(0);
        throw new CryptoError('AEAD_OPEN_FAILED', `${id} authentication failed`, { cause });
      }
      // The usual case hands over update()'s own memory as a plain Uint8Array: no copy, nothing left to wipe.
      if (tail.length === 0) return adopt(head);
      const out = new Uint8Array(head.length + tail.length);
      out.set(head, 0);
      out.set(tail, head.length);
      head.fill(0);
      tail.fill(0);
      return out;
    },
  });
}
