import { SessionError } from './errors.js';

const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const utf8Encoder = new TextEncoder();

export function utf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}

export function concat(...parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** Big-endian field writer for handshake messages; sizes are checked by the caller's codec. */
export class Writer {
  readonly #parts: Uint8Array[] = [];

  u8(value: number): this {
    this.#parts.push(Uint8Array.of(value));
    return this;
  }

  u16(value: number): this {
    this.#parts.push(Uint8Array.of(value >>> 8, value & 0xff));
    return this;
  }

  u64(value: bigint): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, value);
    this.#parts.push(b);
    return this;
  }

  bytes(value: Uint8Array): this {
    this.#parts.push(value);
    return this;
  }

  /** u8 length || value */
  vec8(value: Uint8Array): this {
    return this.u8(value.length).bytes(value);
  }

  /** u16 length || value */
  vec16(value: Uint8Array): this {
    return this.u16(value.length).bytes(value);
  }

  finish(): Uint8Array {
    return concat(...this.#parts);
  }
}

/** Big-endian reader; every overrun or leftover is MALFORMED_HANDSHAKE. */
export class Reader {
  readonly #bytes: Uint8Array;
  readonly #view: DataView;
  #offset = 0;

  constructor(bytes: Uint8Array) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get offset(): number {
    return this.#offset;
  }

  #need(n: number, what: string): void {
    if (this.#bytes.length - this.#offset < n) {
      throw new SessionError('MALFORMED_HANDSHAKE', `truncated ${what}`);
    }
  }

  u8(what: string): number {
    this.#need(1, what);
    return this.#view.getUint8(this.#offset++);
  }

  u16(what: string): number {
    this.#need(2, what);
    const v = this.#view.getUint16(this.#offset);
    this.#offset += 2;
    return v;
  }

  u64(what: string): bigint {
    this.#need(8, what);
    const v = this.#view.getBigUint64(this.#offset);
    this.#offset += 8;
    return v;
  }

  bytes(n: number, what: string): Uint8Array {
    this.#need(n, what);
    const v = this.#bytes.slice(this.#offset, this.#offset + n);
    this.#offset += n;
    return v;
  }

  /** u8 length || value, with the length inside [min, max]. */
  vec8(what: string, min: number, max: number): Uint8Array {
    const n = this.u8(`${what} length`);
    if (n < min || n > max)
      throw new SessionError('MALFORMED_HANDSHAKE', `${what} length ${n} not in [${min}, ${max}]`);
    return this.bytes(n, what);
  }

  /** u16 length || value, with the length inside [min, max]. */
  vec16(what: string, min: number, max: number): Uint8Array {
    const n = this.u16(`${what} length`);
    if (n < min || n > max)
      throw new SessionError('MALFORMED_HANDSHAKE', `${what} length ${n} not in [${min}, ${max}]`);
    return this.bytes(n, what);
  }

  text8(what: string, min: number, max: number): string {
    const raw = this.vec8(what, min, max);
    try {
      return utf8Decoder.decode(raw);
    } catch (cause) {
      throw new SessionError('MALFORMED_HANDSHAKE', `${what} is not valid UTF-8`, { cause });
    }
  }

  end(what: string): void {
    if (this.#offset !== this.#bytes.length) {
      throw new SessionError(
        'MALFORMED_HANDSHAKE',
        `${this.#bytes.length - this.#offset} trailing bytes after ${what}`,
      );
    }
  }
}
