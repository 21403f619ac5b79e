import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { bb84KeySource, getSuite } from '@qsp/crypto-suite';
import { auto } from '@qsp/crypto-suite/node';
import { CloseReason } from '@qsp/wire';
import { afterEach, describe, expect, it } from 'vitest';
import { isSessionError, type Limits } from '../../src/index.js';
import { connect, createServer, type QspServer, type QspSocket } from '../../src/node.js';
import { CLIENT_ID, MLKEM_CHACHA, OTHER_ID, SERVER_ID, until, XWING_CHACHA } from '../helpers.js';

const servers: QspServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise((r) => s.close(r));
});

async function listen(server: QspServer): Promise<number> {
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

async function readAll(socket: QspSocket): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of socket) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

/** Reads until `length` bytes arrived. A QSP CLOSE ends both directions, so a client reads its reply before end(). */
function readBytes(socket: QspSocket, length: number): Promise<string>;
function readBytes(socket: QspSocket, length: number, as: 'buffer'): Promise<Buffer>;
function readBytes(
  socket: QspSocket,
  length: number,
  as: 'utf8' | 'buffer' = 'utf8',
): Promise<string | Buffer> {
  const parts: Buffer[] = [];
  let n = 0;
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      parts.push(chunk);
      n += chunk.length;
      if (n >= length) {
        socket.off('data', onData);
        socket.pause();
        const all = Buffer.concat(parts);
        resolve(as === 'buffer' ? all : all.toString('utf8'));
      }
    };
    socket.on('data', onData);
    socket.once('error', reject);
  });
}

/** A client of the usual test server (ML-KEM-768 + ChaCha20-Poly1305, SERVER_ID pinned). */
function mlkemClient(port: number, limits?: Partial<Limits>): QspSocket {
  return connect({
    port,
    host: '127.0.0.1',
    suites: MLKEM_CHACHA,
    serverKeys: [SERVER_ID.publicKey],
    ...(limits ? { limits } : {}),
  });
}

