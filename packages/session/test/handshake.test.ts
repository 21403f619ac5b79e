import { CloseReason, decodeFrame, encodeFrame, FrameType } from '@qsp/wire';
import { describe, expect, it } from 'vitest';
import {
  ClientConnection,
  decodeClientHello,
  decodeServerHello,
  encodeClientHello,
  isSessionError,
  ServerConnection,
} from '../src/index.js';
import {
  CLIENT_ID,
  closeOf,
  dataOf,
  handshake,
  MLKEM_AES,
  MLKEM_CHACHA,
  makePair,
  OTHER_ID,
  pump,
  SERVER_ID,
  text,
  XWING_CHACHA,
} from './helpers.js';

/** Rewrites the payload of a handshake frame (adversary in the middle). */
function rewrite(frame: Uint8Array, edit: (payload: Uint8Array) => Uint8Array): Uint8Array {
  const f = decodeFrame(frame);
  return encodeFrame({
    type: f.type,
    sessionId: f.sessionId,
    epoch: f.epoch,
    seq: f.seq,
    payload: edit(f.payload.slice()),
  });
}

describe('handshake', () => {
  it('negotiates the server-preferred suite among those offered', () => {
    const p = handshake({ suites: [MLKEM_CHACHA, XWING_CHACHA] }, { suites: [XWING_CHACHA, MLKEM_CHACHA] });
    expect(p.client.suiteId).toBe(XWING_CHACHA.id);
    expect(p.serverEvents[0]).toMatchObject({
      type: 'handshake',
      suite: XWING_CHACHA.id,
      peerPublicKey: undefined,
    });
    expect(p.clientEvents[0]).toMatchObject({ type: 'handshake', peerPublicKey: SERVER_ID.publicKey });
  });

  it('fails with no suite in common', () => {
    const p = handshake({ suites: MLKEM_CHACHA }, { suites: MLKEM_AES });
    expect(p.server.closeReason).toBe(CloseReason.HANDSHAKE_FAILED);
  });

  it('cannot be downgraded: removing the preferred suite from the ClientHello breaks the signature', () => {
    const p = makePair({ suites: [XWING_CHACHA, MLKEM_CHACHA] }, { suites: [XWING_CHACHA, MLKEM_CHACHA] });
    const [ch] = p.client.takeOutput();
    const stripped = rewrite(ch!, (payload) => {
      const hello = decodeClientHello(payload);
      return encodeClientHello({
        ...hello,
        suites: [MLKEM_CHACHA.codePoint],
        keyShares: hello.keyShares.filter((k) => k.group === 1),
      });
    });
    p.server.receive(stripped, 0);
    expect(p.server.suiteId).toBe(MLKEM_CHACHA.id);
    for (const f of p.server.takeOutput()) p.client.receive(f, 0);
    expect(p.client.closeReason).toBe(CloseReason.AUTHENTICATION_FAILED);
    expect(p.client.takeOutput()).toEqual([]);
  });

  it('rejects a server whose key is neither pinned nor accepted by the callback', () => {
    const p = handshake({ serverKeys: [OTHER_ID.publicKey] });
    expect(p.client.closeReason).toBe(CloseReason.AUTHENTICATION_FAILED);
  });

  it('uses the trust callback for keys that are not pinned', () => {
    const seen: Uint8Array[] = [];
    const ok = handshake({
      serverKeys: [],
      verifyServer: (peer) => {
        seen.push(peer.publicKey);
        return true;
      },
    });
    expect(ok.client.state).toBe('established');
    expect(seen[0]).toEqual(SERVER_ID.publicKey);
    const thrower = handshake({
      serverKeys: [],
      verifyServer: () => {
        throw new Error('no');
      },
    });
    expect(thrower.client.closeReason).toBe(CloseReason.AUTHENTICATION_FAILED);
  });

  it('detects a server that swaps in its own key and signature (impersonation)', () => {
    const attacker = new ServerConnection({ suites: MLKEM_CHACHA, now: 0, identity: OTHER_ID });
    const client = new ClientConnection({ suites: MLKEM_CHACHA, now: 0, serverKeys: [SERVER_ID.publicKey] });
    for (const f of client.takeOutput()) attacker.receive(f, 0);
    for (const f of attacker.takeOutput()) client.receive(f, 0);
    expect(client.closeReason).toBe(CloseReason.AUTHENTICATION_FAILED);
  });

  for (const field of ['ciphertext', 'finished', 'signature', 'random'] as const) {
    it(`fails closed when the ServerHello ${field} is altered`, () => {
      const p = makePair();
      for (const f of p.client.takeOutput()) p.server.receive(f, 0);
      const [sh] = p.server.takeOutput();
      const altered = rewrite(sh!, (payload) => {
        const dec = decodeServerHello(payload);
        const offset = {
          random: 3,
          ciphertext: 3 + 32 + 8 + 2 + 2 + 2,
          signature: dec.signedEnd + 2,
          finished: dec.finishedEnd + 1,
        }[field];
        payload[offset]! ^= 1;
        return payload;
      });
      p.client.receive(altered, 0);
      expect(p.client.closeReason).toBe(CloseReason.AUTHENTICATION_FAILED);
      expect(p.client.state).toBe('closed');
    });
  }

  it('fails closed when the ClientFinished is altered and tells the client with an authenticated CLOSE', () => {
    const p = makePair();
    for (const f of p.client.takeOutput()) p.server.receive(f, 0);
    for (const f of p.server.takeOutput()) p.client.receive(f, 0);
    const [cf] = p.client.takeOutput();
    p.server.receive(
      rewrite(cf!, (payload) => {
        payload[payload.length - 1]! ^= 1;
        return payload;
      }),
      0,
    );
    expect(p.server.closeReason).toBe(CloseReason.AUTHENTICATION_FAILED);
    for (const f of p.server.takeOutput()) p.client.receive(f, 0);
    expect(closeOf(p.client.takeEvents())).toMatchObject({
      reason: CloseReason.AUTHENTICATION_FAILED,
      initiator: 'peer',
    });
  });

  it('authenticates the client when the server requires it (mutual auth)', () => {
    const p = handshake(
      { identity: CLIENT_ID },
      { requireClientAuth: true, clientKeys: [CLIENT_ID.publicKey] },
    );
    expect(p.server.state).toBe('established');
    expect(p.server.peerPublicKey).toEqual(CLIENT_ID.publicKey);
    expect(p.serverEvents[0]).toMatchObject({ type: 'handshake', peerPublicKey: CLIENT_ID.publicKey });
  });

  it('refuses a client without an identity, or with an untrusted one, when auth is required', () => {
    const none = handshake({}, { requireClientAuth: true, clientKeys: [CLIENT_ID.publicKey] });
    expect(none.server.closeReason).toBe(CloseReason.AUTHENTICATION_FAILED);
    expect(closeOf(none.clientEvents)).toMatchObject({
      reason: CloseReason.AUTHENTICATION_FAILED,
      initiator: 'peer',
    });
    const other = handshake(
      { identity: OTHER_ID },
      { requireClientAuth: true, clientKeys: [CLIENT_ID.publicKey] },
    );
    expect(other.server.closeReason).toBe(CloseReason.AUTHENTICATION_FAILED);
  });

  it('times out', () => {
    const p = makePair();
    p.client.handleTimeout(9_999);
    expect(p.client.state).toBe('handshake');
    expect(p.client.timeout).toBe(10_000);
    p.client.handleTimeout(10_000);
    expect(p.client.closeReason).toBe(CloseReason.HANDSHAKE_TIMEOUT);
    expect(p.client.timeout).toBeUndefined();
  });

  it('refuses a replayed ClientHello at the server after the first', () => {
    const p = makePair();
    const [ch] = p.client.takeOutput();
    p.server.receive(ch!, 0);
    p.server.receive(ch!, 0);
    expect(p.server.closeReason).toBe(CloseReason.HANDSHAKE_FAILED);
  });

  it('refuses protected frames before the handshake finished', () => {
    const p = makePair();
    p.server.receive(
      encodeFrame({ type: FrameType.APP_DATA, sessionId: 0n, epoch: 1, seq: 1, payload: new Uint8Array(20) }),
      0,
    );
    expect(p.server.closeReason).toBe(CloseReason.PROTOCOL_ERROR);
  });

  it('refuses an untrusted configuration at construction', () => {
    expect(() => new ClientConnection({ suites: MLKEM_CHACHA, now: 0 })).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTIONS' }) as unknown as Error,
    );
    expect(
      () =>
        new ServerConnection({
          suites: MLKEM_CHACHA,
          now: 0,
          identity: { publicKey: new Uint8Array(3), secretKey: new Uint8Array(3) },
        }),
    ).toThrow(/ML-DSA-65/);
    expect(
      () =>
        new ServerConnection({ suites: MLKEM_CHACHA, now: 0, identity: SERVER_ID, requireClientAuth: true }),
    ).toThrow(/clientKeys/);
  });

  it('refuses to send before the handshake and after close', () => {
    const p = makePair();
    expect(() => p.client.send(text('x'))).toThrow(
      expect.objectContaining({ code: 'INVALID_STATE' }) as unknown as Error,
    );
    p.client.close();
    try {
      p.client.send(text('x'));
      expect.unreachable();
    } catch (e) {
      expect(isSessionError(e, 'CLOSED')).toBe(true);
    }
  });
});

