import fc from 'fast-check';
import { CloseReason, type Frame, FrameType } from '../src/index.js';

export const frameTypeArb = fc.constantFrom(...Object.values(FrameType));
export const u32Arb = fc.nat({ max: 0xffff_ffff });
export const u64Arb = fc.bigInt({ min: 0n, max: 0xffff_ffff_ffff_ffffn });

export function frameArb(maxPayload = 256): fc.Arbitrary<Frame> {
  return fc.record({
    type: frameTypeArb,
    sessionId: u64Arb,
    epoch: u32Arb,
    seq: u32Arb,
    payload: fc.uint8Array({ maxLength: maxPayload }),
  });
}

/** An APP_DATA frame in epoch 1 of session `sessionId`. */
export function appData(seq: number, payload: Uint8Array, sessionId = 1n): Frame {
  return { type: FrameType.APP_DATA, sessionId, epoch: 1, seq, payload };
}

/** APP_DATA frames with seq 1, 2, … and payloads of `sizes` bytes, each in a pattern of its own. */
export function patternFrames(sizes: readonly number[], sessionId = 1n): Frame[] {
  return sizes.map((n, i) =>
    appData(
      i + 1,
      new Uint8Array(n).map((_, j) => (j * 31 + i) & 0xff),
      sessionId,
    ),
  );
}

export const closeReasonArb = fc.constantFrom(...Object.values(CloseReason));

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Splits `bytes` at the given cut points (sorted, deduplicated, within range). */
export function splitAt(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let prev = 0;
  for (const p of points) {
    chunks.push(bytes.subarray(prev, p));
    prev = p;
  }
  chunks.push(bytes.subarray(prev));
  return chunks;
}

export function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex');
}

export function fromHex(text: string): Uint8Array {
  return new Uint8Array(Buffer.from(text.replace(/\s+/g, ''), 'hex'));
}