describe('Node adapter over loopback TCP', () => {
  it('echoes data both ways, rekeys on demand and closes cleanly', async () => {
    const epochs: number[] = [];
    const serverClosed: unknown[] = [];
    const server = createServer({ suites: [XWING_CHACHA, MLKEM_CHACHA], identity: SERVER_ID }, (socket) => {
      socket.on('rekey', (epoch: number) => epochs.push(epoch));
      socket.once('data', () => socket.rekey());
      socket.once('session-close', (event) => serverClosed.push(event));
      socket.pipe(socket);
    });
    const port = await listen(server);
    const client = connect({
      port,
      host: '127.0.0.1',
      suites: XWING_CHACHA,
      serverKeys: [SERVER_ID.publicKey],
    });
    const [hs] = await once(client, 'secure');
    expect(hs.suite).toBe(XWING_CHACHA.id);
    expect(Uint8Array.from(hs.peerPublicKey)).toEqual(SERVER_ID.publicKey);
    const big = 'x'.repeat(100_000);
    const clientEpochs: number[] = [];
    client.on('rekey', (epoch: number) => clientEpochs.push(epoch));
    const reply = readBytes(client, 6 + big.length);
    client.write('hello ');
    client.write(big);
    expect(await reply).toBe(`hello ${big}`);
    const ended = once(client, 'end');
    client.resume();
    client.end();
    await ended;
    await until(() => serverClosed.length > 0);
    expect(serverClosed).toMatchObject([{ reason: CloseReason.NORMAL, initiator: 'peer' }]);
    expect(clientEpochs).toEqual([2]);
    expect(epochs).toEqual([2]);
    expect(client.sessionClose).toMatchObject({ reason: CloseReason.NORMAL });
  });

  it('holds writes made before the handshake and mixes in a QKD key from a BB84 KeySource', async () => {
    const keys = bb84KeySource({ seed: new Uint8Array(32).fill(7) });
    const server = createServer(
      { suites: MLKEM_CHACHA, identity: SERVER_ID, qkd: 'required', keySource: keys },
      (socket) => socket.pipe(socket),
    );
    const port = await listen(server);
    const client = connect({
      port,
      host: '127.0.0.1',
      suites: MLKEM_CHACHA,
      serverKeys: [SERVER_ID.publicKey],
      keySource: keys,
    });
    const reply = readBytes(client, 5);
    client.write('early');
    const [hs] = await once(client, 'secure');
    expect(hs.qkdKeyId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await reply).toBe('early');
    client.end();
  });

  it('keeps order across corked (vectored) writes before and after the handshake', async () => {
    const server = createServer({ suites: MLKEM_CHACHA, identity: SERVER_ID }, (socket) =>
      socket.pipe(socket),
    );
    const port = await listen(server);
    const client = mlkemClient(port);
    const reply = readBytes(client, 12);
    client.cork();
    client.write('a1');
    client.write('b2');
    client.write('c3');
    client.uncork();
    await once(client, 'secure');
    client.cork();
    client.write('d4');
    client.write(new Uint8Array([0x65, 0x35]));
    client.write('f6');
    client.uncork();
    expect(await reply).toBe('a1b2c3d4e5f6');
    client.end();
  });

  it('gathers a burst of small writes into records of limits.maxRecordSize, in order', async () => {
    const records: number[] = [];
    const received: Buffer[] = [];
    const server = createServer(
      { suites: MLKEM_CHACHA, identity: SERVER_ID, limits: { maxRecordSize: 4096 } },
      (socket) => {
        // In flowing mode each record's plaintext arrives as its own chunk.
        socket.on('data', (chunk: Buffer) => {
          records.push(chunk.length);
          received.push(chunk);
        });
      },
    );
    const port = await listen(server);
    const client = mlkemClient(port, { maxRecordSize: 4096 });
    await once(client, 'secure');
    const sent: Buffer[] = [];
    for (let i = 0; i < 9; i++) {
      const chunk = Buffer.alloc(1024, i);
      sent.push(Buffer.from(chunk));
      client.write(chunk);
      chunk.fill(0xff); // reused by the writer at once: the socket must have taken a copy
    }
    client.resume();
    client.end();
    await once(client, 'close');
    await until(() => records.reduce((n, r) => n + r, 0) >= 9 * 1024);
    expect(records).toEqual([4096, 4096, 1024]);
    expect(Buffer.concat(received)).toEqual(Buffer.concat(sent));
  });

  it('carries megabytes intact both ways with the node engine (vectored records, reused assembly buffers)', async () => {
    const suite = getSuite('QSP1-MLKEM768-MLDSA65-AES256GCM-SHA256', auto);
    const identity = suite.signature.keygen(new Uint8Array(32).fill(5));
    const total = 3 * 1024 * 1024 + 777;
    // Distinct bytes everywhere, so a record delivered twice, dropped or overwritten changes the digest.
    const pattern = new Uint8Array(total).map((_, i) => (i * 2654435761) >>> 24);
    const digest = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
    const server = createServer({ suites: suite, identity }, (socket) => socket.pipe(socket));
    const port = await listen(server);
    const client = connect({ port, host: '127.0.0.1', suites: suite, serverKeys: [identity.publicKey] });
    await once(client, 'secure');
    const echoed = readBytes(client, total, 'buffer');
    // Views of one buffer, never changed: a Writable may hold a chunk until its callback (Node 24 queues more).
    for (let at = 0; at < total; at += 16 * 1024) {
      if (!client.write(pattern.subarray(at, at + 16 * 1024))) await once(client, 'drain');
    }
    const got = digest(await echoed);
    client.end();
    expect(got).toBe(digest(pattern));
  });

  it('drops writes still gathered when the session is closed with an error reason', async () => {
    const received: Buffer[] = [];
    const closes: unknown[] = [];
    const server = createServer({ suites: MLKEM_CHACHA, identity: SERVER_ID }, (socket) => {
      socket.on('data', (chunk: Buffer) => received.push(chunk));
      socket.on('error', () => {});
      socket.on('session-close', (event) => closes.push(event));
    });
    const port = await listen(server);
    const client = mlkemClient(port);
    client.on('error', () => {});
    await once(client, 'secure');
    client.write('never sent');
    const closed = new Promise((r) => client.once('close', r));
    client.closeSession(CloseReason.PROTOCOL_ERROR, 'abort');
    await closed;
    await until(() => closes.length > 0);
    expect(received).toEqual([]);
    expect(closes).toMatchObject([{ reason: CloseReason.PROTOCOL_ERROR, initiator: 'peer' }]);
  });

  it('authenticates the client when the server requires it', async () => {
    const server = createServer({
      suites: MLKEM_CHACHA,
      identity: SERVER_ID,
      requireClientAuth: true,
      clientKeys: [CLIENT_ID.publicKey],
    });
    server.on('secureConnection', (s: QspSocket) => {
      s.end(Buffer.from(s.handshake!.peerPublicKey!.subarray(0, 4)).toString('hex'));
    });
    const port = await listen(server);
    const client = connect({
      port,
      host: '127.0.0.1',
      suites: MLKEM_CHACHA,
      serverKeys: [SERVER_ID.publicKey],
      identity: CLIENT_ID,
    });
    expect(await readAll(client)).toBe(Buffer.from(CLIENT_ID.publicKey.subarray(0, 4)).toString('hex'));
  });

  it('fails with AUTHENTICATION_FAILED against a server whose key is not pinned', async () => {
    const server = createServer({ suites: MLKEM_CHACHA, identity: SERVER_ID });
    const serverErrors: unknown[] = [];
    server.on('sessionError', (e) => serverErrors.push(e));
    const port = await listen(server);
    const client = connect({
      port,
      host: '127.0.0.1',
      suites: MLKEM_CHACHA,
      serverKeys: [OTHER_ID.publicKey],
    });
    const [error] = await once(client, 'error');
    expect(isSessionError(error, 'CLOSED')).toBe(true);
    expect(error.reason).toBe(CloseReason.AUTHENTICATION_FAILED);
    await until(() => serverErrors.length > 0);
    expect(serverErrors).toHaveLength(1);
    expect(isSessionError(serverErrors[0], 'TRANSPORT_CLOSED')).toBe(true);
  });

  it('reports a transport that ends without a CLOSE frame as TRANSPORT_CLOSED', async () => {
    const server = createServer({ suites: MLKEM_CHACHA, identity: SERVER_ID }, (socket) => {
      socket.on('error', () => {});
      socket.transport.end();
    });
    const port = await listen(server);
    const client = mlkemClient(port);
    const [error] = await once(client, 'error');
    expect(isSessionError(error, 'TRANSPORT_CLOSED')).toBe(true);
    expect(error.reason).toBe(CloseReason.PROTOCOL_ERROR);
  });

  it('closes with HANDSHAKE_TIMEOUT when the server never answers (timer from the adapter)', async () => {
    const silent = createNetServer((tcp) => tcp.on('error', () => {}));
    silent.listen(0, '127.0.0.1');
    await once(silent, 'listening');
    const port = (silent.address() as AddressInfo).port;
    try {
      const started = performance.now();
      const client = connect({
        port,
        host: '127.0.0.1',
        suites: MLKEM_CHACHA,
        serverKeys: [SERVER_ID.publicKey],
        limits: { handshakeTimeoutMs: 150 },
      });
      const [error] = await once(client, 'error');
      expect(error.reason).toBe(CloseReason.HANDSHAKE_TIMEOUT);
      expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    } finally {
      silent.close();
    }
  });

  it('refuses bad server options at createServer', () => {
    expect(() => createServer({ suites: MLKEM_CHACHA, identity: SERVER_ID, qkd: 'required' })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS' }),
    );
  });
});
