import { describe, expect, it } from 'vitest';
import {
  CloseReason,
  DEFAULT_MAX_PAYLOAD,
  encodeClose,
  encodeFrame,
  encodeHeader,
  encodeRekey,
  type Frame,
  FrameDecoder,
  FrameType,
  HARD_MAX_PAYLOAD,
  nonce,
  RekeyKind,
  WireError,
} from '../src/index.js';

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof WireError) return error.code;
    throw error;
  }
  return 'ok';
}

const base: Frame = { type: FrameType.APP_DATA, sessionId: 1n, epoch: 1, seq: 1, payload: new Uint8Array(3) };

describe('encoding refuses out-of-range fields instead of truncating them', () => {
  it.each([
    ['sessionId = -1n', { sessionId: -1n }, 'FIELD_OUT_OF_RANGE'],
    ['sessionId = 2^64', { sessionId: 1n << 64n }, 'FIELD_OUT_OF_RANGE'],
    ['sessionId as number', { sessionId: 1 }, 'FIELD_OUT_OF_RANGE'],
    ['epoch = 2^32', { epoch: 2 ** 32 }, 'FIELD_OUT_OF_RANGE'],
    ['epoch = -1', { epoch: -1 }, 'FIELD_OUT_OF_RANGE'],
    ['epoch = 1.5', { epoch: 1.5 }, 'FIELD_OUT_OF_RANGE'],
    ['seq = NaN', { seq: Number.NaN }, 'FIELD_OUT_OF_RANGE'],
    ['seq = 2^32', { seq: 2 ** 32 }, 'FIELD_OUT_OF_RANGE'],
    ['type = 0', { type: 0 }, 'UNKNOWN_FRAME_TYPE'],
    ['type = 5', { type: 5 }, 'UNKNOWN_FRAME_TYPE'],
    ['payload not bytes', { payload: [1, 2, 3] }, 'INVALID_ARGUMENT'],
  ])('%s', (_name, patch, expected) => {
    expect(code(() => encodeFrame({ ...base, ...patch } as unknown as Frame))).toBe(expected);
  });

  it('payload over the limit', () => {
    expect(code(() => encodeFrame({ ...base, payload: new Uint8Array(DEFAULT_MAX_PAYLOAD + 1) }))).toBe(
      'PAYLOAD_TOO_LARGE',
    );
    expect(code(() => encodeFrame({ ...base, payload: new Uint8Array(11) }, { maxPayload: 10 }))).toBe(
      'PAYLOAD_TOO_LARGE',
    );
    expect(code(() => encodeHeader(base, HARD_MAX_PAYLOAD + 1, { maxPayload: HARD_MAX_PAYLOAD }))).toBe(
      'PAYLOAD_TOO_LARGE',
    );
    expect(code(() => encodeHeader(base, -1))).toBe('FIELD_OUT_OF_RANGE');
  });

  it('a limit above the 16 MiB hard cap is refused', () => {
    expect(code(() => encodeFrame(base, { maxPayload: HARD_MAX_PAYLOAD + 1 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => new FrameDecoder({ maxPayload: HARD_MAX_PAYLOAD + 1 }))).toBe('INVALID_ARGUMENT');
    expect(code(() => new FrameDecoder({ maxPayload: -1 }))).toBe('INVALID_ARGUMENT');
  });

  it('nonce fields', () => {
    expect(code(() => nonce(2 ** 32, 0))).toBe('FIELD_OUT_OF_RANGE');
    expect(code(() => nonce(0, -1))).toBe('FIELD_OUT_OF_RANGE');
  });

  it('control payloads', () => {
    const value = new Uint8Array(32);
    expect(code(() => encodeRekey({ kind: 3 as RekeyKind, newEpoch: 1, value }))).toBe('UNKNOWN_REKEY_KIND');
    expect(code(() => encodeRekey({ kind: RekeyKind.ACK, newEpoch: 2 ** 32, value }))).toBe(
      'FIELD_OUT_OF_RANGE',
    );
    expect(code(() => encodeRekey({ kind: RekeyKind.ACK, newEpoch: 1, value: new Uint8Array(31) }))).toBe(
      'FIELD_OUT_OF_RANGE',
    );
    expect(code(() => encodeClose({ reason: 11 as CloseReason, message: '' }))).toBe('UNKNOWN_CLOSE_REASON');
    expect(code(() => encodeClose({ reason: CloseReason.NORMAL, message: 'x'.repeat(257) }))).toBe(
      'CLOSE_MESSAGE_TOO_LONG',
    );
    expect(code(() => encodeClose({ reason: CloseReason.NORMAL, message: 'é'.repeat(129) }))).toBe(
      'CLOSE_MESSAGE_TOO_LONG',
    );
    expect(code(() => encodeClose({ reason: CloseReason.NORMAL, message: '\ud800' }))).toBe('INVALID_UTF8');
  });
});
