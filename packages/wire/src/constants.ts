/** Bytes in a QSP frame header: type u8, flags u8, session_id u64, epoch u32, seq u32, payload_len u32. */
export const HEADER_LENGTH = 22;

/** Default limit on a frame's declared payload length (1 MiB). */
export const DEFAULT_MAX_PAYLOAD = 1 << 20;

/** No configuration may raise the payload limit above 16 MiB. */
export const HARD_MAX_PAYLOAD = 1 << 24;

export const MAX_U32 = 0xffff_ffff;
export const MAX_U64 = 0xffff_ffff_ffff_ffffn;

/** Frame types (Stage155 §3.2). Any other value on the wire is an error. */
export const FrameType = {
  HANDSHAKE: 1,
  APP_DATA: 2,
  REKEY: 3,
  CLOSE: 4,
} as const;
export type FrameType = (typeof FrameType)[keyof typeof FrameType];

export function isFrameType(value: number): value is FrameType {
  return value >= FrameType.HANDSHAKE && value <= FrameType.CLOSE && Number.isInteger(value);
}

/**
 * Close reasons. The first six are Stage155's minimum set; v1 adds the
 * handshake, sequence and key-limit reasons (docs/wire-format.md explains each).
 */
export const CloseReason = {
  NORMAL: 0,
  PROTOCOL_ERROR: 10,
  AEAD_DECRYPT_FAILED: 20,
  EPOCH_MISMATCH: 30,
  SEQUENCE_MISMATCH: 31,
  REKEY_FAILED: 40,
  HANDSHAKE_FAILED: 50,
  AUTHENTICATION_FAILED: 51,
  HANDSHAKE_TIMEOUT: 52,
  KEY_LIMIT_REACHED: 60,
  INTERNAL_ERROR: 90,
} as const;
export type CloseReason = (typeof CloseReason)[keyof typeof CloseReason];

const closeReasons: ReadonlySet<number> = new Set(Object.values(CloseReason));

export function isCloseReason(value: number): value is CloseReason {
  return closeReasons.has(value);
}

/** Name of a close reason, e.g. `AEAD_DECRYPT_FAILED`, for logs and events. */
export function closeReasonName(reason: CloseReason): keyof typeof CloseReason {
  const entry = Object.entries(CloseReason).find(([, v]) => v === reason);
  return (entry?.[0] ?? 'INTERNAL_ERROR') as keyof typeof CloseReason;
}
