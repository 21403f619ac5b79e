import { describe, expect, it } from 'vitest';
import { unzeroedBytes } from '../src/index.js';

describe('unzeroedBytes', () => {
  it('is a plain Uint8Array of exactly the length, over its own ArrayBuffer', () => {
    for (const n of [0, 1, 4095, 4096, 65_574, 1 << 20]) {
      const b = unzeroedBytes(n);
      expect(Object.getPrototypeOf(b)).toBe(Uint8Array.prototype);
      expect(b.length).toBe(n);
      expect(b.byteOffset).toBe(0);
      expect(b.buffer.byteLength).toBe(n);
    }
  });

  it('is zeroed below the threshold where skipping the fill pays', () => {
    expect(unzeroedBytes(4095).every((x) => x === 0)).toBe(true);
  });
});
