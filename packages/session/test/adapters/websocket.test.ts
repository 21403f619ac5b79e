import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { CloseReason } from '@qsp/wire';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import {
  isSessionError,
  type SecureStreams,
  secureClientStreams,
  secureServerStreams,
  type WebSocketLike,
  webSocketStreams,
} from '../../src/index.js';
import { MLKEM_CHACHA, readText, SERVER_ID, until } from '../helpers.js';

// The `ws` package stands in for a browser's WebSocket: same event API, real frames over TCP.
const servers: WebSocketServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    // close() waits for open connections; a failed test may leave some.
    for (const c of s.clients) c.terminate();
    await new Promise((r) => s.close(r));
  }
});

async function wsServer(onSocket: (ws: WebSocket) => void): Promise<string> {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  servers.push(server);
  server.on('connection', onSocket);
  await once(server, 'listening');
  return `ws://127.0.0.1:${(server.address() as AddressInfo).port}/qsp`;
}

const enc = new TextEncoder();

describe('webSocketStreams', () => {
  it('carries a session over a real WebSocket: handshake, data both ways, rekey, close', async () => {
    let server!: SecureStreams;
    let accepted!: () => void;
    const serverReady = new Promise<void>((resolve) => {
      accepted = resolve;
    });
    const url = await wsServer((ws) => {
      server = secureServerStreams(webSocketStreams(ws), { suites: MLKEM_CHACHA, identity: SERVER_ID });
      accepted();
    });
    // Written before the socket opens: the adapter waits for 'open'.
    const client = secureClientStreams(webSocketStreams(new WebSocket(url)), {
      suites: MLKEM_CHACHA,
      serverKeys: [SERVER_ID.publicKey],
    });
    await serverReady;
    const [ch, sh] = await Promise.all([client.handshake, server.handshake]);
    expect(ch.sessionId).toBe(sh.sessionId);

    const serverText = readText(server.readable);
    const clientText = readText(client.readable);
    const cw = client.writable.getWriter();
    const sw = server.writable.getWriter();
    const big = 'q'.repeat(200_000);
    await cw.write(enc.encode('ping '));
    await cw.write(enc.encode(big));
    await sw.write(enc.encode('pong'));
    server.rekey();
    await until(() => server.connection()!.sendEpoch === 2 && client.connection()!.sendEpoch === 2);
    expect(server.connection()!.sendEpoch).toBe(2);
    expect(client.connection()!.sendEpoch).toBe(2);
    await cw.close();
    expect(await serverText).toBe(`ping ${big}`);
    expect(await clientText).toBe('pong');
    expect(await server.closed).toMatchObject({ reason: CloseReason.NORMAL, initiator: 'peer' });
  });

  it('fails the session closed when the WebSocket drops without a CLOSE frame', async () => {
    const url = await wsServer((ws) => {
      const server = secureServerStreams(webSocketStreams(ws), { suites: MLKEM_CHACHA, identity: SERVER_ID });
      server.handshake.then(() => ws.terminate());
    });
    const client = secureClientStreams(webSocketStreams(new WebSocket(url)), {
      suites: MLKEM_CHACHA,
      serverKeys: [SERVER_ID.publicKey],
    });
    await client.handshake;
    const closed = await client.closed;
    expect(closed.initiator).toBe('local');
    expect(closed.reason).toBe(CloseReason.PROTOCOL_ERROR);
    const error = await client.readable
      .getReader()
      .read()
      .catch((e: unknown) => e);
    expect(isSessionError(error, 'TRANSPORT_CLOSED')).toBe(true);
  });

  it('errors the readable side on a text message and closes the socket with 1003', async () => {
    const url = await wsServer((ws) => ws.send('not binary'));
    const ws = new WebSocket(url);
    const closedWith = once(ws, 'close');
    const { readable } = webSocketStreams(ws);
    const error = await readable
      .getReader()
      .read()
      .catch((e: unknown) => e);
    expect(isSessionError(error, 'TRANSPORT_CLOSED')).toBe(true);
    const [code] = await closedWith;
    expect(code).toBe(1003);
  });

  it('refuses writes once the socket has closed', async () => {
    const url = await wsServer((ws) => ws.close(1000));
    const ws = new WebSocket(url);
    await once(ws, 'close');
    const writer = webSocketStreams(ws).writable.getWriter();
    const error = await writer.write(new Uint8Array([1])).catch((e: unknown) => e);
    expect(isSessionError(error, 'TRANSPORT_CLOSED')).toBe(true);
  });
});

/** Sends `count` binary messages of `size` bytes, message i filled with i & 0xff, as fast as ws takes them. */
function flood(ws: WebSocket, count: number, size: number): void {
  for (let i = 0; i < count; i++) ws.send(new Uint8Array(size).fill(i & 0xff));
}

/** Reads every chunk until the stream ends; checks the bytes are the flood's, in order. */
async function readFlood(readable: ReadableStream<Uint8Array>, size: number): Promise<number> {
  const reader = readable.getReader();
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return total;
    for (let j = 0; j < value.length; j += 4099) expect(value[j]).toBe(Math.floor((total + j) / size) & 0xff);
    total += value.length;
  }
}

/** The ws socket seen through WebSocketLike without pause/resume, as a browser's WebSocket is. */
function withoutPause(ws: WebSocket): WebSocketLike {
  return {
    get binaryType() {
      return ws.binaryType;
    },
    set binaryType(value: string) {
      ws.binaryType = value as WebSocket['binaryType'];
    },
    get readyState() {
      return ws.readyState;
    },
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    send: (data) => ws.send(data),
    close: (code, reason) => ws.close(code, reason),
    addEventListener: ws.addEventListener.bind(ws) as WebSocketLike['addEventListener'],
  };
}

