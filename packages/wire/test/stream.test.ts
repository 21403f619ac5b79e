import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DecodedFrame,
  encodeFrame,
  encodeHeader,
  FrameDecoder,
  FrameType,
  HEADER_LENGTH,
  WireError,
} from '../src/index.js';
import { concat, frameArb, splitAt } from './arbitraries.js';

function strip(frames: readonly DecodedFrame[]) {
  return frames.map(({ header: _h, ...rest }) => ({ ...rest, payload: Array.from(rest.payload) }));
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
          expect(strip(split)).toEqual(strip(whole));
          expect(strip(whole)).toEqual(strip(frames.map((f) => ({ ...f, header: new Uint8Array() }))));
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
          const frames = sizes.map((n, i) => ({
            type: FrameType.APP_DATA,
            sessionId: 7n,
            epoch: 1,
            seq: i + 1,
            payload: new Uint8Array(n).map((_, j) => (j * 31 + i) & 0xff),
          }));
          const stream = concat(frames.map((f) => encodeFrame(f)));
          const split = decodeChunks(splitAt(stream, cuts));
          expect(strip(split)).toEqual(strip(frames.map((f) => ({ ...f, header: new Uint8Array() }))));
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

  it('byte-at-a-time delivery yields the same frames', () => {
    fc.assert(
      fc.property(fc.array(frameArb(32), { minLength: 1, maxLength: 4 }), (frames) => {
        const stream = concat(frames.map((f) => encodeFrame(f)));
        const bytes = Array.from(stream, (b) => new Uint8Array([b]));
        expect(strip(decodeChunks(bytes))).toEqual(strip(decodeChunks([stream])));
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
