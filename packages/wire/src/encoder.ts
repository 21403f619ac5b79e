import { HEADER_LENGTH } from './constants.js';
import { WireError } from './errors.js';
import type { Frame, FrameHeader, LimitOptions } from './frame.js';
import { validateHeaderFields, writeHeader } from './header.js';
import { assertBytes, resolveMaxPayload } from './limits.js';

function checkPayloadLength(length: number, options?: LimitOptions): void {
  const max = resolveMaxPayload(options);
  if (length > max) throw new WireError('PAYLOAD_TOO_LARGE', `payload of ${length} bytes exceeds ${max}`);
}

/**
 * The 22 header bytes for a frame whose payload will be `payloadLength`
 * bytes long. Protected frames use these bytes as AEAD associated data, so a
 * sender builds the header before it seals the payload.
 */
export function encodeHeader(header: FrameHeader, payloadLength: number, options?: LimitOptions): Uint8Array {
  validateHeaderFields(header);
  if (!Number.isSafeInteger(payloadLength) || payloadLength < 0) {
    throw new WireError('FIELD_OUT_OF_RANGE', 'payloadLength must be a non-negative integer');
  }
  checkPayloadLength(payloadLength, options);
  const out = new Uint8Array(HEADER_LENGTH);
  writeHeader(out, 0, header, payloadLength);
  return out;
}

/** Encodes one frame: header || payload, in a single new buffer. */
export function encodeFrame(frame: Frame, options?: LimitOptions): Uint8Array {
  validateHeaderFields(frame);
  assertBytes('payload', frame.payload);
  checkPayloadLength(frame.payload.length, options);
  const out = new Uint8Array(HEADER_LENGTH + frame.payload.length);
  writeHeader(out, 0, frame, frame.payload.length);
  out.set(frame.payload, HEADER_LENGTH);
  return out;
}
