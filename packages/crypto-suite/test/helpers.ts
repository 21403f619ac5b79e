import { expect } from 'vitest';
import { CryptoError, type CryptoErrorCode } from '../src/index.js';

/** Asserts that fn throws a CryptoError with this exact code. */
export function expectCode(fn: () => unknown, code: CryptoErrorCode): void {
  let thrown: unknown;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `expected CryptoError ${code}`).toBeInstanceOf(CryptoError);
  expect((thrown as CryptoError).code).toBe(code);
}

export async function expectCodeAsync(fn: () => Promise<unknown>, code: CryptoErrorCode): Promise<void> {
  let thrown: unknown;
  try {
    await fn();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, `expected CryptoError ${code}`).toBeInstanceOf(CryptoError);
  expect((thrown as CryptoError).code).toBe(code);
}

export function bytes(n: number, fill = 0): Uint8Array {
  return new Uint8Array(n).fill(fill);
}

export function flip(data: Uint8Array, index: number): Uint8Array {
  const out = Uint8Array.from(data);
  out[index] = (out[index] ?? 0) ^ 0x01;
  return out;
}

export const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
