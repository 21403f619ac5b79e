// Everything that crosses the trust boundary: every single-byte change and
// every truncation of a valid input either decodes to a well-formed value or
// throws WireError — never another exception, never a hang.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CloseReason,
  decodeClose,
  decodeFrame,
  decodeRekey,
  encodeClose,
  encodeFrame,
  encodeRekey,
  FrameDecoder,
  FrameType,
  isFrameType,
  RekeyKind,
  WireError,
} from '../src/index.js';
import { frameArb } from './arbitraries.js';

function decodesOrWireError(fn: () => unknown): 'ok' | string {
  try {
    fn();
    return 'ok';
  } catch (error) {
    if (!(error instanceof WireError)) throw error;
    return error.code;
  }
}

const BYTE_VALUES = [0x00, 0x01, 0x02, 0x04, 0x05, 0x7f, 0x80, 0xfe, 0xff];

function everyMutation(bytes: Uint8Array, check: (mutated: Uint8Array) => void): void {
  for (let i = 0; i < bytes.length; i++) {
    for (const value of [...BYTE_VALUES, bytes[i]! ^ 0x01, bytes[i]! ^ 0x80]) {
      if (value === bytes[i]) continue;
      const mutated = bytes.slice();
      mutated[i] = value;
      check(mutated);
    }
  }
}

describe('frame mutations', () => {
  it('every single-byte mutation decodes to a valid frame or throws WireError', () => {
    fc.assert(
      fc.property(frameArb(24), (frame) => {
        const bytes = encodeFrame(frame);
        everyMutation(bytes, (mutated) => {
          const result = decodesOrWireError(() => decodeFrame(mutated));
          if (result === 'ok') {
            const decoded = decodeFrame(mutated);
            expect(isFrameType(decoded.type)).toBe(true);
            expect(decoded.payload.length).toBe(mutated.length - 22);
          }
        });
      }),
      { numRuns: 60 },
    );
  });

  it('mutations land on the expected codes', () => {
    const bytes = encodeFrame({
      type: FrameType.APP_DATA,
      sessionId: 9n,
      epoch: 1,
      seq: 1,
      payload: new Uint8Array(4),
    });
    const at = (i: number, v: number) => {
      const m = bytes.slice();
      m[i] = v;
      return decodesOrWireError(() => decodeFrame(m));
    };
    expect(at(0, 0)).toBe('UNKNOWN_FRAME_TYPE');
    expect(at(0, 5)).toBe('UNKNOWN_FRAME_TYPE');
    expect(at(1, 1)).toBe('RESERVED_FLAGS');
    expect(at(18, 1)).toBe('PAYLOAD_TOO_LARGE');
    expect(at(21, 5)).toBe('TRUNCATED');
    expect(at(21, 3)).toBe('TRAILING_BYTES');
    expect(at(2, 0xff)).toBe('ok');
  });

  it('every truncation throws TRUNCATED', () => {
    fc.assert(
      fc.property(frameArb(40), (frame) => {
        const bytes = encodeFrame(frame);
        for (let n = 0; n < bytes.length; n++) {
          expect(decodesOrWireError(() => decodeFrame(bytes.subarray(0, n)))).toBe('TRUNCATED');
        }
      }),
      { numRuns: 100 },
    );
  });

  it('the streaming decoder agrees with decodeFrame on every mutation', () => {
    fc.assert(
      fc.property(frameArb(16), (frame) => {
        everyMutation(encodeFrame(frame), (mutated) => {
          const single = decodesOrWireError(() => decodeFrame(mutated));
          const streamed = decodesOrWireError(() => {
            const decoder = new FrameDecoder();
            const frames = decoder.push(mutated);
            decoder.end();
            if (frames.length !== 1) throw new Error('expected exactly one frame');
          });
          // The stream has no notion of trailing bytes: they begin the next frame.
          if (single === 'TRAILING_BYTES')
            expect([
              'TRUNCATED',
              'UNKNOWN_FRAME_TYPE',
              'RESERVED_FLAGS',
              'PAYLOAD_TOO_LARGE',
              'ok',
            ]).toContain(streamed);
          else expect(streamed).toBe(single);
        });
      }),
      { numRuns: 40 },
    );
  });
});

describe('control payload mutations', () => {
  const rekey = encodeRekey({ kind: RekeyKind.INIT, newEpoch: 2, value: new Uint8Array(32).fill(7) });
  const close = encodeClose({ reason: CloseReason.PROTOCOL_ERROR, message: 'unexpected frame' });

  it('REKEY: every mutation and truncation decodes or throws WireError', () => {
    everyMutation(rekey, (m) => {
      const r = decodesOrWireError(() => decodeRekey(m));
      expect(['ok', 'BAD_MAGIC', 'UNKNOWN_REKEY_KIND']).toContain(r);
    });
    for (let n = 0; n < rekey.length; n++)
      expect(decodesOrWireError(() => decodeRekey(rekey.subarray(0, n)))).toBe('TRUNCATED');
    expect(decodesOrWireError(() => decodeRekey(new Uint8Array([...rekey, 0])))).toBe('TRAILING_BYTES');
  });

  it('REKEY refuses the reference code\'s "RK55" magic', () => {
    const m = rekey.slice();
    m[3] = 0x35;
    expect(decodesOrWireError(() => decodeRekey(m))).toBe('BAD_MAGIC');
  });

  it('CLOSE: every mutation and truncation decodes or throws WireError', () => {
    everyMutation(close, (m) => {
      const r = decodesOrWireError(() => decodeClose(m));
      expect(['ok', 'UNKNOWN_CLOSE_REASON', 'INVALID_UTF8']).toContain(r);
    });
    for (let n = 0; n < 2; n++)
      expect(decodesOrWireError(() => decodeClose(close.subarray(0, n)))).toBe('TRUNCATED');
  });

  it('CLOSE refuses invalid UTF-8, overlong messages and unknown reasons', () => {
    expect(decodesOrWireError(() => decodeClose(new Uint8Array([0, 0, 0xc3, 0x28])))).toBe('INVALID_UTF8');
    expect(decodesOrWireError(() => decodeClose(new Uint8Array([0, 0, 0xed, 0xa0, 0x80])))).toBe(
      'INVALID_UTF8',
    );
    expect(decodesOrWireError(() => decodeClose(new Uint8Array(2 + 257)))).toBe('CLOSE_MESSAGE_TOO_LONG');
    expect(decodesOrWireError(() => decodeClose(new Uint8Array(2 + 256)))).toBe('ok');
    expect(decodesOrWireError(() => decodeClose(new Uint8Array([0, 11])))).toBe('UNKNOWN_CLOSE_REASON');
  });

  it('arbitrary bytes never escape as anything but WireError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        decodesOrWireError(() => decodeFrame(bytes));
        decodesOrWireError(() => decodeRekey(bytes));
        decodesOrWireError(() => decodeClose(bytes));
      }),
      { numRuns: 3000 },
    );
  });
});
