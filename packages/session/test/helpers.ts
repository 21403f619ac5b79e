import { type CryptoSuite, type KeyPair, noble } from '@qsp/crypto-suite';
import {
  ClientConnection,
  type ClientOptions,
  type Connection,
  ServerConnection,
  type ServerOptions,
  type SessionEvent,
} from '../src/index.js';

function suite(
  id: string,
  codePoint: number,
  kem: 'ML-KEM-768' | 'X-Wing',
  aead: 'ChaCha20-Poly1305' | 'AES-256-GCM',
) {
  return Object.freeze({
    id,
    codePoint,
    hash: noble.hash('SHA-256'),
    kdf: noble.kdf('HKDF-SHA-256'),
    aead: noble.aead(aead),
    kem: noble.kem(kem),
    signature: noble.signature('ML-DSA-65'),
  }) satisfies CryptoSuite;
}

export const MLKEM_CHACHA = suite(
  'test-mlkem768-mldsa65-chacha20poly1305-sha256',
  0x7f01,
  'ML-KEM-768',
  'ChaCha20-Poly1305',
);
export const XWING_CHACHA = suite(
  'test-xwing-mldsa65-chacha20poly1305-sha256',
  0x7f02,
  'X-Wing',
  'ChaCha20-Poly1305',
);
export const MLKEM_AES = suite('test-mlkem768-mldsa65-aes256gcm-sha256', 0x7f03, 'ML-KEM-768', 'AES-256-GCM');

const seed = (byte: number) => new Uint8Array(32).fill(byte);
/** Fixed identities so tests do not pay ML-DSA key generation each time. */
export const SERVER_ID: KeyPair = noble.signature('ML-DSA-65').keygen(seed(1));
export const CLIENT_ID: KeyPair = noble.signature('ML-DSA-65').keygen(seed(2));
export const OTHER_ID: KeyPair = noble.signature('ML-DSA-65').keygen(seed(3));

export interface Pair {
  client: ClientConnection;
  server: ServerConnection;
  clientEvents: SessionEvent[];
  serverEvents: SessionEvent[];
}

export function makePair(
  client: Partial<ClientOptions> = {},
  server: Partial<ServerOptions> = {},
  now = 0,
): Pair {
  const c = new ClientConnection({ suites: MLKEM_CHACHA, now, serverKeys: [SERVER_ID.publicKey], ...client });
  const s = new ServerConnection({ suites: MLKEM_CHACHA, now, identity: SERVER_ID, ...server });
  return { client: c, server: s, clientEvents: [], serverEvents: [] };
}

/** Moves bytes both ways until neither side has anything to send. */
export function pump(p: Pair, now = 0): void {
  for (let i = 0; i < 100; i++) {
    const a = p.client.takeOutput();
    const b = p.server.takeOutput();
    if (a.length === 0 && b.length === 0) break;
    for (const f of a) p.server.receive(f, now);
    for (const f of b) p.client.receive(f, now);
    p.clientEvents.push(...p.client.takeEvents());
    p.serverEvents.push(...p.server.takeEvents());
  }
  p.clientEvents.push(...p.client.takeEvents());
  p.serverEvents.push(...p.server.takeEvents());
}

export function handshake(client: Partial<ClientOptions> = {}, server: Partial<ServerOptions> = {}): Pair {
  const p = makePair(client, server);
  pump(p);
  return p;
}

export function dataOf(events: readonly SessionEvent[]): string[] {
  const dec = new TextDecoder();
  return events.flatMap((e) => (e.type === 'data' ? [dec.decode(e.data)] : []));
}

export function closeOf(events: readonly SessionEvent[]) {
  return events.find((e) => e.type === 'close');
}

export const text = (s: string) => new TextEncoder().encode(s);

export function drain(c: Connection): Uint8Array[] {
  return c.takeOutput();
}

/** Reads a byte stream to its end as UTF-8 text. */
export async function readText(stream: ReadableStream<Uint8Array>): Promise<string> {
  let out = '';
  const dec = new TextDecoder();
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>)
    out += dec.decode(chunk, { stream: true });
  return out;
}

/** Resolves once `condition()` holds; fails after `timeoutMs` (no fixed sleeps: CI machines are loaded). */
export async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 5));
  }
}
