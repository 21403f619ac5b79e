import type { CloseReason } from '@qsp/wire';

/** Stable codes for every way the session refuses input, options or a call. */
export type SessionErrorCode =
  /** Options are missing, inconsistent or out of range (caught at construction). */
  | 'INVALID_OPTIONS'
  /** A handshake message does not follow the v1.0 encoding. */
  | 'MALFORMED_HANDSHAKE'
  /** The call is not allowed in the current state (e.g. send before the handshake, rekey on a client). */
  | 'INVALID_STATE'
  /** A rekey is already in flight. */
  | 'REKEY_IN_PROGRESS'
  /** The sending key reached its hard limit: nothing more is sent under it. */
  | 'KEY_LIMIT_REACHED'
  /** The session is closed; `reason` says why. */
  | 'CLOSED'
  /** The transport ended or failed before the session closed with a CLOSE frame. */
  | 'TRANSPORT_CLOSED'
  /** The peer sent more than the adapter holds unread (a transport without receive backpressure): it was closed. */
  | 'TRANSPORT_OVERFLOW';

/** The only error @qsp/session throws. `code` (and `reason` when set) are public API; `message` is not. */
export class SessionError extends Error {
  override readonly name = 'SessionError';
  readonly code: SessionErrorCode;
  /** The close reason, when the error reports a closed session. */
  readonly reason: CloseReason | undefined;

  constructor(code: SessionErrorCode, message: string, options?: { cause?: unknown; reason?: CloseReason }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.reason = options?.reason;
  }
}

export function isSessionError(error: unknown, code?: SessionErrorCode): error is SessionError {
  return error instanceof SessionError && (code === undefined || error.code === code);
}
