/**
 * Every failure raised by @qsp/evidence is an EvidenceError with one of these
 * codes. Callers branch on the code, so a code is never renamed or reused.
 * Verification never throws for a bad bundle: it reports failed checks.
 */
export type EvidenceErrorCode =
  /** Input is not valid JSON (bundle file, key registry, HTTP body). */
  | 'MALFORMED_JSON'
  /** A bundle or job description does not match the v1.0 schema. */
  | 'INVALID_BUNDLE'
  /** An artifact description is invalid (bad name, duplicate name, bad content type). */
  | 'INVALID_ARTIFACT'
  /** An artifact could not be read while hashing or storing it. */
  | 'ARTIFACT_READ_FAILED'
  /** The key registry file is malformed (bad shape, duplicate key id, bad key bytes). */
  | 'INVALID_KEY_REGISTRY'
  /** The signer failed or answered with something that is not a valid signature. */
  | 'SIGNER_FAILED'
  /** A lifecycle transition that the state machine does not allow. */
  | 'ILLEGAL_TRANSITION'
  /** A job, bundle or artifact does not exist for this tenant. */
  | 'NOT_FOUND'
  /** An id that must be new already exists. */
  | 'CONFLICT'
  /** A WORM bundle (or its artifacts) cannot change before its retention ends. */
  | 'RETENTION_LOCKED'
  /** The audit log's hash chain does not verify. */
  | 'AUDIT_CHAIN_BROKEN'
  /** The storage engine failed (connection, constraint, transaction). */
  | 'STORE_FAILED'
  /** An argument is out of range or of the wrong type. */
  | 'INVALID_ARGUMENT';

export class EvidenceError extends Error {
  override readonly name = 'EvidenceError';
  readonly code: EvidenceErrorCode;

  constructor(code: EvidenceErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options);
    this.code = code;
  }
}

export function isEvidenceError(value: unknown, code?: EvidenceErrorCode): value is EvidenceError {
  return value instanceof EvidenceError && (code === undefined || value.code === code);
}
