import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Aead } from '../../src/index.js';
import { bytes, expectCode, flip } from '../helpers.js';

/** What every Aead must do, whichever engine made it. */
export function aeadCompliance(aead: Aead): void {
  describe(`${aead.id} compliance`, () => {
    const key = bytes(aead.keyLength, 7);
    const nonce = bytes(aead.nonceLength, 1);

    it('declares RFC 5116 sizes', () => {
      expect([aead.keyLength, aead.nonceLength, aead.tagLength]).toEqual([32, 12, 16]);
    });

    it('round-trips any plaintext and AAD, and output is ciphertext || tag', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 300 }), fc.uint8Array({ maxLength: 64 }), (pt, aad) => {
          const ct = aead.seal(key, nonce, pt, aad);
          expect(ct.length).toBe(pt.length + aead.tagLength);
          expect(ct).toBeInstanceOf(Uint8Array);
          expect(aead.open(key, nonce, ct, aad)).toEqual(pt);
        }),
        { numRuns: 50 },
      );
    });

    it('treats absent AAD as empty AAD', () => {
      const ct = aead.seal(key, nonce, bytes(5, 3));
      expect(aead.open(key, nonce, ct, new Uint8Array())).toEqual(bytes(5, 3));
    });

    it('fails closed on any single-bit change of ciphertext, tag, AAD, nonce or key', () => {
      const pt = bytes(40, 9);
      const aad = bytes(8, 2);
      const ct = aead.seal(key, nonce, pt, aad);
      for (const i of [0, 20, pt.length - 1, pt.length, ct.length - 1]) {
        expectCode(() => aead.open(key, nonce, flip(ct, i), aad), 'AEAD_OPEN_FAILED');
      }
      expectCode(() => aead.open(key, nonce, ct, flip(aad, 0)), 'AEAD_OPEN_FAILED');
      expectCode(() => aead.open(key, nonce, ct), 'AEAD_OPEN_FAILED');
      expectCode(() => aead.open(key, flip(nonce, 11), ct, aad), 'AEAD_OPEN_FAILED');
      expectCode(() => aead.open(flip(key, 31), nonce, ct, aad), 'AEAD_OPEN_FAILED');
    });

    it('fails closed on arbitrary forged ciphertexts', () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: aead.tagLength, maxLength: 200 }), (forged) => {
          expectCode(() => aead.open(key, nonce, forged), 'AEAD_OPEN_FAILED');
        }),
        { numRuns: 50 },
      );
    });

    it('refuses wrong key, nonce and truncated ciphertext lengths with typed errors', () => {
      const ct = aead.seal(key, nonce, bytes(3));
      for (const n of [0, 16, 31, 33, 64]) {
        expectCode(() => aead.seal(bytes(n), nonce, bytes(1)), 'INVALID_KEY_LENGTH');
        expectCode(() => aead.open(bytes(n), nonce, ct), 'INVALID_KEY_LENGTH');
      }
      for (const n of [0, 8, 11, 13, 16, 24]) {
        expectCode(() => aead.seal(key, bytes(n), bytes(1)), 'INVALID_NONCE_LENGTH');
        expectCode(() => aead.open(key, bytes(n), ct), 'INVALID_NONCE_LENGTH');
      }
      for (const n of [0, 1, aead.tagLength - 1]) {
        expectCode(() => aead.open(key, nonce, ct.subarray(0, n)), 'INVALID_CIPHERTEXT');
      }
    });

    it('refuses non-byte arguments', () => {
      expectCode(() => aead.seal(key, nonce, 'text' as unknown as Uint8Array), 'INVALID_ARGUMENT');
      expectCode(() => aead.seal(key, nonce, bytes(1), [1] as unknown as Uint8Array), 'INVALID_ARGUMENT');
    });

    it('does not alias its inputs', () => {
      const pt = bytes(10, 5);
      const ct = aead.seal(key, nonce, pt);
      const opened = aead.open(key, nonce, ct);
      opened.fill(0);
      expect(pt).toEqual(bytes(10, 5));
      expect(aead.open(key, nonce, ct)).toEqual(bytes(10, 5));
    });
  });
}
