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

export interface DecoderOptions extends LimitOptions {
  /**
   * Frames returned by `push` stay valid only until the next `push`: a frame
   * that straddles chunks is assembled in one of two buffers the decoder
   * keeps and overwrites, instead of a fresh allocation per frame (it lets
   * go of them whenever a push ends between frames, so an idle connection
   * holds none). For a receiver that has consumed every frame (opened it,
   * copied what it keeps) before it pushes more bytes, as the QSP session
   * core does: a 64 KiB record and its header never fit one 64 KiB socket
   * read, so in a bulk transfer records straddle reads, each one an
   * allocation this saves. Default false.
   */
  readonly transient?: boolean;
}
