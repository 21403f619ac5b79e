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

describe('WebSocketLike', () => {
  it("is met by the DOM's WebSocket type as well as by ws's (checked by tsc)", () => {
    const accepts = (ws: WebSocketLike) => ws;
    const domFits: (ws: (typeof globalThis.WebSocket)['prototype']) => WebSocketLike = accepts;
    expect(typeof domFits).toBe('function');
  });
});
