/**
 * Gathers the small writes an application makes in one burst into full
 * records. node:crypto creates a fresh cipher context for every AEAD call
 * (it cannot re-key a GCM context with a new IV the way OpenSSL's TLS layer
 * does), so at 16 KiB the fixed cost of a record is a large share of its
 * cost: in the package benchmark 16 KiB writes sealed as 64 KiB records run
 * well ahead of one record per write (the README has the numbers).
 *
 * Bytes are copied into a reusable buffer, so the writer may reuse its chunk
 * as soon as `push` returns. The buffer is sealed when it fills, when the
 * caller flushes, and at the latest in a microtask after the first pushed
 * byte: a burst of synchronous writes becomes full records, a lone write
 * leaves before the event loop turns (no Nagle-style delay).
 */
export class Coalescer {
  readonly #send: (data: Uint8Array) => void;
  readonly #capacity: number;
  #buffer: Uint8Array | undefined;
  #fill = 0;
  #scheduled = false;

  /** `send` seals and writes; it may throw (the session refused), which `push`/`flush` pass on. */
  constructor(capacity: number, send: (data: Uint8Array) => void) {
    this.#capacity = capacity;
    this.#send = send;
  }

  /** Bytes held and not yet sealed. */
  get pending(): number {
    return this.#fill;
  }

  push(data: Uint8Array): void {
    const capacity = this.#capacity;
    let offset = 0;
    if (this.#fill > 0) {
      offset = Math.min(capacity - this.#fill, data.length);
      this.#buffer!.set(data.subarray(0, offset), this.#fill);
      this.#fill += offset;
      if (this.#fill === capacity) this.flush();
    }
    // Whole records straight from the caller's memory: nothing to gather.
    const whole = data.length - offset - ((data.length - offset) % capacity);
    if (whole > 0) {
      this.#send(data.subarray(offset, offset + whole));
      offset += whole;
    }
    if (offset < data.length) {
      this.#buffer ??= new Uint8Array(capacity);
      this.#buffer.set(data.subarray(offset), 0);
      this.#fill = data.length - offset;
    }
    if (this.#fill > 0 && !this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(() => {
        this.#scheduled = false;
        this.settle();
      });
    }
  }

  /** Seals whatever is held now. */
  flush(): void {
    if (this.#fill === 0) return;
    const data = this.#buffer!.subarray(0, this.#fill);
    this.#fill = 0;
    this.#send(data);
  }

  /** Like flush, for callers with nobody to tell: a refused send has already closed the session, whose close event says why. */
  settle(): void {
    try {
      this.flush();
    } catch {
      // Reported through the session's close event.
    }
  }

  /** Drops held bytes unsent and wipes the buffer (the session closed). */
  discard(): void {
    this.#buffer?.fill(0);
    this.#fill = 0;
  }
}
