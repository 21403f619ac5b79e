import { markAsUntransferable } from 'node:worker_threads';

const SLAB_BYTES = 16 * 1024;
const MAX_POOLED = 1024;
let slab = new ArrayBuffer(SLAB_BYTES);
markAsUntransferable(slab);
let used = 0;

/**
 * Output space for a sealed record (ciphertext || tag: public bytes only).
 * Small records are carved from a shared slab, as Node carves small Buffers
 * from its pool: V8 allocates typed arrays above 64 bytes off-heap, which
 * costs about a fifth of a 64-byte AES-GCM seal. The slab holds nothing but
 * ciphertexts and is marked untransferable, so a caller that transfers
 * `.buffer` gets an error instead of detaching other records.
 */
export function ciphertextBytes(length: number): Uint8Array {
  if (length > MAX_POOLED) return new Uint8Array(length);
  if (used + length > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    markAsUntransferable(slab);
    used = 0;
  }
  const out = new Uint8Array(slab, used, length);
  used += (length + 7) & ~7;
  return out;
}
