import { CloseReason, closeReasonName } from '@qsp/wire';
import {
  createClientConnection,
  createServerConnection,
  type SecureClientOptions,
  type SecureServerOptions,
} from './adapter-options.js';
import type { Connection } from './connection.js';
import { Driver } from './driver.js';
import { SessionError } from './errors.js';
import type { CloseEvent, HandshakeEvent } from './events.js';

/** A byte transport as a pair of Web Streams (a WebSocketStream, a TCP socket from a runtime, a pipe). */
export interface ByteStreamPair {
  readonly readable: ReadableStream<Uint8Array>;
  readonly writable: WritableStream<Uint8Array>;
}

/**
 * A QSP session as Web Streams: write plaintext to `writable`, read plaintext
 * from `readable`. Closing `writable` sends an authenticated CLOSE (NORMAL);
 * a peer's NORMAL CLOSE ends `readable`; any other close errors both with a
 * SessionError carrying `reason`.
 */
export interface SecureStreams extends ByteStreamPair {
  /** Resolves once the peer is authenticated; rejects if the session closes first. */
  readonly handshake: Promise<HandshakeEvent>;
  /** Resolves with how the session closed (never rejects). */
  readonly closed: Promise<CloseEvent>;
  /** The sans-IO core, once created (state, epochs, limits). */
  readonly connection: () => Connection | undefined;
  /** Server: starts a rekey now. */
  rekey(): void;
  /** Closes with an explicit reason. */
  close(reason?: CloseReason, message?: string): void;
}

interface Deferred<T> {
  readonly promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function closeError(event: CloseEvent, transportEnded: boolean): SessionError {
  if (transportEnded && event.initiator === 'local') {
    return new SessionError('TRANSPORT_CLOSED', 'transport ended without a CLOSE frame', {
      reason: event.reason,
    });
  }
  return new SessionError('CLOSED', `session closed: ${event.message || closeReasonName(event.reason)}`, {
    reason: event.reason,
  });
}

function secureStreams(
  transport: ByteStreamPair,
  core: Promise<Connection>,
  options: SecureServerOptions | SecureClientOptions,
): SecureStreams {
  const handshake = deferred<HandshakeEvent>();
  const closed = deferred<CloseEvent>();
  // Handled here so an unobserved rejection never crashes the host.
  handshake.promise.catch(() => {});
  const writer = transport.writable.getWriter();
  const reader = transport.readable.getReader();
  let driver: Driver | undefined;
  let output!: ReadableStreamDefaultController<Uint8Array>;
  let pulled: Deferred<void> | undefined;
  let transportEnded = false;
  let finished = false;

  const keySource = 'keySource' in options ? options.keySource : undefined;
  const onClose = (event: CloseEvent) => {
    finished = true;
    driver?.dispose();
    const error =
      event.reason === CloseReason.NORMAL && !transportEnded ? undefined : closeError(event, transportEnded);
    handshake.reject(error ?? new SessionError('CLOSED', 'closed before the handshake finished'));
    if (error) output.error(error);
    else output.close();
    pulled?.resolve();
    // The CLOSE frame is already queued on the writer: close (not abort) so it is delivered.
    writer.close().catch(() => {});
    reader.cancel().catch(() => {});
    closed.resolve(event);
  };

  const attach = (connection: Connection) => {
    driver = new Driver(
      connection,
      {
        write(frames) {
          for (const f of frames) writer.write(f).catch(() => {});
          return (writer.desiredSize ?? 1) > 0;
        },
        event(event) {
          if (event.type === 'handshake') handshake.resolve(event);
          else if (event.type === 'data') output.enqueue(event.data);
          else if (event.type === 'close') onClose(event);
        },
      },
      keySource === undefined ? {} : { keySource },
    );
    driver.start();
  };

  const pump = async () => {
    for (;;) {
      if (finished) return;
      if (output.desiredSize !== null && output.desiredSize <= 0) {
        pulled = deferred<void>();
        await pulled.promise;
        pulled = undefined;
        continue;
      }
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await reader.read();
      } catch {
        chunk = { done: true, value: undefined };
      }
      if (finished) return;
      if (chunk.done) {
        transportEnded = true;
        driver!.receiveEnd();
        return;
      }
      driver!.receive(chunk.value);
    }
  };

  const readable = new ReadableStream<Uint8Array>({
    start(controller) {
      output = controller;
    },
    pull() {
      pulled?.resolve();
    },
    cancel() {
      if (!finished) driver?.close(CloseReason.NORMAL);
    },
  });

  core.then(
    (connection) => {
      attach(connection);
      void pump();
    },
    (error: unknown) => {
      finished = true;
      handshake.reject(error);
      output.error(error);
      writer.close().catch(() => {});
      reader.cancel().catch(() => {});
      closed.resolve({
        type: 'close',
        reason: CloseReason.INTERNAL_ERROR,
        message: String(error),
        initiator: 'local',
      });
    },
  );

  const writable = new WritableStream<Uint8Array>({
    async write(chunk) {
      await handshake.promise;
      driver!.send(chunk);
      await writer.ready;
    },
    close() {
      if (!finished) driver?.close(CloseReason.NORMAL);
    },
    abort() {
      if (!finished) driver?.close(CloseReason.INTERNAL_ERROR, 'writable aborted');
    },
  });

  return {
    readable,
    writable,
    handshake: handshake.promise,
    closed: closed.promise,
    connection: () => driver?.connection,
    rekey() {
      if (!driver) throw new SessionError('INVALID_STATE', 'handshake has not started');
      driver.rekey();
    },
    close(reason = CloseReason.NORMAL, message = '') {
      driver?.close(reason, message);
    },
  };
}

/** Runs the client side of a QSP session over a Web Streams byte transport. */
export function secureClientStreams(transport: ByteStreamPair, options: SecureClientOptions): SecureStreams {
  return secureStreams(transport, createClientConnection(options), options);
}

/** Runs the server side of a QSP session over a Web Streams byte transport. Throws SessionError on bad options. */
export function secureServerStreams(transport: ByteStreamPair, options: SecureServerOptions): SecureStreams {
  return secureStreams(transport, Promise.resolve(createServerConnection(options)), options);
}
