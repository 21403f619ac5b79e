import { copyBytes } from '../bytes.js';

/**
 * A node:crypto result as a plain Uint8Array. When the Buffer is the only
 * view of its memory (not a slice of Node's pool) the same object is handed
 * over with Uint8Array's prototype, saving a copy (for an ML-KEM ciphertext,
 * an off-heap allocation worth ~5% of an encapsulation) and a second view
 * (about a sixth of a 64-byte AEAD open); a Buffer subclass adds no state,
 * so what remains is exactly a Uint8Array. Otherwise it is copied and the
 * original zeroed.
 */
export function adopt(b: Buffer): Uint8Array {
  if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength)
    return Object.setPrototypeOf(b, Uint8Array.prototype) as Uint8Array;
  const out = copyBytes(b);
  b.fill(0);
  return out;
}
