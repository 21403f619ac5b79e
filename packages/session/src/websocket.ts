import { SessionError } from './errors.js';
import { positiveInteger } from './limits.js';
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
  /**
   * Stops delivering messages until `resume()` (the `ws` package has both):
   * with them the adapter applies receive backpressure, the peer's writes
   * wait in TCP; without them it can only bound what it holds.
   */
  pause?(): void;
  resume?(): void;
}

export interface WebSocketStreamsOptions {
  /**
   * Writes wait while the socket's `bufferedAmount` is above this many bytes
   * (the WebSocket API has no drain event, so the adapter polls every few ms).
   * Default 1 MiB.
   */
  readonly highWaterMark?: number;
  /**
   * Received bytes held unread before the adapter pauses the socket, when
   * the socket can pause (`pause`/`resume`). At most `maxReceiveBuffer`;
   * default 1 MiB, or `maxReceiveBuffer` when that is lower.
   */
  readonly receiveHighWaterMark?: number;
  /**
   * Received bytes held unread after which the adapter fails closed: it
   * closes the socket with 1009 and errors the readable side with
   * `TRANSPORT_OVERFLOW`. A socket that cannot pause (a browser's) reaches
   * it whenever the peer outruns the reader, so raise it, or make the peer
   * wait for replies, where that is expected. Default 16 MiB.
   */
  readonly maxReceiveBuffer?: number;
}

const CONNECTING = 0;
const OPEN = 1;
const POLL_MS = 4;
/** RFC 6455 §7.4.1: the endpoint received more than it can process. */
const CLOSE_TOO_BIG = 1009;

/**
 * Browsers and undici accept only 1000 and 3000-4999 from application code
 * and throw on the RFC 6455 protocol codes that `ws` accepts; there the
 * same code is sent as 4000 + (code - 1000), e.g. 4009 for 1009.
 */
function closeSocket(ws: WebSocketLike, code: number, reason?: string): void {
  try {
    ws.close(code, reason);
  } catch {
    ws.close(code === 1000 ? 1000 : 3000 + code, reason);
  }
}

/**
 * A WebSocket as the `{ readable, writable }` byte pair that
 * `secureClientStreams` / `secureServerStreams` take. Every binary message
 * is one chunk; QSP frames its own records, so message boundaries carry no
 * meaning. A text message errors the readable side (QSP never sends one);
 * the socket closing ends it, and the session decides whether that end came
 * too early (fail-closed). Closing the writable side closes the socket with
 * 1000, aborting it with 1011 (4011 where the runtime refuses protocol codes).
 *
 * The WebSocket API has no receive flow control: a peer can send faster
 * than the application reads. The adapter pauses a socket that can pause
 * once `receiveHighWaterMark` bytes wait unread, and never holds more than
 * `maxReceiveBuffer`: past it, the connection is closed (fail-closed, not
 * unbounded memory).
 */
export function webSocketStreams(ws: WebSocketLike, options: WebSocketStreamsOptions = {}): ByteStreamPair {
  const highWaterMark = positiveInteger('highWaterMark', options.highWaterMark ?? 1 << 20);
  const maxReceiveBuffer = positiveInteger('maxReceiveBuffer', options.maxReceiveBuffer ?? 16 << 20);
  // Pausing starts at or below the bound: above it, a socket that could pause would be closed instead.
  const receiveHighWaterMark = positiveInteger(
    'receiveHighWaterMark',
    options.receiveHighWaterMark ?? Math.min(1 << 20, maxReceiveBuffer),
    maxReceiveBuffer,
  );
  const canPause = typeof ws.pause === 'function' && typeof ws.resume === 'function';
  ws.binaryType = 'arraybuffer';
  let finished = false;
  let paused = false;

  const opened = new Promise<void>((resolve, reject) => {
    if (ws.readyState === OPEN) resolve();
    ws.addEventListener('open', () => resolve());
    ws.addEventListener('close', () =>
      reject(new SessionError('TRANSPORT_CLOSED', 'WebSocket closed before it opened')),
    );
  });
  opened.catch(() => {});

  const readable = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const fail = (error: SessionError, code: number, reason: string) => {
          finished = true;
          controller.error(error);
          closeSocket(ws, code, reason);
        };
        ws.addEventListener('message', (event) => {
          if (finished) return;
          if (!(event.data instanceof ArrayBuffer)) {
            fail(
              new SessionError('TRANSPORT_CLOSED', 'WebSocket delivered a non-binary message'),
              1003,
              'QSP carries binary messages only',
            );
            return;
          }
          controller.enqueue(new Uint8Array(event.data));
          // desiredSize = high-water mark minus the bytes queued unread.
          const held = receiveHighWaterMark - (controller.desiredSize ?? 0);
          if (held > maxReceiveBuffer) {
            fail(
              new SessionError(
                'TRANSPORT_OVERFLOW',
                `peer sent ${held} bytes the reader has not taken (maxReceiveBuffer ${maxReceiveBuffer})`,
              ),
              CLOSE_TOO_BIG,
              'receive buffer full',
            );
            return;
          }
          if (canPause && !paused && held >= receiveHighWaterMark) {
            paused = true;
            ws.pause!();
          }
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
      pull() {
        if (paused && !finished) {
          paused = false;
          ws.resume!();
        }
      },
      cancel() {
        finished = true;
        closeSocket(ws, 1000);
      },
    },
    { highWaterMark: receiveHighWaterMark, size: (chunk) => chunk.byteLength },
  );

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
      closeSocket(ws, 1000);
    },
    abort() {
      closeSocket(ws, 1011);
    },
  });

  return { readable, writable };
}
