import { type CloseReason, isCloseReason } from './constants.js';
import { WireError } from './errors.js';
import { assertBytes } from './limits.js';

/** Longest close message in UTF-8 bytes. */
export const MAX_CLOSE_MESSAGE_BYTES = 256;

export interface CloseMessage {
  readonly reason: CloseReason;
  readonly message: string;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** CLOSE plaintext: reason u16 || UTF-8 message (at most 256 bytes). */
export function encodeClose(close: CloseMessage): Uint8Array {
  if (typeof close.reason !== 'number' || !isCloseReason(close.reason)) {
    throw new WireError('UNKNOWN_CLOSE_REASON', `unknown close reason ${String(close.reason)}`);
  }
  if (typeof close.message !== 'string') throw new WireError('INVALID_ARGUMENT', 'message must be a string');
  if (!close.message.isWellFormed()) throw new WireError('INVALID_UTF8', 'message contains a lone surrogate');
  const text = utf8Encoder.encode(close.message);
  if (text.length > MAX_CLOSE_MESSAGE_BYTES) {
    throw new WireError(
      'CLOSE_MESSAGE_TOO_LONG',
      `close message is ${text.length} bytes; limit ${MAX_CLOSE_MESSAGE_BYTES}`,
    );
  }
  const out = new Uint8Array(2 + text.length);
  new DataView(out.buffer).setUint16(0, close.reason);
  out.set(text, 2);
  return out;
}

export function decodeClose(bytes: Uint8Array): CloseMessage {
  assertBytes('bytes', bytes);
  if (bytes.length < 2) throw new WireError('TRUNCATED', 'close payload needs at least 2 bytes');
  const reason = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint16(0);
  if (!isCloseReason(reason)) throw new WireError('UNKNOWN_CLOSE_REASON', `unknown close reason ${reason}`);
  if (bytes.length - 2 > MAX_CLOSE_MESSAGE_BYTES) {
    throw new WireError('CLOSE_MESSAGE_TOO_LONG', `close message is ${bytes.length - 2} bytes`);
  }
  let message: string;
  try {
    message = utf8Decoder.decode(bytes.subarray(2));
  } catch (cause) {
    throw new WireError('INVALID_UTF8', 'close message is not valid UTF-8', { cause });
  }
  return { reason, message };
}
