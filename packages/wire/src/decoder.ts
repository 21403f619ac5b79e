import { unzeroedBytes } from './alloc.js';
import { HEADER_LENGTH } from './constants.js';
import { WireError } from './errors.js';
import type { DecodedFrame, DecoderOptions, LimitOptions } from './frame.js';
import { type ParsedHeader, parseHeader } from './header.js';
import { assertBytes, resolveMaxPayload } from './limits.js';

/**
 * A decoded frame. `header` is computed on first use: most receivers of
 * bulk data never read it, and a view costs as much as the rest of decoding.
 */
class WireFrame implements DecodedFrame {
  readonly type: ParsedHeader['type'];
  readonly sessionId: bigint;
  readonly epoch: number;
  readonly seq: number;
  readonly payload: Uint8Array;
  readonly #source: Uint8Array;
  readonly #offset: number;

  constructor(source: Uint8Array, offset: number, header: ParsedHeader) {
    this.type = header.type;
    this.sessionId = header.sessionId;
    this.epoch = header.epoch;
    this.seq = header.seq;
    this.payload = source.subarray(offset + HEADER_LENGTH, offset + HEADER_LENGTH + header.payloadLength);
    this.#source = source;
    this.#offset = offset;
  }

  get header(): Uint8Array {
    return this.#source.subarray(this.#offset, this.#offset + HEADER_LENGTH);
  }
}

function frameAt(bytes: Uint8Array, offset: number, header: ParsedHeader): DecodedFrame {
  return new WireFrame(bytes, offset, header);
}

/**
 * Straddling frames are assembled in slices of a shared slab rather than a
 * fresh allocation each: allocating and zeroing a 16 KiB ArrayBuffer costs
 * several times the copy itself. Large frames get their own buffer so a small
 * retained frame never pins more than one slab.
 */
const SLAB_SIZE = 256 * 1024;
const SLAB_MAX_FRAME = 64 * 1024;
/**
 * Largest frame a transient decoder assembles in its kept buffers (a 256 KiB
 * record with its header and a 16-byte tag); a larger one gets its own, so
 * a rare big frame does not pin its size while a burst lasts.
 */
const TRANSIENT_MAX_FRAME = 256 * 1024 + HEADER_LENGTH + 16;

