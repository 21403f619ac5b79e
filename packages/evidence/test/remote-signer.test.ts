// remoteSigner against a hostile or broken QuantumLock service on a real local
// server: every bad answer is SIGNER_FAILED, and pack never emits a bundle.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isEvidenceError, localSigner, pack, remoteSigner, toBase64, verify } from '../src/index.js';
import { artifacts, JOB, KEY, OTHER_KEY, PACKAGED_AT, registry } from './fixtures.js';

type Behaviour = (body: { message: string; key_id: string }, res: ServerResponse) => void | Promise<void>;
let behaviour: Behaviour;
let server: Server;
let url: string;
const seen: { auth: string | undefined; body: unknown }[] = [];

const honest = localSigner({ keyId: KEY.keyId, secretKey: KEY.secretKey });
const other = localSigner({ keyId: OTHER_KEY.keyId, secretKey: OTHER_KEY.secretKey });
const reply = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
};
const signWith =
  (s: typeof honest, keyId = KEY.keyId): Behaviour =>
  async (body, res) => {
    const sig = await s.sign(Uint8Array.from(atob(body.message), (c) => c.charCodeAt(0)));
    reply(res, 200, { signature: toBase64(sig), key_id: keyId, algorithm: 'ML-DSA-65' });
  };

beforeAll(async () => {
  server = createServer(async (req: IncomingMessage, res) => {
    let text = '';
    for await (const c of req) text += c;
    const body = JSON.parse(text);
    seen.push({ auth: req.headers.authorization, body });
    await behaviour(body, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const signer = (extra: Partial<Parameters<typeof remoteSigner>[0]> = {}) =>
  remoteSigner({
    baseUrl: url,
    keyId: KEY.keyId,
    token: 't0k',
    publicKey: KEY.publicKey,
    timeoutMs: 500,
    ...extra,
  });
const packWith = (s: ReturnType<typeof signer>) => pack(JOB, artifacts(), s, { now: () => PACKAGED_AT });

describe('remoteSigner (QuantumLock POST /api/v1/quantum/crypto/sign)', () => {
  it('sends the seed request shape with a bearer token and yields a verifiable bundle', async () => {
    behaviour = signWith(honest);
    const { bundle } = await packWith(signer());
    expect(seen.at(-1)).toMatchObject({
      auth: 'Bearer t0k',
      body: { key_id: KEY.keyId, algorithm: 'ML-DSA-65' },
    });
    expect((await verify(bundle, { keys: registry(), now: new Date('2026-01-01T00:00:00Z') })).valid).toBe(
      true,
    );
  });

  const hostile: [string, Behaviour][] = [
    ['HTTP 500', (_b, res) => reply(res, 500, { error: 'boom' })],
    ['HTTP 401', (_b, res) => reply(res, 401, { error: 'unauthorized' })],
    ['malformed JSON', (_b, res) => reply(res, 200, '{"signature":')],
    ['a JSON array', (_b, res) => reply(res, 200, '[]')],
    ['another key id', signWith(honest, 'ql_key_other')],
    ['a signature by another key', signWith(other)],
    [
      'a non-base64 signature',
      (_b, res) => reply(res, 200, { signature: '!!', key_id: KEY.keyId, algorithm: 'ML-DSA-65' }),
    ],
    [
      'a short signature',
      (_b, res) => reply(res, 200, { signature: 'AAAA', key_id: KEY.keyId, algorithm: 'ML-DSA-65' }),
    ],
    [
      'another algorithm',
      (_b, res) => reply(res, 200, { signature: 'AAAA', key_id: KEY.keyId, algorithm: 'ML-DSA-44' }),
    ],
    ['no answer before the timeout', () => new Promise<void>(() => {})],
  ];
  for (const [name, b] of hostile) {
    it(`a service answering with ${name} fails pack with SIGNER_FAILED`, async () => {
      behaviour = b;
      await expect(packWith(signer())).rejects.toSatisfy((e) => isEvidenceError(e, 'SIGNER_FAILED'));
    });
  }

  it('an unreachable service is SIGNER_FAILED', async () => {
    await expect(packWith(signer({ baseUrl: 'http://127.0.0.1:9' }))).rejects.toSatisfy((e) =>
      isEvidenceError(e, 'SIGNER_FAILED'),
    );
  });

  it('without a pinned public key a wrong signature gets through pack but fails verify', async () => {
    behaviour = signWith(other);
    const { bundle } = await packWith(
      remoteSigner({ baseUrl: url, keyId: KEY.keyId, token: 't0k', timeoutMs: 500 }),
    );
    const r = await verify(bundle, { keys: registry(), now: new Date('2026-01-01T00:00:00Z') });
    expect(r.failed).toEqual(['signature_valid']);
  });
});
