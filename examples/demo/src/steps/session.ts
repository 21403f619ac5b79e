import { DEFAULT_SUITE_ID, getSuite } from '@qsp/crypto-suite';
import {
  ClientConnection,
  type Connection,
  closeReasonName,
  ServerConnection,
  type SessionEvent,
} from '@qsp/session';
import { type DemoContext, need } from '../context.js';

const hex = (bytes: Uint8Array, n = 8) => `${Buffer.from(bytes.subarray(0, n)).toString('hex')}…`;
const text = new TextEncoder();
const decode = new TextDecoder();

/**
 * A QSP v1.0 session end to end on the sans-IO core: a handshake with a BB84
 * QKD key mixed into the key schedule, data both ways, two server-led rekeys,
 * a clean close; then a second session that a flipped ciphertext bit closes.
 */
export async function run(log: (line: string) => void, context: DemoContext): Promise<void> {
  const suite = getSuite(DEFAULT_SUITE_ID);
  const serverIdentity = suite.signature.keygen();
  const startedAt = new Date().toISOString();
  // Both ends of the crypto step's QKD link: the client draws a key, the server fetches it by id.
  const link = need(context.qkd, "the crypto step's QKD link");
  const qkd = link.source;
  const material = await qkd.newKey(32);
  log(`QKD key ${material.keyId} from ${link.label}: ${material.key.length} bytes`);

  let now = 0;
  const client = new ClientConnection({
    suites: suite,
    now,
    serverKeys: [serverIdentity.publicKey],
    qkd: material,
  });
  const server = new ServerConnection({ suites: suite, now, identity: serverIdentity, qkd: 'required' });
  const events: Record<'client' | 'server', SessionEvent[]> = { client: [], server: [] };
  // Every frame of the session as it crossed the wire, for the outcome's transcript digest.
  const wire: Uint8Array[] = [];

  /** Moves bytes both ways until both sides are quiet; answers the server's QKD key request. */
  const pump = async (tamper?: (frame: Uint8Array) => Uint8Array) => {
    for (let round = 0; round < 16; round++) {
      now += 1;
      const toServer = client.takeOutput();
      const toClient = server.takeOutput();
      wire.push(...toServer, ...toClient);
      for (const f of toServer) server.receive(tamper ? tamper(f) : f, now);
      for (const f of toClient) client.receive(f, now);
      for (const e of server.takeEvents()) {
        if (e.type === 'qkdKeyRequest') server.provideQkdKey(await qkd.keyById(e.keyId), now);
        events.server.push(e);
      }
      events.client.push(...client.takeEvents());
      if (toServer.length === 0 && toClient.length === 0) return;
    }
  };
  const describe = (side: 'client' | 'server', conn: Connection) =>
    `${side}: state ${conn.state}, sends under epoch ${conn.sendEpoch}, receives epoch ${conn.receiveEpoch}`;

  await pump();
  const done = events.client.find((e) => e.type === 'handshake');
  if (!done || done.type !== 'handshake' || server.state !== 'established')
    throw new Error('handshake failed');
  log(`handshake: suite ${done.suite}, session ${done.sessionId.toString(16)}, QKD key ${done.qkdKeyId}`);
  log(`server authenticated by pinned ML-DSA-65 key ${hex(done.peerPublicKey!)}`);
  log(describe('client', client));

  client.send(text.encode('hello from the client'));
  server.send(text.encode('hello from the server'));
  await pump();
  for (const side of ['client', 'server'] as const) {
    const got = events[side].filter((e) => e.type === 'data').map((e) => decode.decode(e.data));
    log(`${side} received: ${got.map((g) => JSON.stringify(g)).join(', ')}`);
  }

  for (let i = 0; i < 2; i++) {
    server.rekey(now);
    await pump();
    log(`rekey ${i + 1}: ${describe('server', server)}; ${describe('client', client)}`);
  }
  if (client.sendEpoch !== 3 || server.sendEpoch !== 3)
    throw new Error('rekeys did not advance the epoch to 3');
  client.send(text.encode('under epoch 3'));
  await pump();
  const last = events.server.filter((e) => e.type === 'data').at(-1);
  if (!last || last.type !== 'data' || decode.decode(last.data) !== 'under epoch 3')
    throw new Error('data lost');
  log(`server received "under epoch 3" under epoch ${server.receiveEpoch}`);

  client.close();
  await pump();
  const closed = events.server.find((e) => e.type === 'close');
  if (!closed || closed.type !== 'close' || closed.reason !== 0) throw new Error('no clean close');
  log(
    `client closed: server saw an authenticated CLOSE ${closeReasonName(closed.reason)} from the ${closed.initiator}`,
  );
  const received = (side: 'client' | 'server') =>
    events[side].reduce((n, e) => n + (e.type === 'data' ? e.data.length : 0), 0);
  const fingerprint = Buffer.from(suite.hash.digest(done.peerPublicKey!)).toString('hex');
  context.session = {
    sessionId: `qsp-session-${done.sessionId.toString(16)}`,
    suite: done.suite,
    transcriptSha256: Buffer.from(suite.hash.digest(Buffer.concat(wire))).toString('hex'),
    peerKeyFingerprint: fingerprint,
    qkdKeyId: done.qkdKeyId ?? null,
    epochs: client.sendEpoch,
    rekeys: 2,
    bytesSent: received('server'),
    bytesReceived: received('client'),
    closeReason: closeReasonName(closed.reason),
    startedAt,
    endedAt: new Date().toISOString(),
  };
  context.artifacts.push({
    name: 'session-outcome.json',
    bytes: text.encode(`${JSON.stringify(context.session, null, 2)}\n`),
  });

  // A second session without QKD: one flipped ciphertext bit on the way to the server.
  now = 0;
  const c2 = new ClientConnection({ suites: suite, now, serverKeys: [serverIdentity.publicKey] });
  const s2 = new ServerConnection({ suites: suite, now, identity: serverIdentity });
  for (let i = 0; i < 4; i++) {
    for (const f of c2.takeOutput()) s2.receive(f, now);
    for (const f of s2.takeOutput()) c2.receive(f, now);
  }
  c2.send(text.encode('tamper with me'));
  const [frame] = c2.takeOutput();
  const flipped = frame!.slice();
  const last1 = flipped.length - 1;
  flipped[last1] = flipped[last1]! ^ 0x01;
  s2.receive(flipped, now);
  const reason = s2.closeReason;
  if (reason === undefined || closeReasonName(reason) !== 'AEAD_DECRYPT_FAILED') {
    throw new Error('a tampered frame was not refused');
  }
  const delivered = s2.takeEvents().some((e) => e.type === 'data');
  if (delivered) throw new Error('a tampered frame was delivered');
  log(`tampered frame: server closed with ${closeReasonName(reason)}, nothing delivered, keys wiped`);
  for (const f of s2.takeOutput()) c2.receive(f, now);
  log(`client learned it from an authenticated CLOSE: ${closeReasonName(c2.closeReason!)}`);
  context.signals.push({
    step: 'session',
    decision: 'ALLOW',
    score: 0.05,
    code: 'HANDSHAKE_REKEY_CLOSE_OK',
    reason: 'handshake authenticated, two rekeys, clean close; tampering refused',
  });
}
