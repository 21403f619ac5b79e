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
  const out = new Uint8Array(NONCE_LENGTH);
  const view = new DataView(out.buffer);
  view.setUint32(0, epoch);
  // seq is u32 on the wire; the nonce keeps the spec's 8-byte field, high half zero.
  view.setUint32(8, seq);
  return out;
}
