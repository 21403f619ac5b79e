// Derandomized handshake vectors (the style of Noise's cacophony vectors):
// every random byte a side draws comes from a seeded stream, KEM operations
// are seeded and ML-DSA signing takes its hedge from the same stream, so a
// run is reproducible frame by frame. Another implementation can replay the
// streams and compare its frames with ours.

import { sha256 } from '@noble/hashes/sha2.js';
import { getSuite, noble } from '@qsp/crypto-suite';
import { ClientConnection, type Connection, ServerConnection } from '../../src/index.js';

/** Byte stream: block i = SHA-256(label || u32 i); bytes are taken in order. */
export function seededStream(label: string): (length: number) => Uint8Array {
  const prefix = new TextEncoder().encode(label);
  let block = 0;
  let buffer = new Uint8Array(0);
  return (length: number) => {
    while (buffer.length < length) {
      const input = new Uint8Array(prefix.length + 4);
      input.set(prefix);
      new DataView(input.buffer).setUint32(prefix.length, block++);
      const next = new Uint8Array(buffer.length + 32);
      next.set(buffer);
      next.set(sha256(input), buffer.length);
      buffer = next;
    }
    const out = buffer.slice(0, length);
    buffer = buffer.slice(length);
    return out;
  };
}

export interface VectorParams {
  readonly name: string;
  readonly suite: string;
  readonly mutual: boolean;
  readonly qkdKey?: string;
}

export interface VectorFrame {
  readonly from: 'client' | 'server';
  readonly step: string;
  readonly hex: string;
}

export interface Vector extends VectorParams {
  readonly streams: { readonly client: string; readonly server: string };
  readonly serverIdentitySeed: string;
  readonly clientIdentitySeed: string;
  readonly sessionId: string;
  readonly frames: readonly VectorFrame[];
}

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

export function buildVector(params: VectorParams): Vector {
  const suite = getSuite(params.suite, noble);
  const serverSeed = new Uint8Array(32).fill(0x51);
  const clientSeed = new Uint8Array(32).fill(0x43);
  const serverIdentity = suite.signature.keygen(serverSeed);
  const clientIdentity = suite.signature.keygen(clientSeed);
  const streams = {
    client: `qsp1 vector ${params.name} client`,
    server: `qsp1 vector ${params.name} server`,
  };
  const qkd =
    params.qkdKey === undefined
      ? undefined
      : { keyId: 'vector-key-1', key: Buffer.from(params.qkdKey, 'hex') };
  const client = new ClientConnection({
    suites: suite,
    now: 0,
    serverKeys: [serverIdentity.publicKey],
    random: seededStream(streams.client),
    ...(params.mutual ? { identity: clientIdentity } : {}),
    ...(qkd ? { qkd: { keyId: qkd.keyId, key: Uint8Array.from(qkd.key) } } : {}),
  });
  const server = new ServerConnection({
    suites: suite,
    now: 0,
    identity: serverIdentity,
    random: seededStream(streams.server),
    ...(params.mutual ? { requireClientAuth: true, clientKeys: [clientIdentity.publicKey] } : {}),
    ...(qkd ? { qkd: 'required' as const } : {}),
  });
  const frames: VectorFrame[] = [];
  const move = (from: Connection, to: Connection, side: 'client' | 'server', step: string) => {
    for (const f of from.takeOutput()) {
      frames.push({ from: side, step, hex: hex(f) });
      to.receive(f, 0);
    }
    for (const e of to.takeEvents()) {
      if (e.type === 'qkdKeyRequest' && qkd)
        server.provideQkdKey({ keyId: e.keyId, key: Uint8Array.from(qkd.key) });
    }
  };
  move(client, server, 'client', 'ClientHello');
  move(server, client, 'server', 'ServerHello');
  move(client, server, 'client', 'ClientFinished');
  if (client.state !== 'established' || server.state !== 'established')
    throw new Error('vector handshake failed');
  client.send(new TextEncoder().encode('client to server, epoch 1'));
  move(client, server, 'client', 'APP_DATA');
  server.send(new TextEncoder().encode('server to client, epoch 1'));
  move(server, client, 'server', 'APP_DATA');
  server.rekey(0);
  move(server, client, 'server', 'REKEY INIT');
  move(client, server, 'client', 'REKEY ACK');
  server.send(new TextEncoder().encode('server to client, epoch 2'));
  move(server, client, 'server', 'APP_DATA');
  client.close();
  move(client, server, 'client', 'CLOSE');
  return {
    ...params,
    streams,
    serverIdentitySeed: hex(serverSeed),
    clientIdentitySeed: hex(clientSeed),
    sessionId: server.sessionId.toString(16).padStart(16, '0'),
    frames,
  };
}

export const VECTOR_PARAMS: readonly VectorParams[] = [
  { name: 'mlkem768-aes-server-auth', suite: 'QSP1-MLKEM768-MLDSA65-AES256GCM-SHA256', mutual: false },
  {
    name: 'xwing-chacha-mutual-qkd',
    suite: 'QSP1-XWING-MLDSA65-CHACHA20POLY1305-SHA256',
    mutual: true,
    qkdKey: '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
  },
];
