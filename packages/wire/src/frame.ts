import type { FrameType } from './constants.js';

/** The fields a sender chooses; `flags` is always 0 in QSP v1 and so is not one of them. */
export interface FrameHeader {
  readonly type: FrameType;
  readonly sessionId: bigint;
  readonly epoch: number;
  readonly seq: number;
}

export interface Frame extends FrameHeader {
  readonly payload: Uint8Array;
}

/**
 * A frame as read off the wire. `header` is the exact 22 header bytes (the
 * AAD of a protected frame). `header` and `payload` may be views into the
 * caller's input buffer: do not reuse that buffer while the frame is in use.
 */
export interface DecodedFrame extends Frame {
  readonly header: Uint8Array;
}

export interface LimitOptions {
  /** Largest payload accepted or produced, in bytes. Default 1 MiB; at most 16 MiB. */
  readonly maxPayload?: number;
}
