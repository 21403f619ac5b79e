import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDigest, fromBase64, isEvidenceError, parseDigest, toBase64 } from '../src/index.js';

describe('base64 and digest codecs', () => {
  it('standard base64 round-trips and matches Node’s encoder', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 5000 }), (bytes) => {
        const text = toBase64(bytes);
        expect(text).toBe(Buffer.from(bytes).toString('base64'));
        expect(fromBase64(text)).toEqual(bytes);
      }),
    );
  });

  it('accepts exactly one text form per byte string', () => {
    for (const bad of ['AB', 'AB=', 'ABC', 'A===', 'AB==\n', ' AB==', 'AB-_', 'AB//=', 'AR==', 'AAB=']) {
      expect(() => fromBase64(bad), bad).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), (s) => {
        try {
          expect(toBase64(fromBase64(s))).toBe(s);
        } catch (e) {
          expect(isEvidenceError(e, 'INVALID_ARGUMENT')).toBe(true);
        }
      }),
    );
  });

  it('digests are sha256:<64 lowercase hex> and round-trip', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), (d) => {
        expect(parseDigest(formatDigest(d))).toEqual(d);
        expect(formatDigest(d)).toMatch(/^sha256:[0-9a-f]{64}$/);
      }),
    );
    for (const bad of [
      `SHA256:${'0'.repeat(64)}`,
      `sha256:${'A'.repeat(64)}`,
      `sha256:${'0'.repeat(63)}`,
      `sha512:${'0'.repeat(64)}`,
    ]) {
      expect(() => parseDigest(bad)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
    expect(() => formatDigest(new Uint8Array(31))).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });
});
