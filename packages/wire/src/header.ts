import { HEADER_LENGTH, isFrameType, MAX_U64 } from './constants.js';
import { WireError } from './errors.js';
import type { FrameHeader } from './frame.js';
import { assertU32 } from './limits.js';

export interface ParsedHeader extends FrameHeader {
  readonly payloadLength: number;
}

/**
 * Reads and validates the header at `offset`. The caller guarantees 22 bytes
 * are there. The declared length is checked against the limit here, before
 * any payload byte is buffered.
 */
export function parseHeader(view: DataView, offset: number, maxPayload: number): ParsedHeader {
  const type = view.getUint8(offset);
  if (!isFrameType(type)) throw new WireError('UNKNOWN_FRAME_TYPE', `unknown frame type ${type}`);
  const flags = view.getUint8(offset + 1);
  if (flags !== 0) throw new WireError('RESERVED_FLAGS', `reserved flags set: 0x${flags.toString(16)}`);
  const payloadLength = view.getUint32(offset + 18);
  if (payloadLength > maxPayload) {
    throw new WireError(
      'PAYLOAD_TOO_LARGE',
      `declared payload of ${payloadLength} bytes exceeds ${maxPayload}`,
    );
  }
  return {
    type,
    sessionId: view.getBigUint64(offset + 2),
    epoch: view.getUint32(offset + 10),
    seq: view.getUint32(offset + 14),
    payloadLength,
  };
}

/** Checks every field a sender supplies; out-of-range values are refused, never truncated. */
export function validateHeaderFields(header: FrameHeader): void {
  if (typeof header !== 'object' || header === null) {
    throw new WireError('INVALID_ARGUMENT', 'frame must be an object');
  }
  if (typeof header.type !== 'number' || !isFrameType(header.type)) {
    throw new WireError('UNKNOWN_FRAME_TYPE', `unknown frame type ${String(header.type)}`);
  }
  if (typeof header.sessionId !== 'bigint' || header.sessionId < 0n || header.sessionId > MAX_U64) {
    throw new WireError('FIELD_OUT_OF_RANGE', 'sessionId must be a bigint in [0, 2^64-1]');
  }
  assertU32('epoch', header.epoch);
  assertU32('seq', header.seq);
}

/** Writes a validated header at `offset` of `target`. */
export function writeHeader(
  target: Uint8Array,
  offset: number,
  header: FrameHeader,
  payloadLength: number,
): void {
  if (target.length - offset < HEADER_LENGTH)
    throw new WireError('INVALID_ARGUMENT', 'target too small for header');
  const view = new DataView(target.buffer, target.byteOffset + offset, HEADER_LENGTH);
  view.setUint8(0, header.type);
  view.setUint8(1, 0);
  view.setBigUint64(2, header.sessionId);
  view.setUint32(10, header.epoch);
  view.setUint32(14, header.seq);
  view.setUint32(18, payloadLength);
}
