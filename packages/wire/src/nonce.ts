import { assertU32 } from './limits.js';

export const NONCE_LENGTH = 12;

/**
 * The QSP wire nonce: epoch as 4 bytes big-endian || seq as 8 bytes
 * big-endian (Stage155 §3.1). A session XORs it with a per-direction IV
 * before use as an AEAD nonce.
 */
export function nonce(epoch: number, seq: number): Uint8Array {
  assertU32('epoch', epoch);
  assertU32('seq', seq);
  // Bytes written one by one, not through a DataView: a DataView over a fresh
  // array moves it off-heap, which costs several percent of bulk throughput
  // when a session builds a nonce for every record.
  const out = new Uint8Array(NONCE_LENGTH);
  out[0] = epoch >>> 24;
  out[1] = epoch >>> 16;
  out[2] = epoch >>> 8;
  out[3] = epoch;
  // seq is u32 on the wire; the nonce keeps the spec's 8-byte field, high half zero.
  out[8] = seq >>> 24;
  out[9] = seq >>> 16;
  out[10] = seq >>> 8;
  out[11] = seq;
  return out;
}
