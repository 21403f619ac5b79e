import { CloseReason } from '@qsp/wire';
import { describe, expect, it } from 'vitest';
import {
  type ByteStreamPair,
  isSessionError,
  secureClientStreams,
  secureServerStreams,
} from '../../src/index.js';
import { MLKEM_CHACHA, OTHER_ID, readText, SERVER_ID, until } from '../helpers.js';

/** Two byte transports joined back to back, as a WebSocket or TCP connection would be. */
function pipePair(): [ByteStreamPair, ByteStreamPair] {
  const ab = new TransformStream<Uint8Array, Uint8Array>();
  const ba = new TransformStream<Uint8Array, Uint8Array>();
  return [
    { readable: ba.readable, writable: ab.writable },
    { readable: ab.readable, writable: ba.writable },
  ];
}

const enc = new TextEncoder();

describe('Web Streams adapter', () => {
  it('runs a session: handshake, data both ways, rekey, close', async () => {
    const [a, b] = pipePair();
    const client = secureClientStreams(a, { suites: MLKEM_CHACHA, serverKeys: [SERVER_ID.publicKey] });
    const server = secureServerStreams(b, { suites: MLKEM_CHACHA, identity: SERVER_ID });
    const [ch, sh] = await Promise.all([client.handshake, server.handshake]);
    expect(ch.sessionId).toBe(sh.sessionId);

    const cw = client.writable.getWriter();
    const sw = server.writable.getWriter();
    const serverText = readText(server.readable);
    const clientText = readText(client.readable);
    await cw.write(enc.encode('ping'));
    await sw.write(enc.encode('pong'));
    server.rekey();
    await cw.write(enc.encode(' again'));
    await until(() => server.connection()!.sendEpoch === 2 && client.connection()!.sendEpoch === 2);
    expect(server.connection()!.sendEpoch).toBe(2);
    expect(client.connection()!.sendEpoch).toBe(2);
    await cw.close();
    expect(await serverText).toBe('ping again');
    expect(await clientText).toBe('pong');
    expect(await server.closed).toMatchObject({ reason: CloseReason.NORMAL, initiator: 'peer' });
  });

  it('rejects the handshake and errors the streams against an untrusted server', async () => {
    const [a, b] = pipePair();
    const client = secureClientStreams(a, { suites: MLKEM_CHACHA, serverKeys: [OTHER_ID.publicKey] });
    secureServerStreams(b, { suites: MLKEM_CHACHA, identity: SERVER_ID });
    const error = await client.handshake.catch((e: unknown) => e);
    expect(isSessionError(error, 'CLOSED')).toBe(true);
    expect((await client.closed).reason).toBe(CloseReason.AUTHENTICATION_FAILED);
    await expect(client.readable.getReader().read()).rejects.toMatchObject({ code: 'CLOSED' });
  });
});
