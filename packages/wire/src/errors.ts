/** Stable codes for every way wire input or arguments can be refused. */
export type WireErrorCode =
  | 'TRUNCATED'
  | 'TRAILING_BYTES'
  | 'UNKNOWN_FRAME_TYPE'
  | 'RESERVED_FLAGS'
  | 'PAYLOAD_TOO_LARGE'
  | 'FIELD_OUT_OF_RANGE'
  | 'BAD_MAGIC'
  | 'UNKNOWN_REKEY_KIND'
  | 'UNKNOWN_CLOSE_REASON'
  | 'CLOSE_MESSAGE_TOO_LONG'
  | 'INVALID_UTF8'
  | 'INVALID_ARGUMENT'
  | 'DECODER_FAILED';

/** The only error @qsp/wire throws. `code` is part of the public API; `message` is not. */
export class WireError extends Error {
  override readonly name = 'WireError';
  readonly code: WireErrorCode;

  constructor(code: WireErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

export function isWireError(error: unknown): error is WireError {
  return error instanceof WireError;
}
