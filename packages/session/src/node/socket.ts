import { Duplex } from 'node:stream';
import type { KeySource } from '@qsp/crypto-suite';
import { CloseReason, closeReasonName } from '@qsp/wire';
import {
  createClientConnection,
  createServerConnection,
  type SecureClientOptions,
  type SecureServerOptions,
} from '../adapter-options.js';
import type { Connection } from '../connection.js';
import { Driver } from '../driver.js';
import { SessionError } from '../errors.js';
import type { CloseEvent, HandshakeEvent, SessionEvent } from '../events.js';
import { Coalescer } from './coalescer.js';

/** A corked net.Socket turns a frame's header, ciphertext and tag into one writev. */
const VECTORED = { vectoredOutput: true } as const;

interface PendingWrite {
  readonly chunk: Uint8Array;
  readonly callback: (error?: Error | null) => void;
}

function toBytes(chunk: unknown): Uint8Array {
  if (chunk instanceof Uint8Array) return chunk;
  if (typeof chunk === 'string') return new TextEncoder().encode(chunk);
  throw new SessionError('INVALID_STATE', 'QspSocket writes Uint8Array or string chunks');
}

function closeError(event: CloseEvent, transportEnded = false): SessionError {
  if (transportEnded && event.initiator === 'local') {
    return new SessionError('TRANSPORT_CLOSED', 'transport ended without a CLOSE frame', {
      reason: event.reason,
    });
  }
  const who = event.initiator === 'peer' ? 'peer closed the session' : 'session closed';
  return new SessionError('CLOSED', `${who}: ${event.message || closeReasonName(event.reason)}`, {
    reason: event.reason,
  });
}

/**
 * A QSP session over any byte Duplex (usually a net.Socket), shaped like
 * tls.TLSSocket: write plaintext, read plaintext. Writes made before the
 * handshake finishes are held and sent once it has. `end()` sends an
 * authenticated CLOSE (NORMAL); a peer's NORMAL CLOSE ends the readable side;
 * any other close destroys the socket with a SessionError carrying `reason`.
 *
 * Events: 'secure' (HandshakeEvent), 'rekey' (epoch), 'session-close' (CloseEvent).
 */
export class QspSocket extends Duplex {
  readonly transport: Duplex;
  #driver: Driver | undefined;
  #coalescer: Coalescer | undefined;
  #handshake: HandshakeEvent | undefined;
  #closeEvent: CloseEvent | undefined;
  readonly #pending: PendingWrite[] = [];
  #drainWaiters: Array<() => void> = [];
  #transportEnded = false;