describe('QKD key mixing', () => {
  const key = new Uint8Array(32).fill(7);

  it('mixes the same QKD key on both sides, fetched by id', () => {
    const p = makePair({ qkd: { keyId: 'qkd-1', key } }, { qkd: 'optional' });
    pump(p);
    expect(p.serverEvents).toEqual([{ type: 'qkdKeyRequest', keyId: 'qkd-1' }]);
    p.server.provideQkdKey({ keyId: 'qkd-1', key: key.slice() });
    pump(p);
    expect(p.server.state).toBe('established');
    expect(p.clientEvents[0]).toMatchObject({ type: 'handshake', qkdKeyId: 'qkd-1' });
    p.client.send(text('q'));
    pump(p);
    expect(dataOf(p.serverEvents)).toEqual(['q']);
  });

  it('fails the handshake when the two QKD keys differ', () => {
    const p = makePair({ qkd: { keyId: 'qkd-1', key } }, { qkd: 'optional' });
    pump(p);
    p.server.provideQkdKey({ keyId: 'qkd-1', key: new Uint8Array(32).fill(8) });
    pump(p);
    expect(p.client.closeReason).toBe(CloseReason.AUTHENTICATION_FAILED);
  });

  it('follows the server policy', () => {
    const off = makePair({ qkd: { keyId: 'qkd-1', key } });
    pump(off);
    expect(off.server.closeReason).toBe(CloseReason.HANDSHAKE_FAILED);
    const required = makePair({}, { qkd: 'required' });
    pump(required);
    expect(required.server.closeReason).toBe(CloseReason.HANDSHAKE_FAILED);
  });

  it('times out while the key is being fetched', () => {
    const p = makePair({ qkd: { keyId: 'qkd-1', key } }, { qkd: 'optional' });
    pump(p);
    p.server.handleTimeout(10_000);
    expect(p.server.closeReason).toBe(CloseReason.HANDSHAKE_TIMEOUT);
  });
});
