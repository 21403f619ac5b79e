export { unzeroedBytes } from './alloc.js';
export { type CloseMessage, decodeClose, encodeClose, MAX_CLOSE_MESSAGE_BYTES } from './close.js';
export {
  CloseReason,
  closeReasonName,
  DEFAULT_MAX_PAYLOAD,
  FrameType,
  HARD_MAX_PAYLOAD,
  HEADER_LENGTH,
  isCloseReason,
  isFrameType,
} from './constants.js';
export { decodeFrame, FrameDecoder } from './decoder.js';
export { encodeFrame, encodeHeader } from './encoder.js';
export { isWireError, WireError, type WireErrorCode } from './errors.js';
export type { DecodedFrame, DecoderOptions, Frame, FrameHeader, LimitOptions } from './frame.js';
export { NONCE_LENGTH, nonce } from './nonce.js';
export {
  decodeRekey,
  encodeRekey,
  REKEY_MAGIC,
  REKEY_PAYLOAD_LENGTH,
  REKEY_VALUE_LENGTH,
  RekeyKind,
  type RekeyMessage,
} from './rekey.js';
