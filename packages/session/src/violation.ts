import type { CloseReason } from '@qsp/wire';

/** Thrown inside the core when input breaks the protocol; caught at the API edge and turned into a close. */
export class Violation extends Error {
  readonly reason: CloseReason;

  constructor(reason: CloseReason, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.reason = reason;
  }
}
