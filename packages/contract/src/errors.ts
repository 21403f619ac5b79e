/**
 * Every failure this package throws is a ContractError with one of these
 * codes. Codes are public API: callers branch on them, so a code is never
 * renamed or reused for a different cause. Decisions never throw: an engine
 * failure becomes a `reject` contract whose `reason_code` is one of the
 * ENGINE_* / EVIDENCE_* reason codes in `reasons.ts`.
 */
export type ContractErrorCode =
  /** The input layer does not match the contract schema, or its policy does not require fail-closed. */
  | 'INPUT_INVALID'
  /** The spec document is not one this package can build (stage, version, layers or decisions differ). */
  | 'SPEC_UNSUPPORTED'
  /** An option passed to build/verify/an engine is out of range (timeout, k-of-n, key, pin range). */
  | 'INVALID_OPTION'
  /** A contract or file could not be parsed as JSON. */
  | 'PARSE_FAILED'
  /** A file could not be written or read. */
  | 'IO_FAILED';

export class ContractError extends Error {
  override readonly name = 'ContractError';
  readonly code: ContractErrorCode;

  constructor(code: ContractErrorCode, message: string, options?: { cause?: unknown }) {
    super(`${code}: ${message}`, options);
    this.code = code;
  }
}

export function isContractError(value: unknown, code?: ContractErrorCode): value is ContractError {
  return value instanceof ContractError && (code === undefined || value.code === code);
}
