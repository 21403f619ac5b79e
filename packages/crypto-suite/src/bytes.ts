import { equalBytes } from '@noble/ciphers/utils.js';
import { CryptoError } from './errors.js';

/**
 * Compares two byte strings in time that depends only on their lengths, for
 * MACs, finished values and key confirmations. Lengths are public, so
 * unequal lengths return false at once.
 */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  assertBytes(a, 'a');
  assertBytes(b, 'b');
  return equalBytes(a, b);
}

/** Overwrites each array with zeros; call it when a key or secret is no longer needed. */
export function wipe(...arrays: Array<Uint8Array | undefined>): void {
  for (const a of arrays) a?.fill(0);
}

export function assertBytes(value: unknown, what: string): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new CryptoError('INVALID_ARGUMENT', `${what} must be a Uint8Array`);
  }
}

export const EMPTY = new Uint8Array(0);

/**
 * A fresh Uint8Array holding the bytes. Not `x.slice()`: on a Node Buffer
 * that returns a view of the same memory, so a later wipe would reach the copy.
 */
export function copyBytes(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  out.set(bytes);
  return out;
}
