import { SessionError } from './errors.js';

/**
 * Per-key usage limits. Defaults follow RFC 8446 §5.5 for AES-GCM (at most
 * 2^24.5 full-size records per key) and the CFRG aead-limits draft for total
 * bytes; ChaCha20-Poly1305 allows more, but one conservative set keeps the
 * behaviour independent of the suite.
 */
export interface Limits {
  /** The server starts a rekey once either direction has sealed this many frames in the epoch. */
  readonly rekeyAfterFrames: number;
  /** ... or this many plaintext bytes. */
  readonly rekeyAfterBytes: number;
  /** APP_DATA is refused (and the session closed with KEY_LIMIT_REACHED) at this many frames per key. */
  readonly maxFramesPerKey: number;
  /** ... or this many plaintext bytes per key. */
  readonly maxBytesPerKey: number;
  /** Highest protected seq a direction may use (u32 on the wire; seq never wraps). */
  readonly maxSeq: number;
  /**
   * Largest plaintext in one APP_DATA frame; longer writes are split. 64 KiB
   * by default, not TLS's 16 KiB: node:crypto builds a new cipher context for
   * every record, so small records cost CPU that bulk transfers feel. A peer
   * accepts any frame up to its own maxPayload (1 MiB unless set lower).
   */
  readonly maxRecordSize: number;
  /** A handshake not finished this many ms after it started closes with HANDSHAKE_TIMEOUT. */
  readonly handshakeTimeoutMs: number;
  /** A REKEY INIT not acknowledged within this many ms closes with REKEY_FAILED. */
  readonly rekeyTimeoutMs: number;
}

/** 2^24.5 full-size records: the RFC 8446 §5.5 AES-GCM bound nothing may exceed. */
export const AEAD_FRAME_CEILING = 23_726_566;
/** 2^38 bytes per key: 2^34 AES blocks, keeping the CFRG confidentiality advantage near 2^-60. */
export const AEAD_BYTE_CEILING = 2 ** 38;

export const DEFAULT_LIMITS: Limits = Object.freeze({
  rekeyAfterFrames: 2 ** 23,
  rekeyAfterBytes: 2 ** 36,
  maxFramesPerKey: 2 ** 24,
  maxBytesPerKey: 2 ** 37,
  maxSeq: 0xffff_ffff,
  maxRecordSize: 65_536,
  handshakeTimeoutMs: 10_000,
  rekeyTimeoutMs: 30_000,
});

/** Throws INVALID_OPTIONS unless `value` is an integer in [1, max]; `name` is the option as the caller spells it. */
export function positiveInteger(name: string, value: number, max: number = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isSafeInteger(value) || value < 1 || value > max) {
    throw new SessionError('INVALID_OPTIONS', `${name} must be an integer in [1, ${max}], got ${value}`);
  }
  return value;
}

function positive(name: string, value: number, max: number): void {
  positiveInteger(`limits.${name}`, value, max);
}

export function resolveLimits(
  overrides: Partial<Limits> | undefined,
  maxPayload: number,
  tagLength: number,
): Limits {
  const l: Limits = { ...DEFAULT_LIMITS, ...overrides };
  positive('maxFramesPerKey', l.maxFramesPerKey, AEAD_FRAME_CEILING);
  positive('maxBytesPerKey', l.maxBytesPerKey, AEAD_BYTE_CEILING);
  positive('rekeyAfterFrames', l.rekeyAfterFrames, l.maxFramesPerKey);
  positive('rekeyAfterBytes', l.rekeyAfterBytes, l.maxBytesPerKey);
  positive('maxSeq', l.maxSeq, 0xffff_ffff);
  positive('maxRecordSize', l.maxRecordSize, maxPayload - tagLength);
  positive('handshakeTimeoutMs', l.handshakeTimeoutMs, 2 ** 31);
  positive('rekeyTimeoutMs', l.rekeyTimeoutMs, 2 ** 31);
  return Object.freeze(l);
}