describe('webSocketStreams receive bounds', () => {
  const SIZE = 64 * 1024;
  const COUNT = 64; // 4 MiB

  it('pauses a socket that can pause: a reader that falls behind loses nothing and holds a bounded amount', async () => {
    const url = await wsServer((ws) => {
      flood(ws, COUNT, SIZE);
      ws.close(1000);
    });
    const ws = new WebSocket(url);
    const { readable } = webSocketStreams(ws, {
      receiveHighWaterMark: 256 * 1024,
      maxReceiveBuffer: 1024 * 1024,
    });
    // Nobody reads yet: the socket pauses and the rest waits in TCP (loopback buffers here may grow to
    // 32 MiB, so the sender's own buffer can empty: only the pause is observable). An adapter that never
    // pauses, or resumes before the reader takes anything, fails this wait.
    await until(() => ws.isPaused);
    expect(await readFlood(readable, SIZE)).toBe(COUNT * SIZE);
  });

  it('fails closed past maxReceiveBuffer when the socket cannot pause: TRANSPORT_OVERFLOW, close 1009', async () => {
    let peerClosed!: Promise<unknown[]>;
    const url = await wsServer((ws) => {
      peerClosed = once(ws, 'close');
      flood(ws, COUNT, SIZE);
    });
    const ws = new WebSocket(url);
    const { readable } = webSocketStreams(withoutPause(ws), {
      receiveHighWaterMark: 256 * 1024,
      maxReceiveBuffer: 1024 * 1024,
    });
    await until(() => ws.readyState === WebSocket.CLOSING || ws.readyState === WebSocket.CLOSED);
    const error = await readFlood(readable, SIZE).catch((e: unknown) => e);
    expect(isSessionError(error, 'TRANSPORT_OVERFLOW')).toBe(true);
    const [code] = await peerClosed;
    expect(code).toBe(1009);
  });

  it('a reader that keeps up never reaches the bound, even without pause', async () => {
    const url = await wsServer((ws) => {
      flood(ws, COUNT, SIZE);
      ws.close(1000);
    });
    const { readable } = webSocketStreams(withoutPause(new WebSocket(url)), {
      maxReceiveBuffer: 1024 * 1024,
    });
    expect(await readFlood(readable, SIZE)).toBe(COUNT * SIZE);
  });

  it('refuses bounds that are not positive integers or that cross', () => {
    const ws = withoutPause(new WebSocket('ws://127.0.0.1:9'));
    ws.addEventListener('error', () => {});
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => webSocketStreams(ws, { maxReceiveBuffer: bad })).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTIONS' }),
      );
      expect(() => webSocketStreams(ws, { highWaterMark: bad })).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTIONS' }),
      );
    }
    expect(() => webSocketStreams(ws, { receiveHighWaterMark: 2048, maxReceiveBuffer: 1024 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS' }),
    );
    // A bound below the default high-water mark lowers the mark with it.
    expect(() => webSocketStreams(ws, { maxReceiveBuffer: 512 * 1024 })).not.toThrow();
  });

  // Node >= 22 has the WHATWG WebSocket (undici): it cannot pause and, like
  // browsers, throws on protocol close codes from application code.
  const RuntimeWebSocket = (globalThis as { WebSocket?: new (url: string) => WebSocketLike }).WebSocket;
  it.skipIf(!RuntimeWebSocket)(
    "with the runtime's own WebSocket (Node >= 22): overflow closes with 4009, a text message with 4003, an abort with 4011",
    async () => {
      const codes: number[] = [];
      let connections = 0;
      const url = await wsServer((ws) => {
        ws.on('close', (code) => codes.push(code));
        const n = connections++;
        if (n === 0) flood(ws, COUNT, SIZE);
        else if (n === 1) ws.send('not binary');
        // The third connection's client aborts its writable side; the server only listens.
      });
      const bounds = { receiveHighWaterMark: 256 * 1024, maxReceiveBuffer: 1024 * 1024 };
      const socket = new RuntimeWebSocket!(url);
      const { readable } = webSocketStreams(socket, bounds);
      // Not reading: the flood piles up until the adapter gives up on the socket.
      await until(() => socket.readyState >= 2);
      const overflow = await readFlood(readable, SIZE).catch((e: unknown) => e);
      expect(isSessionError(overflow, 'TRANSPORT_OVERFLOW')).toBe(true);
      await until(() => codes.length === 1);
      const text = await readFlood(webSocketStreams(new RuntimeWebSocket!(url), bounds).readable, SIZE).catch(
        (e: unknown) => e,
      );
      expect(isSessionError(text, 'TRANSPORT_CLOSED')).toBe(true);
      await until(() => codes.length === 2);
      const aborting = new RuntimeWebSocket!(url);
      const { writable } = webSocketStreams(aborting, bounds);
      await until(() => aborting.readyState === 1);
      await writable.abort(new Error('application gave up'));
      await until(() => codes.length === 3);
      expect(codes).toEqual([4009, 4003, 4011]);
    },
  );
});

describe('WebSocketLike', () => {
  it("is met by the DOM's WebSocket type as well as by ws's (checked by tsc)", () => {
    const accepts = (ws: WebSocketLike) => ws;
    const domFits: (ws: (typeof globalThis.WebSocket)['prototype']) => WebSocketLike = accepts;
    expect(typeof domFits).toBe('function');
  });
});
