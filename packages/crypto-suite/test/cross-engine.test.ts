// noble and node must give identical bytes for deterministic operations and
// interoperate for randomized ones. Runs on Node 20 (symmetric primitives)
// and Node 24 (also ML-KEM and ML-DSA); CI runs both.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Engine, noble } from '../src/index.js';
import { auto, node } from '../src/node.js';
import { AEAD_IDS, HASH_IDS, KDF_IDS, KEM_IDS, SIGNATURE_IDS } from '../src/params.js';

const others: Engine[] = [node, auto];

describe.each(others)('noble <-> $name', (other) => {
  it('hashes agree on any input', () => {
    for (const id of HASH_IDS) {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 1000 }), (data) => {
          const oneShot = other.hash(id).digest(data);
          const h = other.hash(id).create();
          h.update(data);
          const streamed = h.digest();
          expect(oneShot).toEqual(noble.hash(id).digest(data));
          expect(streamed).toEqual(oneShot);
          // Plain Uint8Arrays, as noble's: node's Buffers are handed over, never exposed as Buffers.
          expect(Object.getPrototypeOf(oneShot)).toBe(Uint8Array.prototype);
          expect(Object.getPrototypeOf(streamed)).toBe(Uint8Array.prototype);
        }),
        { numRuns: 50 },
      );
    }
  });

  it('HKDF extract, expand and expandLabel agree', () => {
    for (const id of KDF_IDS) {
      fc.assert(
        fc.property(
          fc.option(fc.uint8Array({ maxLength: 80 }), { nil: undefined }),
          fc.uint8Array({ maxLength: 80 }),
          fc.uint8Array({ maxLength: 80 }),
          fc.integer({ min: 0, max: 600 }),
          fc.string({ maxLength: 20 }),
          (salt, ikm, info, length, label) => {
            const prk = noble.kdf(id).extract(salt, ikm);
            expect(other.kdf(id).extract(salt, ikm)).toEqual(prk);
            expect(other.kdf(id).expand(prk, info, length)).toEqual(noble.kdf(id).expand(prk, info, length));
            expect(other.kdf(id).expandLabel(prk, label, info, 64)).toEqual(
              noble.kdf(id).expandLabel(prk, label, info, 64),
            );
          },
        ),
        { numRuns: 40 },
      );
    }
  });

  it('AEADs produce the same ciphertext and open each other', () => {
    for (const id of AEAD_IDS) {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 32, maxLength: 32 }),
          fc.uint8Array({ minLength: 12, maxLength: 12 }),
          fc.uint8Array({ maxLength: 2000 }),
          fc.uint8Array({ maxLength: 40 }),
          (key, nonce, pt, aad) => {
            const ct = noble.aead(id).seal(key, nonce, pt, aad);
            expect(other.aead(id).seal(key, nonce, pt, aad)).toEqual(ct);
            expect(other.aead(id).open(key, nonce, ct, aad)).toEqual(pt);
          },
        ),
        { numRuns: 40 },
      );
    }
  });

  it('sealInto gives the same bytes as noble seal and sealInto, and opens on noble', () => {
    for (const id of AEAD_IDS) {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 32, maxLength: 32 }),
          fc.uint8Array({ minLength: 12, maxLength: 12 }),
          fc.uint8Array({ maxLength: 20000 }),
          fc.uint8Array({ maxLength: 40 }),
          fc.nat(30),
          (key, nonce, pt, aad, offset) => {
            const ct = noble.aead(id).seal(key, nonce, pt, aad);
            const out = new Uint8Array(offset + ct.length);
            expect(other.aead(id).sealInto!(key, nonce, pt, aad, out, offset)).toBe(ct.length);
            expect(out.subarray(offset)).toEqual(ct);
            const nobleOut = new Uint8Array(offset + ct.length);
            noble.aead(id).sealInto!(key, nonce, pt, aad, nobleOut, offset);
            expect(nobleOut).toEqual(out);
            expect(noble.aead(id).open(key, nonce, out.subarray(offset), aad)).toEqual(pt);
          },
        ),
        { numRuns: 30 },
      );
    }
  });

  for (const id of KEM_IDS) {
    it.runIf(other.supports(id))(
      `${id}: same keys from a seed; each side decapsulates the other's encapsulation`,
      () => {
        const seedLength = id === 'X-Wing' ? 32 : 64;
        fc.assert(
          fc.property(fc.uint8Array({ minLength: seedLength, maxLength: seedLength }), (seed) => {
            const a = noble.kem(id).keygen(seed);
            const b = other.kem(id).keygen(seed);
            expect(b.publicKey).toEqual(a.publicKey);
            expect(b.secretKey).toEqual(a.secretKey);
            const toOther = noble.kem(id).encapsulate(b.publicKey);
            expect(other.kem(id).decapsulate(toOther.ciphertext, b.secretKey)).toEqual(toOther.sharedSecret);
            const toNoble = other.kem(id).encapsulate(a.publicKey);
            expect(noble.kem(id).decapsulate(toNoble.ciphertext, a.secretKey)).toEqual(toNoble.sharedSecret);
          }),
          { numRuns: 4 },
        );
      },
    );
  }

  for (const id of SIGNATURE_IDS) {
    it.runIf(other.supports(id))(
      `${id}: same keys from a seed; each side verifies the other's signatures`,
      () => {
        fc.assert(
          fc.property(
            fc.uint8Array({ minLength: 32, maxLength: 32 }),
            fc.uint8Array({ maxLength: 100 }),
            fc.uint8Array({ maxLength: 255 }),
            (seed, msg, context) => {
              const a = noble.signature(id).keygen(seed);
              const b = other.signature(id).keygen(seed);
              expect(b.publicKey).toEqual(a.publicKey);
              expect(b.secretKey).toEqual(a.secretKey);
              const s1 = other.signature(id).sign(msg, b.secretKey, { context });
              expect(noble.signature(id).verify(s1, msg, a.publicKey, { context })).toBe(true);
              const s2 = noble.signature(id).sign(msg, a.secretKey, { context });
              expect(other.signature(id).verify(s2, msg, b.publicKey, { context })).toBe(true);
            },
          ),
          { numRuns: 3 },
        );
      },
    );
  }
});
