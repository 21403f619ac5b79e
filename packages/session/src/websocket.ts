import { SessionError } from './errors.js';
import type { ByteStreamPair } from './web.js';

/**
 * The part of the WHATWG WebSocket interface this adapter uses: browsers,
 * Deno, Bun, Node >= 22's global WebSocket and the `ws` package all have it.
 */
export interface WebSocketLike {
  binaryType: string;
  readonly readyState: number;
  readonly bufferedAmount: number;
  send(data: Uint8Array): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'message', listener: (event: { readonly data: unknown }) => void): void;
  addEventListener(type: 'open' | 'close' | 'error', listener: () => void): void;
}

export interface WebSocketStreamsOptions {
  /**
   * Writes wait while the socket's `bufferedAmount` is above this many bytes
   * (the WebSocket API has no drain event, so the adapter polls every few ms).
   * Default 1 MiB.
   */
  readonly highWaterMark?: number;
}

const CONNECTING = 0;
const OPEN = 1;
const POLL_MS = 4;

/**
 * A WebSocket as the `{ readable, writable }` byte pair that
 * `secureClientStreams` / `secureServerStreams` take. Every binary message
 * is one chunk; QSP frames its own records, so message boundaries carry no
 * meaning. A text message errors the readable side (QSP never sends one);
 * the socket closing ends it, and the session decides whether that end came
 * too early (fail-closed). Closing the writable side closes the socket with
 * 1000, aborting it with 1011.
 *
 * The WebSocket API has no receive flow control: messages are queued as they
 * arrive, bounded only by what the peer sends (a QSP session closes on the
 * first bad frame, and a sender runs at most one handshake ahead).
 */
export function webSocketStreams(ws: WebSocketLike, options: WebSocketStreamsOptions = {}): ByteStreamPair {
  const highWaterMark = options.highWaterMark ?? 1 << 20;
  ws.binaryType = 'arraybuffer';
  let finished = false;

  const opened = new Promise<void>((resolve, reject) => {
    if (ws.readyState === OPEN) resolve();
    ws.addEventListener('open', () => resolve());
    ws.addEventListener('close', () =>
      reject(new SessionError('TRANSPORT_CLOSED', 'WebSocket closed before it opened')),
    );
  });
  opened.catch(() => {});

  const readable = new ReadableStream<Uint8Array>({
    start(controller) {
      ws.addEventListener('message', (event) => {
        if (finished) return;
        if (event.data instanceof ArrayBuffer) {
          controller.enqueue(new Uint8Array(event.data));
          return;
        }
        finished = true;
        controller.error(new SessionError('TRANSPORT_CLOSED', 'WebSocket delivered a non-binary message'));
        ws.close(1003, 'QSP carries binary messages only');
      });
      ws.addEventListener('close', () => {
        if (finished) return;
        finished = true;
        controller.close();
      });
      ws.addEventListener('error', () => {
        if (finished) return;
        finished = true;
        controller.error(new SessionError('TRANSPORT_CLOSED', 'WebSocket failed'));
      });
    },
    cancel() {
      finished = true;
      ws.close(1000);
    },
  });

  const writable = new WritableStream<Uint8Array>({
    async write(chunk) {
      if (ws.readyState === CONNECTING) await opened;
      if (ws.readyState !== OPEN) throw new SessionError('TRANSPORT_CLOSED', 'WebSocket is not open');
      ws.send(chunk);
      while (ws.bufferedAmount > highWaterMark && ws.readyState === OPEN) {
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
    },
    close() {
      ws.close(1000);
    },
    abort() {
      ws.close(1011);
    },
  });

  return { readable, writable };
}
