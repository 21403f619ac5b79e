import { assertBytes } from './bytes.js';
import { CryptoError, type CryptoErrorCode } from './errors.js';

/** Checks a Uint8Array argument's length before it reaches an implementation, so every engine fails alike. */
export function assertLength(
  value: unknown,
  length: number,
  code: CryptoErrorCode,
  what: string,
): Uint8Array {
  assertBytes(value, what);
  if (value.length !== length) {
    throw new CryptoError(code, `${what} must be ${length} bytes, got ${value.length}`);
  }
  return value;
}

export function assertOptionalBytes(value: unknown, what: string): Uint8Array | undefined {
  if (value === undefined) return undefined;
  assertBytes(value, what);
  return value;
}
