import { copyBytes } from '../bytes.js';

export { copyBytes as own } from '../bytes.js';

/**
 * A node:crypto result as a plain Uint8Array. When the Buffer is the only
 * view of its memory (not a slice of Node's pool) that memory is handed
 * over as is, saving a copy (for an ML-KEM ciphertext, an off-heap
 * allocation worth ~5% of an encapsulation); otherwise it is copied and
 * the original zeroed.
 */
export function adopt(b: Buffer): Uint8Array {
  if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength)
    return new Uint8Array(b.buffer, 0, b.length);
  const out = copyBytes(b);
  b.fill(0);
  return out;
}
