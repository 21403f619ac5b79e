/** Stable codes of the one error class this package throws (never from `aggregate`). */
export type DqsnErrorCode = 'CONFIG_INVALID' | 'FORWARD_FAILED' | 'FORWARD_TIMEOUT' | 'FORWARD_REJECTED';

export class DqsnError extends Error {
  override readonly name = 'DqsnError';
  readonly code: DqsnErrorCode;

  constructor(code: DqsnErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