  private constructor(transport: Duplex) {
    super({ allowHalfOpen: false });
    this.transport = transport;
    transport.on('data', (chunk: Uint8Array) => this.#onTransportData(chunk));
    transport.on('end', () => this.#onTransportEnd());
    transport.on('error', (error: Error) => this.destroy(error));
    transport.on('close', () => {
      if (this.#driver?.connection.state !== 'closed') this.#onTransportEnd();
    });
    transport.on('drain', () => {
      const waiters = this.#drainWaiters;
      this.#drainWaiters = [];
      for (const w of waiters) w();
    });
  }

  /** Runs the client side over `transport`; the ClientHello goes out at once (after the QKD key, if any). */
  static client(transport: Duplex, options: SecureClientOptions): QspSocket {
    const socket = new QspSocket(transport);
    createClientConnection(options, VECTORED).then(
      (connection) => {
        if (!socket.destroyed) socket.#attach(connection);
      },
      (error: Error) => socket.destroy(error),
    );
    return socket;
  }

  /** Runs the server side over `transport` (an accepted connection). Throws SessionError on bad options. */
  static server(transport: Duplex, options: SecureServerOptions): QspSocket {
    const connection = createServerConnection(options, VECTORED);
    const socket = new QspSocket(transport);
    socket.#attach(connection, options.keySource);
    return socket;
  }

  /** The sans-IO core, for state, epochs and limits (do not feed it bytes yourself). */
  get connection(): Connection | undefined {
    return this.#driver?.connection;
  }

  /** The finished handshake (session id, suite, peer key, QKD key id), once 'secure' fired. */
  get handshake(): HandshakeEvent | undefined {
    return this.#handshake;
  }

  /** How the session closed, once it has. */
  get sessionClose(): CloseEvent | undefined {
    return this.#closeEvent;
  }

  /** Server: starts a rekey now (it also happens automatically before the AEAD limits). */
  rekey(): void {
    if (!this.#driver) throw new SessionError('INVALID_STATE', 'handshake has not started');
    this.#coalescer?.settle();
    this.#driver.rekey();
  }

  /** Closes with an explicit reason (authenticated CLOSE), then ends the transport. */
  closeSession(reason: CloseReason = CloseReason.NORMAL, message = ''): void {
    // A NORMAL close delivers what was written first; any other reason aborts, dropping held writes.
    if (reason === CloseReason.NORMAL) this.#coalescer?.settle();
    this.#driver?.close(reason, message);
  }

  #attach(connection: Connection, keySource?: KeySource): void {
    this.#driver = new Driver(
      connection,
      {
        write: (frames) => this.#writeFrames(frames),
        event: (event) => this.#onEvent(event),
      },
      keySource === undefined ? {} : { keySource },
    );
    this.#driver.start();
  }

  #writeFrames(buffers: Uint8Array[]): boolean {
    const t = this.transport;
    if (t.destroyed || t.writableEnded) return true;
    if (buffers.length === 1) return t.write(buffers[0]!);
    // Several buffers at once (a record's header, ciphertext and tag; a burst from _writev; a REKEY beside
    // data): corked, they go out as one writev.
    t.cork();
    let ok = true;
    for (const b of buffers) ok = t.write(b);
    t.uncork();
    return ok;
  }

  #onEvent(event: SessionEvent): void {
    switch (event.type) {
      case 'handshake':
        this.#handshake = event;
        this.#coalescer = new Coalescer(this.#driver!.connection.limits.maxRecordSize, (data) =>
          this.#driver!.send(data),
        );
        this.emit('secure', event);
        this.#flushPending();
        break;
      case 'data':
        if (!this.push(event.data)) this.transport.pause();
        break;
      case 'rekey':
        this.emit('rekey', event.epoch);
        break;
      case 'close':
        this.#onClose(event);
        break;
      default:
        break;
    }
  }

  #onClose(event: CloseEvent): void {
    this.#closeEvent = event;
    this.#coalescer?.discard();
    this.#driver?.dispose();
    this.emit('session-close', event);
    // The CLOSE frame (if any) is already queued on the transport: end, do not destroy, so it is sent.
    if (!this.transport.writableEnded) this.transport.end();
    const error =
      event.reason === CloseReason.NORMAL && !this.#transportEnded
        ? undefined
        : closeError(event, this.#transportEnded);
    for (const p of this.#pending.splice(0)) p.callback(error ?? closeError(event));
    if (error) {
      this.destroy(error);
    } else {
      this.push(null);
    }
  }

  #onTransportData(chunk: Uint8Array): void {
    if (!this.#driver || this.#driver.connection.state === 'closed') return;
    this.#driver.receive(chunk);
  }

  #onTransportEnd(): void {
    if (!this.#driver) {
      this.destroy(new SessionError('TRANSPORT_CLOSED', 'transport ended before the handshake started'));
      return;
    }
    if (this.#driver.connection.state === 'closed') return;
    this.#transportEnded = true;
    // The core reports an unannounced end as a local close (fail-closed); #onClose turns it into TRANSPORT_CLOSED.
    this.#driver.receiveEnd();
  }

  #flushPending(): void {
    for (const p of this.#pending.splice(0)) this.#sendNow(p.chunk, p.callback);
  }

  #sendNow(chunk: Uint8Array, callback: (error?: Error | null) => void): void {
    let ok: boolean;
    try {
      this.#coalescer!.push(chunk);
      ok = this.transport.writableNeedDrain !== true;
    } catch (error) {
      callback(error as Error);
      return;
    }
    if (ok) callback();
    else this.#drainWaiters.push(() => callback());
  }

  override _write(chunk: unknown, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    let bytes: Uint8Array;
    try {
      bytes = toBytes(chunk);
    } catch (error) {
      callback(error as Error);
      return;
    }
    const state = this.#driver?.connection.state;
    if (state === 'established' || state === 'rekey') this.#sendNow(bytes, callback);
    else if (state === 'closed') callback(closeError(this.#closeEvent!));
    else this.#pending.push({ chunk: bytes, callback });
  }

  /** Several queued writes at once: sealed in one pass and handed to the socket as one vectored write. */
  override _writev(
    chunks: Array<{ chunk: unknown; encoding: BufferEncoding }>,
    callback: (error?: Error | null) => void,
  ): void {
    const state = this.#driver?.connection.state;
    if (state !== 'established' && state !== 'rekey') {
      // Not sendable yet (or any more): the single-write path queues or refuses them in order.
      let i = 0;
      const next = (error?: Error | null) => {
        if (error || i === chunks.length) callback(error);
        else {
          const c = chunks[i++]!;
          this._write(c.chunk, c.encoding, next);
        }
      };
      next();
      return;
    }
    const t = this.transport;
    t.cork();
    try {
      for (const c of chunks) this.#coalescer!.push(toBytes(c.chunk));
    } catch (error) {
      t.uncork();
      callback(error as Error);
      return;
    }
    t.uncork();
    if (t.writableNeedDrain) this.#drainWaiters.push(() => callback());
    else callback();
  }

  override _read(): void {
    if (this.transport.isPaused()) this.transport.resume();
  }

  override _final(callback: (error?: Error | null) => void): void {
    const driver = this.#driver;
    this.#coalescer?.settle();
    if (driver && driver.connection.state !== 'closed') driver.close(CloseReason.NORMAL);
    if (!this.transport.writableEnded) this.transport.end();
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const driver = this.#driver;
    if (driver && driver.connection.state !== 'closed') {
      driver.close(error ? CloseReason.INTERNAL_ERROR : CloseReason.NORMAL, error ? 'socket destroyed' : '');
    }
    driver?.dispose();
    this.#coalescer?.discard();
    for (const p of this.#pending.splice(0))
      p.callback(error ?? new SessionError('CLOSED', 'socket destroyed'));
    if (!this.transport.writableEnded) this.transport.end();
    callback(error);
  }
}
