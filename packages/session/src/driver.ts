import type { KeySource } from '@qsp/crypto-suite';
import { CloseReason } from '@qsp/wire';
import type { Connection } from './connection.js';
import { SessionError } from './errors.js';
import type { SessionEvent } from './events.js';
import { ServerConnection } from './server.js';

/** What a driver needs from the transport it sits on. */
export interface DriverIo {
  /**
   * Writes buffers in order (one per frame);
   * returns false when the transport asks the writer to wait (backpressure).
   */
  write(buffers: Uint8Array[]): boolean;
  /** Every event the core emits, except the QKD key requests the driver answers itself. */
  event(event: SessionEvent): void;
}

/** Milliseconds on a monotonic clock (the same origin for the whole session). */
export type Clock = () => number;

export const monotonicClock: Clock = () => globalThis.performance.now();

/**
 * The glue between the sans-IO core and real IO, shared by the Node and Web
 * Streams adapters: feeds the clock in with every call, moves output to the
 * transport, arms the one timer the core asks for, and answers server QKD key
 * requests from a KeySource. All protocol decisions stay in the core.
 */
export class Driver {
  readonly connection: Connection;
  readonly #io: DriverIo;
  readonly #clock: Clock;
  readonly #keySource: KeySource | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #timerAt: number | undefined;

  constructor(connection: Connection, io: DriverIo, options: { keySource?: KeySource; clock?: Clock } = {}) {
    this.connection = connection;
    this.#io = io;
    this.#clock = options.clock ?? monotonicClock;
    this.#keySource = options.keySource;
  }

  /** Sends what the core queued at construction (the ClientHello) and arms the handshake timer. */
  start(): boolean {
    return this.#flush();
  }

  receive(bytes: Uint8Array): boolean {
    this.connection.receive(bytes, this.#clock());
    return this.#flush();
  }

  receiveEnd(): void {
    this.connection.receiveEnd(this.#clock());
    this.#flush();
  }

  /** Seals and writes data; throws SessionError when the session cannot send (see Connection.send). */
  send(data: Uint8Array): boolean {
    try {
      this.connection.send(data, this.#clock());
    } finally {
      // A refused send may still have queued a CLOSE (hard limit): flush it either way.
      this.#flush();
    }
    return true;
  }

  rekey(): void {
    if (!(this.connection instanceof ServerConnection)) {
      throw new SessionError('INVALID_STATE', 'only the server starts a rekey (seed §7.1)');
    }
    try {
      this.connection.rekey(this.#clock());
    } finally {
      this.#flush();
    }
  }

  close(reason: CloseReason = CloseReason.NORMAL, message = ''): void {
    this.connection.close(reason, message, this.#clock());
    this.#flush();
  }

  /** Stops the timer; call when the transport is gone. */
  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = undefined;
  }

  #flush(): boolean {
    const conn = this.connection;
    let ok = true;
    const buffers = conn.takeOutput();
    if (buffers.length > 0) ok = this.#io.write(buffers);
    for (const event of conn.takeEvents()) {
      if (event.type === 'qkdKeyRequest') this.#fetchQkdKey(event.keyId);
      else this.#io.event(event);
    }
    this.#arm();
    return ok;
  }

  #arm(): void {
    const at = this.connection.timeout;
    if (at === this.#timerAt) return;
    this.dispose();
    if (at === undefined) return;
    this.#timerAt = at;
    const delay = Math.max(0, Math.ceil(at - this.#clock()));
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#timerAt = undefined;
      this.connection.handleTimeout(this.#clock());
      this.#flush();
    }, delay);
    // The transport keeps the process alive while the session is in use; the timer alone must not.
    (this.#timer as { unref?: () => void }).unref?.();
  }

  #fetchQkdKey(keyId: string): void {
    const conn = this.connection;
    if (!(conn instanceof ServerConnection)) return;
    const source = this.#keySource;
    if (!source) {
      conn.close(CloseReason.HANDSHAKE_FAILED, 'no KeySource for the requested QKD key', this.#clock());
      this.#flush();
      return;
    }
    source.keyById(keyId).then(
      (material) => {
        if (conn.state === 'closed') return;
        conn.provideQkdKey(material, this.#clock());
        this.#flush();
      },
      () => {
        conn.close(CloseReason.HANDSHAKE_FAILED, 'QKD key is not available', this.#clock());
        this.#flush();
      },
    );
  }
}
