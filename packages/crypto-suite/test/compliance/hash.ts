import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Hash, Kdf } from '../../src/index.js';
import { expectCode, utf8 } from '../helpers.js';

export function hashCompliance(hash: Hash): void {
  describe(`${hash.id} compliance`, () => {
    it('incremental hashing over any split equals one-shot', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 400 }), fc.nat(400), (data, cut) => {
          const at = Math.min(cut, data.length);
          const inc = hash.create().update(data.subarray(0, at)).update(data.subarray(at)).digest();
          expect(inc).toEqual(hash.digest(data));
          expect(inc.length).toBe(hash.outputLength);
        }),
        { numRuns: 50 },
      );
    });

    it('refuses a finished state', () => {
      const s = hash.create();
      s.update(utf8('x')).digest();
      expectCode(() => s.update(utf8('y')), 'HASH_FINALIZED');
      expectCode(() => s.digest(), 'HASH_FINALIZED');
    });

    it('refuses non-byte input', () => {
      expectCode(() => hash.digest('abc' as unknown as Uint8Array), 'INVALID_ARGUMENT');
    });
  });
}

export function kdfCompliance(kdf: Kdf): void {
  describe(`${kdf.id} compliance`, () => {
    const hl = kdf.hash.outputLength;

    it('extract with absent salt equals extract with HashLen zero bytes', () => {
      const ikm = utf8('input keying material');
      expect(kdf.extract(undefined, ikm)).toEqual(kdf.extract(new Uint8Array(hl), ikm));
    });

    it('expand output of length n is the prefix of any longer output', () => {
      const prk = kdf.extract(undefined, utf8('k'));
      const long = kdf.expand(prk, utf8('info'), 255 * hl);
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 255 * hl }), (n) => {
          expect(kdf.expand(prk, utf8('info'), n)).toEqual(long.subarray(0, n));
        }),
        { numRuns: 10 },
      );
    });

    it('refuses lengths above 255 * HashLen, negative or fractional', () => {
      const prk = kdf.extract(undefined, utf8('k'));
      for (const n of [255 * hl + 1, -1, 1.5, Number.NaN]) {
        expectCode(() => kdf.expand(prk, new Uint8Array(), n), 'KDF_LENGTH');
      }
      expectCode(() => kdf.expandLabel(prk, 'x', new Uint8Array(), 255 * hl + 1), 'KDF_LENGTH');
    });

    it('refuses a PRK shorter than HashLen (RFC 5869 §2.3)', () => {
      expectCode(() => kdf.expand(new Uint8Array(hl - 1), new Uint8Array(), 16), 'INVALID_KEY_LENGTH');
    });

    it('expandLabel is expand over the HkdfLabel structure with the "qsp1 " prefix by default', () => {
      const secret = kdf.extract(undefined, utf8('s'));
      const context = utf8('ctx');
      const info = new Uint8Array([0, 16, 5 + 3, ...utf8('qsp1 key'), 3, ...context]);
      expect(kdf.expandLabel(secret, 'key', context, 16)).toEqual(kdf.expand(secret, info, 16));
      const tls = new Uint8Array([0, 16, 6 + 3, ...utf8('tls13 key'), 3, ...context]);
      expect(kdf.expandLabel(secret, 'key', context, 16, 'tls13 ')).toEqual(kdf.expand(secret, tls, 16));
    });

    it('refuses labels and contexts longer than 255 bytes', () => {
      const secret = kdf.extract(undefined, utf8('s'));
      expectCode(() => kdf.expandLabel(secret, 'x'.repeat(251), new Uint8Array(), 16), 'INVALID_ARGUMENT');
      expectCode(() => kdf.expandLabel(secret, 'x', new Uint8Array(256), 16), 'INVALID_ARGUMENT');
    });
  });
}