function viewOf(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Decodes exactly one frame from `bytes`. Fewer bytes than the frame needs is
 * TRUNCATED; more is TRAILING_BYTES. The result's header and payload are views
 * into `bytes` (no copy).
 */
export function decodeFrame(bytes: Uint8Array, options?: LimitOptions): DecodedFrame {
  assertBytes('bytes', bytes);
  const max = resolveMaxPayload(options);
  if (bytes.length < HEADER_LENGTH) {
    throw new WireError('TRUNCATED', `need ${HEADER_LENGTH} header bytes, have ${bytes.length}`);
  }
  const header = parseHeader(viewOf(bytes), 0, max);
  const total = HEADER_LENGTH + header.payloadLength;
  if (bytes.length < total)
    throw new WireError('TRUNCATED', `frame needs ${total} bytes, have ${bytes.length}`);
  if (bytes.length > total)
    throw new WireError('TRAILING_BYTES', `${bytes.length - total} bytes after the frame`);
  return frameAt(bytes, 0, header);
}

/**
 * Streaming decoder: push chunks as they arrive, get every complete frame.
 *
 * Frames that lie wholly inside one chunk are returned as views into it;
 * only a frame that straddles chunks is copied, into one buffer sized from
 * its (already validated) header (with `transient`, into a buffer the
 * decoder reuses, so frames are valid only until the next push). A
 * declared length above the limit is refused from the header alone. After the first error the decoder stays
 * failed: a byte stream that lost framing cannot be trusted again.
 */
export class FrameDecoder {
  readonly #max: number;
  /** Bytes of a header not yet complete (fewer than 22). */
  readonly #headerBuf = new Uint8Array(HEADER_LENGTH);
  #headerFill = 0;
  /** A straddling frame under assembly, sized from its validated header. */
  #frameBuf: Uint8Array | undefined;
  #frameHeader: ParsedHeader | undefined;
  #frameFill = 0;
  #failure: WireError | undefined;
  #slab: Uint8Array | undefined;
  #slabOffset = 0;
  /**
   * Transient mode's two assembly buffers: one push can complete a frame in
   * one while it starts the next straddling frame in the other.
   */
  readonly #scratch: Array<Uint8Array | undefined> | undefined;
  #scratchIndex = 0;

  constructor(options?: DecoderOptions) {
    this.#max = resolveMaxPayload(options);
    if (options?.transient === true) this.#scratch = [undefined, undefined];
  }

  /** Bytes held for an incomplete frame. */
  get buffered(): number {
    return this.#frameBuf ? this.#frameFill : this.#headerFill;
  }

  push(chunk: Uint8Array): DecodedFrame[] {
    if (this.#failure)
      throw new WireError('DECODER_FAILED', 'decoder failed earlier', { cause: this.#failure });
    try {
      assertBytes('chunk', chunk);
      const frames = this.#push(chunk);
      // Between frames (a burst is over): hold no memory while the connection idles.
      if (this.#scratch && this.buffered === 0) this.#scratch[0] = this.#scratch[1] = undefined;
      return frames;
    } catch (error) {
      this.#failure =
        error instanceof WireError
          ? error
          : new WireError('INVALID_ARGUMENT', 'invalid input', { cause: error });
      throw this.#failure;
    }
  }

  /** Declares the end of the stream: leftover bytes of a partial frame are TRUNCATED. */
  end(): void {
    if (this.#failure)
      throw new WireError('DECODER_FAILED', 'decoder failed earlier', { cause: this.#failure });
    if (this.buffered > 0) {
      this.#failure = new WireError(
        'TRUNCATED',
        `stream ended inside a frame (${this.buffered} bytes buffered)`,
      );
      throw this.#failure;
    }
  }

  #push(chunk: Uint8Array): DecodedFrame[] {
    const frames: DecodedFrame[] = [];
    let offset = 0;

    if (this.#headerFill > 0 || this.#frameBuf) {
      offset = this.#continuePartial(chunk, frames);
      if (offset === chunk.length) return frames;
    }

    const view = viewOf(chunk);
    while (chunk.length - offset >= HEADER_LENGTH) {
      const header = parseHeader(view, offset, this.#max);
      const total = HEADER_LENGTH + header.payloadLength;
      if (chunk.length - offset < total) {
        this.#startFrame(header, chunk.subarray(offset));
        return frames;
      }
      frames.push(frameAt(chunk, offset, header));
      offset += total;
    }
    if (offset < chunk.length) {
      this.#headerBuf.set(chunk.subarray(offset));
      this.#headerFill = chunk.length - offset;
    }
    return frames;
  }

  /** Feeds the start of `chunk` into the partial header or frame; returns bytes consumed. */
  #continuePartial(chunk: Uint8Array, frames: DecodedFrame[]): number {
    let offset = 0;
    if (!this.#frameBuf) {
      const need = HEADER_LENGTH - this.#headerFill;
      const take = Math.min(need, chunk.length);
      this.#headerBuf.set(chunk.subarray(0, take), this.#headerFill);
      this.#headerFill += take;
      offset = take;
      if (this.#headerFill < HEADER_LENGTH) return offset;
      const header = parseHeader(viewOf(this.#headerBuf), 0, this.#max);
      this.#headerFill = 0;
      this.#startFrame(header, this.#headerBuf);
    }
    const buf = this.#frameBuf!;
    const take = Math.min(buf.length - this.#frameFill, chunk.length - offset);
    buf.set(chunk.subarray(offset, offset + take), this.#frameFill);
    this.#frameFill += take;
    offset += take;
    if (this.#frameFill === buf.length) {
      frames.push(frameAt(buf, 0, this.#frameHeader!));
      this.#frameBuf = undefined;
      this.#frameHeader = undefined;
      this.#frameFill = 0;
    }
    return offset;
  }

  #startFrame(header: ParsedHeader, initial: Uint8Array): void {
    this.#frameHeader = header;
    this.#frameBuf = this.#allocate(HEADER_LENGTH + header.payloadLength);
    this.#frameBuf.set(initial);
    this.#frameFill = initial.length;
  }

  #allocate(length: number): Uint8Array {
    const scratch = this.#scratch;
    if (scratch && length <= TRANSIENT_MAX_FRAME) {
      this.#scratchIndex ^= 1;
      let buf = scratch[this.#scratchIndex];
      // Unzeroed: the frame being assembled writes every byte of a new buffer before it is returned, and a
      // later, shorter frame's .buffer reaches only bytes pushed earlier.
      if (!buf || buf.length < length) scratch[this.#scratchIndex] = buf = unzeroedBytes(length);
      return buf.subarray(0, length);
    }
    if (length > SLAB_MAX_FRAME) return unzeroedBytes(length);
    if (!this.#slab || this.#slab.length - this.#slabOffset < length) {
      // Zeroed: a frame's .buffer reaches the whole slab, and its unwritten tail must not hold stale heap bytes.
      this.#slab = new Uint8Array(SLAB_SIZE);
      this.#slabOffset = 0;
    }
    const out = this.#slab.subarray(this.#slabOffset, this.#slabOffset + length);
    this.#slabOffset += length;
    return out;
  }
}
