import { concatBytes } from '@noble/hashes/utils.js';
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

    const sealInto = aead.sealInto!.bind(aead);

    it('provides sealInto', () => {
      expect(typeof aead.sealInto).toBe('function');
    });

    it('property: sealInto writes exactly seal(...) at offset, touches nothing else, returns its length', () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ maxLength: 300 }),
          fc.option(fc.uint8Array({ maxLength: 64 }), { nil: undefined }),
          fc.nat(40),
          fc.nat(40),
          (pt, aad, offset, slack) => {
            const expected = aead.seal(key, nonce, pt, aad);
            const out = new Uint8Array(offset + expected.length + slack).fill(0xa5);
            expect(sealInto(key, nonce, pt, aad, out, offset)).toBe(expected.length);
            expect(out.subarray(offset, offset + expected.length)).toEqual(expected);
            expect(out.subarray(0, offset).every((b) => b === 0xa5)).toBe(true);
            expect(out.subarray(offset + expected.length).every((b) => b === 0xa5)).toBe(true);
          },
        ),
        { numRuns: 50 },
      );
    });

    it('sealInto defaults offset to 0 and seals a frame in place (aad and plaintext inside out)', () => {
      const pt = bytes(33, 4);
      const header = bytes(22, 8);
      const expected = aead.seal(key, nonce, pt, header);
      const frame = new Uint8Array(header.length + expected.length);
      frame.set(header);
      frame.set(pt, header.length);
      // The plaintext is the region it is sealed over; the AAD is the frame's own header.
      sealInto(key, nonce, frame.subarray(22, 22 + pt.length), frame.subarray(0, 22), frame, 22);
      expect(frame.subarray(22)).toEqual(expected);
      expect(frame.subarray(0, 22)).toEqual(header);
      const at0 = new Uint8Array(expected.length);
      expect(sealInto(key, nonce, pt, header, at0)).toBe(expected.length);
      expect(at0).toEqual(expected);
      expect(aead.open(key, nonce, frame.subarray(22), frame.subarray(0, 22))).toEqual(pt);
    });

    it('sealInto refuses bad out, offset and lengths with typed errors and writes nothing', () => {
      const pt = bytes(10, 1);
      const need = pt.length + aead.tagLength;
      for (const [out, offset] of [
        [new Uint8Array(need - 1), 0],
        [new Uint8Array(need), 1],
        [new Uint8Array(need + 4), 5],
        [new Uint8Array(0), 0],
      ] as const) {
        const before = Uint8Array.from(out);
        expectCode(() => sealInto(key, nonce, pt, undefined, out, offset), 'INVALID_ARGUMENT');
        expect(out).toEqual(before);
      }
      const out = new Uint8Array(need + 8);
      for (const offset of [-1, 1.5, Number.NaN, out.length + 1, '0' as unknown as number]) {
        expectCode(() => sealInto(key, nonce, pt, undefined, out, offset), 'INVALID_ARGUMENT');
      }
      expect(out.every((b) => b === 0)).toBe(true);
      expectCode(
        () => sealInto(key, nonce, pt, undefined, [0] as unknown as Uint8Array, 0),
        'INVALID_ARGUMENT',
      );
      expectCode(
        () => sealInto(key, nonce, 'x' as unknown as Uint8Array, undefined, out, 0),
        'INVALID_ARGUMENT',
      );
      expectCode(() => sealInto(key, nonce, pt, [1] as unknown as Uint8Array, out, 0), 'INVALID_ARGUMENT');
      for (const n of [0, 31, 33])
        expectCode(() => sealInto(bytes(n), nonce, pt, undefined, out, 0), 'INVALID_KEY_LENGTH');
      for (const n of [0, 11, 13])
        expectCode(() => sealInto(key, bytes(n), pt, undefined, out, 0), 'INVALID_NONCE_LENGTH');
      // An empty plaintext still needs room for the tag.
      expectCode(
        () => sealInto(key, nonce, bytes(0), undefined, new Uint8Array(aead.tagLength - 1), 0),
        'INVALID_ARGUMENT',
      );
      expect(sealInto(key, nonce, bytes(0), undefined, new Uint8Array(aead.tagLength), 0)).toBe(
        aead.tagLength,
      );
    });

    it('property: sealDetached returns seal(...) as ciphertext and tag, neither aliasing the inputs', () => {
      const sealDetached = aead.sealDetached!.bind(aead);
      const check = (pt: Uint8Array, aad: Uint8Array | undefined) => {
        const expected = aead.seal(key, nonce, pt, aad);
        const { ciphertext, tag } = sealDetached(key, nonce, pt, aad);
        expect(ciphertext.length).toBe(pt.length);
        expect(tag.length).toBe(aead.tagLength);
        expect(Buffer.from(concatBytes(ciphertext, tag)).equals(expected)).toBe(true);
        const before = Uint8Array.from(pt);
        ciphertext.fill(0xee);
        tag.fill(0xee);
        expect(Buffer.from(pt).equals(before)).toBe(true);
      };
      fc.assert(
        fc.property(
          fc.uint8Array({ maxLength: 300 }),
          fc.option(fc.uint8Array({ maxLength: 64 }), { nil: undefined }),
          check,
        ),
        { numRuns: 30 },
      );
      // A record-sized plaintext: the node engine's path that hands over node:crypto's output as is.
      check(bytes(70_000, 3), bytes(22, 1));
    });

    it('sealDetached refuses bad arguments with the same typed errors as seal', () => {
      const sealDetached = aead.sealDetached!.bind(aead);
      for (const n of [0, 31, 33])
        expectCode(() => sealDetached(bytes(n), nonce, bytes(1)), 'INVALID_KEY_LENGTH');
      for (const n of [0, 11, 13])
        expectCode(() => sealDetached(key, bytes(n), bytes(1)), 'INVALID_NONCE_LENGTH');
      expectCode(() => sealDetached(key, nonce, 'x' as unknown as Uint8Array), 'INVALID_ARGUMENT');
      expectCode(() => sealDetached(key, nonce, bytes(1), [1] as unknown as Uint8Array), 'INVALID_ARGUMENT');
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
