// aeadNonce is iv XOR @qsp/wire's nonce(epoch, seq) (TLS 1.3 §5.3 shape), and
// refuses what that refuses.
import { isWireError, nonce as wireNonce } from '@qsp/wire';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { aeadNonce } from '../src/index.js';

const u32 = fc.integer({ min: 0, max: 0xffffffff });

describe('aeadNonce', () => {
  it('property: equals iv XOR wire nonce(epoch, seq) for every u32 epoch and seq', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 12, maxLength: 12 }), u32, u32, (iv, epoch, seq) => {
        const expected = wireNonce(epoch, seq).map((b, i) => b ^ iv[i]!);
        expect(aeadNonce(iv, epoch, seq)).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('covers the byte edges: all-ones fields, zero IV and the epoch/seq split', () => {
    const zero = new Uint8Array(12);
    expect(aeadNonce(zero, 0xffffffff, 0xffffffff)).toEqual(
      Uint8Array.from([255, 255, 255, 255, 0, 0, 0, 0, 255, 255, 255, 255]),
    );
    expect(aeadNonce(zero, 0x01020304, 0x05060708)).toEqual(
      Uint8Array.from([1, 2, 3, 4, 0, 0, 0, 0, 5, 6, 7, 8]),
    );
    const iv = new Uint8Array(12).fill(0xff);
    expect(aeadNonce(iv, 0, 0)).toEqual(iv);
    // A fresh array each time: callers may keep it.
    expect(aeadNonce(iv, 0, 0)).not.toBe(aeadNonce(iv, 0, 0));
  });

  it('refuses out-of-range epoch and seq with the wire error', () => {
    const iv = new Uint8Array(12);
    for (const [epoch, seq] of [
      [-1, 0],
      [2 ** 32, 0],
      [0, 2 ** 32],
      [0, 1.5],
      [Number.NaN, 0],
    ] as const) {
      let thrown: unknown;
      try {
        aeadNonce(iv, epoch, seq);
      } catch (error) {
        thrown = error;
      }
      expect(isWireError(thrown)).toBe(true);
    }
  });
});
