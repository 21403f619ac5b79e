import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DecodedFrame,
  encodeFrame,
  encodeHeader,
  type Frame,
  FrameDecoder,
  FrameType,
  HEADER_LENGTH,
  WireError,
} from '../src/index.js';
import { appData, concat, frameArb, patternFrames, splitAt } from './arbitraries.js';

/** What a consumer takes from frames before its next push: the fields, payloads as hex (a copy). */
function snapshot(frames: readonly Frame[]) {
  return frames.map((f) => [f.type, f.sessionId, f.epoch, f.seq, Buffer.from(f.payload).toString('hex')]);
}

function decodeChunks(chunks: readonly Uint8Array[]): DecodedFrame[] {
  const decoder = new FrameDecoder();
  const frames = chunks.flatMap((c) => decoder.push(c));
  decoder.end();
  return frames;
}

describe('FrameDecoder', () => {
  it('chunking invariance: any split of a byte stream yields the same frames', () => {
    fc.assert(
      fc.property(
        fc.array(frameArb(64), { maxLength: 8 }),
        fc.array(fc.nat(), { maxLength: 20 }),
        (frames, cuts) => {
          const stream = concat(frames.map((f) => encodeFrame(f)));
          const whole = decodeChunks([stream]);
          const split = decodeChunks(splitAt(stream, cuts));
          expect(snapshot(split)).toEqual(snapshot(whole));
          expect(snapshot(whole)).toEqual(snapshot(frames));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('frames larger than the shared slab (own, unzeroed buffers) decode byte for byte when split anywhere', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 60_000, max: 140_000 }), { minLength: 1, maxLength: 3 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (sizes, cuts) => {
          const frames = patternFrames(sizes, 7n);
          const stream = concat(frames.map((f) => encodeFrame(f)));
          const split = decodeChunks(splitAt(stream, cuts));
          expect(snapshot(split)).toEqual(snapshot(frames));
          for (const f of split) {
            // A copied frame owns its ArrayBuffer exactly: .buffer reaches no byte it did not write.
            if (f.payload.buffer !== stream.buffer && f.payload.length > 64 * 1024) {
              expect(f.payload.buffer.byteLength).toBe(HEADER_LENGTH + f.payload.length);
            }
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('transient mode: any split yields the same frames when each push is consumed before the next', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.integer({ min: 0, max: 300 }),
            fc.integer({ min: 60_000, max: 70_000 }),
            fc.integer({ min: 262_000, max: 266_000 }),
          ),
          { minLength: 1, maxLength: 5 },
        ),
        fc.array(fc.nat(), { maxLength: 12 }),
        (sizes, cuts) => {
          const frames = patternFrames(sizes, 3n);
          const stream = concat(frames.map((f) => encodeFrame(f)));
          const decoder = new FrameDecoder({ transient: true });
          const seen = splitAt(stream, cuts).flatMap((c) => snapshot(decoder.push(c)));
          decoder.end();
          expect(seen).toEqual(snapshot(frames));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('transient mode reuses its two assembly buffers across pushes, and one push may use both', () => {
    const frame = (seq: number, n: number) => encodeFrame(appData(seq, new Uint8Array(n).fill(seq)));
    const stream = concat([frame(1, 5000), frame(2, 5000), frame(3, 5000), frame(4, 5000)]);
    const decoder = new FrameDecoder({ transient: true });
    const step = frame(1, 5000).length;
    // Every push ends inside a frame: each completes one straddling frame and starts the next.
    const pushes = [0, 1, 2, 3].map((i) =>
      decoder.push(stream.subarray(i === 0 ? 0 : i * step + 10, (i + 1) * step + 10)),
    );
    expect(pushes.map((p) => p.map((f) => f.seq))).toEqual([[1], [2], [3], [4]]);
    const [, second, third, fourth] = pushes.map((p) => p[0]!);
    // Frame 1 was a view into the stream; 2, 3 and 4 were assembled, alternating between two kept buffers.
    expect(pushes[0]![0]!.payload.buffer).toBe(stream.buffer);
    expect(second!.payload.buffer).not.toBe(third!.payload.buffer);
    expect(fourth!.payload.buffer).toBe(second!.payload.buffer);
    // Consumed in time, each held its own bytes (frame 4's assembly has now overwritten frame 2's).
    expect(fourth!.payload.every((b) => b === 4)).toBe(true);
    expect(third!.payload.every((b) => b === 3)).toBe(true);
    // Kept buffers are not zero-filled: every byte of each is a byte that was pushed (here, frames 4 and 3 whole).
    expect(Buffer.from(fourth!.payload.buffer)).toEqual(Buffer.from(frame(4, 5000)));
    expect(Buffer.from(third!.payload.buffer)).toEqual(Buffer.from(frame(3, 5000)));
  });

  it('transient mode lets go of its buffers when a push ends between frames', () => {
    const frame = (seq: number) => encodeFrame(appData(seq, new Uint8Array(5000).fill(seq)));
    const decoder = new FrameDecoder({ transient: true });
    const burst = (a: Uint8Array, b: Uint8Array) => {
      const stream = concat([a, b]);
      // Mid-frame, then to the end of the burst: the second push completes a frame and leaves none open.
      decoder.push(stream.subarray(0, a.length + 100));
      return decoder.push(stream.subarray(a.length + 100))[0]!;
    };
    const first = burst(frame(1), frame(2));
    const second = burst(frame(3), frame(4));
    // The idle gap dropped the kept buffers: the earlier frame still holds its bytes, the next got fresh memory.
    expect(second.payload.buffer).not.toBe(first.payload.buffer);
    expect(first.payload.every((b) => b === 2)).toBe(true);
    expect(second.payload.every((b) => b === 4)).toBe(true);
  });

  it('transient mode gives frames above its kept size their own buffer', () => {
    const big = encodeFrame(appData(1, new Uint8Array(300_000).fill(9)));
    const decoder = new FrameDecoder({ transient: true });
    expect(decoder.push(big.subarray(0, 100))).toEqual([]);
    const [f] = decoder.push(big.subarray(100));
    expect(f!.payload.buffer.byteLength).toBe(big.length);
    expect(f!.payload.every((b) => b === 9)).toBe(true);
  });

  it('byte-at-a-time delivery yields the same frames', () => {
    fc.assert(
      fc.property(fc.array(frameArb(32), { minLength: 1, maxLength: 4 }), (frames) => {
        const stream = concat(frames.map((f) => encodeFrame(f)));
        const bytes = Array.from(stream, (b) => new Uint8Array([b]));
        expect(snapshot(decodeChunks(bytes))).toEqual(snapshot(decodeChunks([stream])));
      }),
      { numRuns: 100 },
    );
  });

  it('returns views for whole frames and copies only frames that straddle chunks', () => {
    const a = encodeFrame({
      type: FrameType.APP_DATA,
      sessionId: 1n,
      epoch: 1,
      seq: 1,
      payload: new Uint8Array(100),
    });
    const b = encodeFrame({
      type: FrameType.APP_DATA,
      sessionId: 1n,
      epoch: 1,
      seq: 2,
      payload: new Uint8Array(100),
    });
    const stream = concat([a, b]);
    const decoder = new FrameDecoder();
    const first = decoder.push(stream.subarray(0, a.length + 10));
    expect(first).toHaveLength(1);
    expect(first[0]!.payload.buffer).toBe(stream.buffer);
    const second = decoder.push(stream.subarray(a.length + 10));
    expect(second).toHaveLength(1);
    expect(second[0]!.payload.buffer).not.toBe(stream.buffer);
    expect(second[0]!.seq).toBe(2);
  });

  it('refuses an oversized declared length from the header alone, before buffering', () => {
    const decoder = new FrameDecoder({ maxPayload: 1024 });
    const header = encodeHeader({ type: FrameType.APP_DATA, sessionId: 1n, epoch: 1, seq: 1 }, 1024);
    header[18] = 0xff; // declared length ~4 GiB
    expect(() => decoder.push(header.subarray(0, 20))).not.toThrow();
    expect(decoder.buffered).toBe(20);
    expect(() => decoder.push(header.subarray(20))).toThrow(
      expect.objectContaining({ code: 'PAYLOAD_TOO_LARGE' }),
    );
  });

  it('accepts exactly the limit', () => {
    const decoder = new FrameDecoder({ maxPayload: 1024 });
    const frame = encodeFrame(
      { type: FrameType.APP_DATA, sessionId: 1n, epoch: 1, seq: 1, payload: new Uint8Array(1024) },
      { maxPayload: 1024 },
    );
    expect(decoder.push(frame)).toHaveLength(1);
  });

  it('stays failed after an error (framing cannot be trusted again)', () => {
    const decoder = new FrameDecoder();
    const bad = new Uint8Array(HEADER_LENGTH);
    bad[0] = 9;
    expect(() => decoder.push(bad)).toThrow(expect.objectContaining({ code: 'UNKNOWN_FRAME_TYPE' }));
    const good = encodeFrame({
      type: FrameType.CLOSE,
      sessionId: 1n,
      epoch: 1,
      seq: 1,
      payload: new Uint8Array(2),
    });
    expect(() => decoder.push(good)).toThrow(expect.objectContaining({ code: 'DECODER_FAILED' }));
    expect(() => decoder.end()).toThrow(WireError);
  });

  it('end() inside a frame is TRUNCATED; at a boundary it is fine', () => {
    const frame = encodeFrame({
      type: FrameType.APP_DATA,
      sessionId: 1n,
      epoch: 1,
      seq: 1,
      payload: new Uint8Array(5),
    });
    for (let n = 1; n < frame.length; n++) {
      const decoder = new FrameDecoder();
      expect(decoder.push(frame.subarray(0, n))).toEqual([]);
      expect(decoder.buffered).toBe(n);
      expect(() => decoder.end()).toThrow(expect.objectContaining({ code: 'TRUNCATED' }));
    }
    const decoder = new FrameDecoder();
    decoder.push(frame);
    expect(() => decoder.end()).not.toThrow();
  });

  it('refuses a non-Uint8Array chunk with a WireError', () => {
    const decoder = new FrameDecoder();
    expect(() => decoder.push('abc' as unknown as Uint8Array)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('arbitrary chunked garbage yields frames or WireError, never anything else', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 64 }), { maxLength: 10 }), (chunks) => {
        const decoder = new FrameDecoder({ maxPayload: 128 });
        try {
          for (const c of chunks) decoder.push(c);
          decoder.end();
        } catch (error) {
          expect(error).toBeInstanceOf(WireError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
