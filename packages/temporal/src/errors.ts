/**
 * Every failure in @qsafp/temporal is a TemporalError with one of these codes.
 * Codes are public API: callers branch on them, so a code is never renamed or
 * reused for a different cause.
 */
export type TemporalErrorCode =
  // Messages (§1.1) crossing a trust boundary.
  /** Not a JSON object with exactly the six §1.1 fields, or a field of the wrong type. */
  | 'MALFORMED_MESSAGE'
  /** `version` is not "1.0". */
  | 'UNSUPPORTED_VERSION'
  /** `operation` is not register, renew, status or shutdown. */
  | 'UNKNOWN_OPERATION'
  /** `system_id` is not a lowercase RFC 9562 version-4 UUID. */
  | 'INVALID_SYSTEM_ID'
  /** A timestamp is not RFC 3339 (date-time with an explicit offset), or is out of range. */
  | 'INVALID_TIMESTAMP'
  /** The message has no signature (empty string). */
  | 'UNSIGNED_MESSAGE'
  /** The signature is not canonical base64, or does not verify under the expected key. */
  | 'BAD_SIGNATURE'
  /** The message's `expiration` has passed, or is not after its `timestamp`. */
  | 'MESSAGE_EXPIRED'
  /** The message's `timestamp` is further in the future than the allowed clock skew. */
  | 'MESSAGE_FROM_FUTURE'
  /** A message for this system with this timestamp (or an older one) was already accepted. */
  | 'REPLAYED_MESSAGE'
  // Policy.
  /** A duration is negative, not finite, finer than 1 ms, absurdly long, or inconsistent with the others. */
  | 'INVALID_POLICY'
  /** No preset has this name. */
  | 'UNKNOWN_PRESET'
  // Engine operations.
  /** Registration input (approver set, threshold, keys) is invalid. */
  | 'INVALID_REGISTRATION'
  /** A system with this id is already registered. */
  | 'ALREADY_REGISTERED'
  /** No system with this id is registered. */
  | 'UNKNOWN_SYSTEM'
  /** The lease has expired (past its grace period): calls and renewals are refused for good. */
  | 'EXPIRED'
  /** The system was shut down: calls and renewals are refused for good. */
  | 'SHUT_DOWN'
  /** No renewal token is pending for this system, or the token has expired. */
  | 'NO_PENDING_RENEWAL'
  /** An approval names a token other than the one pending (another system, an older sequence). */
  | 'WRONG_TOKEN'
  /** An approval's key is not one of the approver keys fixed at registration. */
  | 'UNKNOWN_APPROVER'
  /** An approval's signature does not verify. */
  | 'BAD_APPROVAL'
  /** The same approver appears twice in one renewal. */
  | 'DUPLICATE_APPROVAL'
  /** Fewer valid approvals than the threshold fixed at registration. */
  | 'INSUFFICIENT_APPROVALS'
  /** The lease is already at its cap (registration + initial_period + maximum_extension). */
  | 'MAX_EXTENSION_REACHED'
  /** Input to an engine method is malformed (wrong type, out of range). */
  | 'INVALID_ARGUMENT'
  // Storage.
  /** The journal is damaged somewhere other than its tail: refusing to guess what was acknowledged. */
  | 'JOURNAL_CORRUPT'
  /** Another live process holds the store's lock. */
  | 'STORE_LOCKED'
  /** The store is closed, or an I/O operation failed. */
  | 'STORE_UNAVAILABLE'
  /** The engine was used before open() or after close(). */
  | 'ENGINE_CLOSED';

export class TemporalError extends Error {
  override readonly name = 'TemporalError';
  readonly code: TemporalErrorCode;

  constructor(code: TemporalErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options);
    this.code = code;
  }
}

export function isTemporalError(value: unknown, code?: TemporalErrorCode): value is TemporalError {
  return value instanceof TemporalError && (code === undefined || value.code === code);
}
