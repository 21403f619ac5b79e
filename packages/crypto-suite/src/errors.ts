/**
 * Every failure in this package is a CryptoError with one of these codes.
 * The codes are part of the public API: callers branch on them, so a code is
 * never renamed or reused for a different cause.
 */
export type CryptoErrorCode =
  /** AEAD authentication failed (wrong key, nonce, AAD, or tampered ciphertext/tag). */
  | 'AEAD_OPEN_FAILED'
  /** A key has the wrong byte length for its algorithm. */
  | 'INVALID_KEY_LENGTH'
  /** A key has the right length but is not a valid encoding (e.g. ML-KEM coefficients >= q, bad H(ek)). */
  | 'INVALID_KEY'
  /** A nonce is not the algorithm's nonce length (QSP AEADs take 12 bytes only). */
  | 'INVALID_NONCE_LENGTH'
  /** A ciphertext is shorter than the tag, or a KEM ciphertext has the wrong length. */
  | 'INVALID_CIPHERTEXT'
  /** A deterministic-operation seed has the wrong length. */
  | 'INVALID_SEED_LENGTH'
  /** ML-DSA context longer than 255 bytes, or hedging randomness not 32 bytes. */
  | 'INVALID_SIGNING_OPTION'
  /** An argument is not a Uint8Array, or a length/label is out of range. */
  | 'INVALID_ARGUMENT'
  /** HKDF output length above 255 * HashLen (or above 65535 for expand-label). */
  | 'KDF_LENGTH'
  /** A HashState was used after digest(). */
  | 'HASH_FINALIZED'
  /** The engine does not provide this algorithm (on this runtime), or cannot handle this key encoding. */
  | 'UNSUPPORTED_ALGORITHM'
  /** The engine provides the algorithm but not this option (node:crypto takes no caller-supplied randomness). */
  | 'UNSUPPORTED_OPTION'
  /** No suite has this id or code point. */
  | 'UNKNOWN_SUITE'
  /** BB84: the estimated QBER is above the abort threshold (eavesdropping or a bad channel). */
  | 'QBER_TOO_HIGH'
  /** BB84: not enough sifted bits for the sample and the requested key length. */
  | 'KEY_SOURCE_EXHAUSTED'
  /** ETSI 014: the KME answered with a non-2xx status. */
  | 'KME_HTTP_ERROR'
  /** ETSI 014: the KME's answer is not what the standard defines (JSON shape, base64, key count). */
  | 'KME_BAD_RESPONSE'
  /** ETSI 014: the KME could not be reached or did not answer in time. */
  | 'KME_UNAVAILABLE'
  /** A delivered key is shorter than requested, or than the client's minimum (a longer one is KME_BAD_RESPONSE). */
  | 'KEY_TOO_SHORT'
  /** A key source has no key under this id (never issued, or already consumed). */
  | 'KEY_NOT_FOUND'
  /** BB84: information reconciliation left the two keys different (caught by the verification hash). */
  | 'QKD_RECONCILIATION_FAILED';

export class CryptoError extends Error {
  override readonly name = 'CryptoError';
  readonly code: CryptoErrorCode;
  /** Machine-readable facts about the failure (e.g. the measured QBER, the KME's HTTP status); never secrets. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    code: CryptoErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Readonly<Record<string, unknown>> },
  ) {
    super(`${code}: ${message}`, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = Object.freeze({ ...options?.details });
  }
}

export function isCryptoError(value: unknown, code?: CryptoErrorCode): value is CryptoError {
  return value instanceof CryptoError && (code === undefined || value.code === code);
}
