// The ETSI GS QKD 014 client against the local KME simulator (real node:http
// on loopback), and against a hostile server that answers whatever a test says.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KmeNetwork } from '../src/etsi014/kme-core.js';
import { parseKeyContainer } from '../src/etsi014/messages.js';
import { type Etsi014Client, etsi014Client, isCryptoError } from '../src/index.js';
import { type KmeSimulator, startKmeSimulator } from '../src/kme-simulator.js';
import { expectCode, expectCodeAsync } from './helpers.js';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');
const ID1 = '11111111-2222-4333-8444-555555555555';
const ID2 = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';

describe('ETSI 014 client <-> KME simulator', () => {
  let sim: KmeSimulator;
  let alice: Etsi014Client;
  let bob: Etsi014Client;
  beforeAll(async () => {
    sim = await startKmeSimulator({ saeIds: ['sae-alice', 'sae-bob'] });
    alice = etsi014Client({ baseUrl: sim.url('sae-alice'), peerSaeId: 'sae-bob' });
    bob = etsi014Client({ baseUrl: sim.url('sae-bob'), peerSaeId: 'sae-alice', keyLengthBytes: 32 });
  });
  afterAll(() => sim.close());

  it('status follows §6.1', async () => {
    const s = await alice.status();
    expect(s).toEqual({
      source_KME_ID: 'KME-sae-alice',
      target_KME_ID: 'KME-sae-bob',
      master_SAE_ID: 'sae-alice',
      slave_SAE_ID: 'sae-bob',
      key_size: 256,
      stored_key_count: 0,
      max_key_count: 1024,
      max_key_per_request: 128,
      max_key_size: 8192,
      min_key_size: 64,
      max_SAE_ID_count: 0,
    });
  });

  it('newKey on the master, keyById on the slave: the same key, handed out once', async () => {
    const mine = await alice.newKey(32);
    expect(mine.key.length).toBe(32);
    expect(mine.keyId).toMatch(/^[0-9a-f-]{36}$/);
    expect(sim.storedKeyCount('sae-alice', 'sae-bob')).toBe(1);
    const theirs = await bob.keyById(mine.keyId);
    expect(theirs).toEqual(mine);
    expect(sim.storedKeyCount('sae-alice', 'sae-bob')).toBe(0);
    await expectCodeAsync(() => bob.keyById(mine.keyId), 'KME_HTTP_ERROR');
  });

  it('enc_keys by POST and by GET, dec_keys returns the order asked for', async () => {
    const viaGet = etsi014Client({
      baseUrl: sim.url('sae-alice'),
      peerSaeId: 'sae-bob',
      encKeysMethod: 'GET',
    });
    const a = await alice.encKeys(3, 512);
    const b = await viaGet.encKeys(2, 128);
    expect(a.map((k) => k.key.length)).toEqual([64, 64, 64]);
    expect(b.map((k) => k.key.length)).toEqual([16, 16]);
    const ids = [...a, ...b].map((k) => k.keyId).reverse();
    const got = await bob.decKeys(ids);
    expect(got.map((k) => k.keyId)).toEqual(ids);
    expect(got).toEqual([...a, ...b].reverse());
  });

  it('keyById with a configured length refuses a key of another length (nothing returned)', async () => {
    const short = await alice.newKey(16);
    await expectCodeAsync(() => bob.keyById(short.keyId), 'KEY_TOO_SHORT');
    const long = await alice.newKey(48);
    await expectCodeAsync(() => bob.keyById(long.keyId), 'KME_BAD_RESPONSE');
  });

  it('the wrong direction is not a key: a slave cannot dec_keys what it sent as master', async () => {
    const k = await alice.newKey(32);
    const aliceAsSlave = etsi014Client({ baseUrl: sim.url('sae-alice'), peerSaeId: 'sae-bob' });
    await expectCodeAsync(() => aliceAsSlave.keyById(k.keyId), 'KME_HTTP_ERROR');
    expect((await bob.keyById(k.keyId)).key).toEqual(k.key);
  });

  it('a KME 4xx is KME_HTTP_ERROR with its status and message', async () => {
    let thrown: unknown;
    try {
      await alice.encKeys(1, 16_384);
    } catch (e) {
      thrown = e;
    }
    expect(isCryptoError(thrown, 'KME_HTTP_ERROR')).toBe(true);
    expect((thrown as { details: Record<string, unknown> }).details).toMatchObject({ status: 400 });
    const stranger = etsi014Client({ baseUrl: sim.url('sae-alice'), peerSaeId: 'sae-mallory' });
    await expectCodeAsync(() => stranger.newKey(32), 'KME_HTTP_ERROR');
    await expectCodeAsync(() => alice.encKeys(129, 256), 'KME_HTTP_ERROR');
  });

  it('refuses bad arguments before any request', async () => {
    expectCode(() => etsi014Client({ baseUrl: 'ftp://kme', peerSaeId: 'x' }), 'INVALID_ARGUMENT');
    expectCode(() => etsi014Client({ baseUrl: 'not a url', peerSaeId: 'x' }), 'INVALID_ARGUMENT');
    expectCode(
      () => etsi014Client({ baseUrl: sim.url('sae-alice'), peerSaeId: 'x', timeoutMs: 0 }),
      'INVALID_ARGUMENT',
    );
    expectCode(() => etsi014Client({ baseUrl: sim.url('sae-alice'), peerSaeId: '' }), 'INVALID_ARGUMENT');
    expectCode(
      () => etsi014Client({ baseUrl: sim.url('sae-alice'), peerSaeId: 'x', minKeyBytes: 0 }),
      'INVALID_ARGUMENT',
    );
    await expectCodeAsync(() => alice.encKeys(0, 256), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => alice.encKeys(1, 7), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => alice.newKey(0), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => bob.keyById('not-a-uuid'), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => bob.decKeys([]), 'INVALID_ARGUMENT');
    await expectCodeAsync(() => bob.decKeys([ID1, ID1]), 'INVALID_ARGUMENT');
  });

  it('the simulator answers an oversized request body with 413 and a wrong path with 404', async () => {
    const big = await fetch(`${sim.url('sae-alice')}/api/v1/keys/sae-bob/enc_keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ number: 1, pad: 'x'.repeat(70_000) }),
    });
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ message: 'request body too large' });
    const lost = await fetch(`${sim.url('sae-alice')}/api/v2/keys`);
    expect(lost.status).toBe(404);
    expect(lost.headers.get('content-type')).toBe('application/json');
    await lost.arrayBuffer();
  });

  it('an unreachable KME is KME_UNAVAILABLE', async () => {
    const gone = await startKmeSimulator();
    const url = gone.url('sae-a');
    await gone.close();
    const c = etsi014Client({ baseUrl: url, peerSaeId: 'sae-b', timeoutMs: 2000 });
    await expectCodeAsync(() => c.newKey(32), 'KME_UNAVAILABLE');
  });
});

describe('ETSI 014 client against a hostile KME', () => {
  let server: Server;
  let base: string;
  let answer: (
    path: string,
    body: string,
  ) => { status?: number; type?: string; body: string | Buffer; hang?: boolean };
  const seen: { method: string; url: string; headers: Record<string, unknown>; body: string }[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        const a = answer(req.url!, body);
        if (a.hang) return;
        res.writeHead(a.status ?? 200, { 'content-type': a.type ?? 'application/json' });
        res.end(a.body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prefix/`;
  });
  afterAll(
    () =>
      new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      }),
  );
  const client = (extra: Partial<Parameters<typeof etsi014Client>[0]> = {}) =>
    etsi014Client({ baseUrl: base, peerSaeId: 'sae/b', timeoutMs: 1000, ...extra });
  const keys = (...ks: [string, Uint8Array | string][]) =>
    JSON.stringify({
      keys: ks.map(([key_ID, key]) => ({ key_ID, key: typeof key === 'string' ? key : b64(key) })),
    });

  it('sends the standard request: path, JSON body, extra headers', async () => {
    answer = () => ({ body: keys([ID1, new Uint8Array(32).fill(7)]) });
    seen.length = 0;
    const k = await client({ headers: { authorization: 'Bearer t' } }).newKey(32);
    expect(k).toEqual({ keyId: ID1, key: new Uint8Array(32).fill(7) });
    expect(seen[0]).toMatchObject({ method: 'POST', url: '/prefix/api/v1/keys/sae%2Fb/enc_keys' });
    expect(JSON.parse(seen[0]!.body)).toEqual({ number: 1, size: 256 });
    expect(seen[0]!.headers).toMatchObject({ authorization: 'Bearer t', 'content-type': 'application/json' });
    answer = () => ({ body: keys([ID2, new Uint8Array(16)]) });
    await client().keyById(ID2);
    expect(JSON.parse(seen[1]!.body)).toEqual({ key_IDs: [{ key_ID: ID2 }] });
  });

  const cases: [string, () => ReturnType<typeof answer>, string][] = [
    ['500', () => ({ status: 500, body: '{"message":"boom"}' }), 'KME_HTTP_ERROR'],
    ['503 without a body', () => ({ status: 503, body: '' }), 'KME_HTTP_ERROR'],
    ['401', () => ({ status: 401, body: 'no' }), 'KME_HTTP_ERROR'],
    ['redirect', () => ({ status: 302, body: '' }), 'KME_HTTP_ERROR'],
    ['malformed JSON', () => ({ body: '{"keys": [' }), 'KME_BAD_RESPONSE'],
    [
      'not JSON content',
      () => ({ type: 'text/html', body: keys([ID1, new Uint8Array(32)]) }),
      'KME_BAD_RESPONSE',
    ],
    ['not UTF-8', () => ({ body: Buffer.from([0x7b, 0xff, 0x7d]) }), 'KME_BAD_RESPONSE'],
    ['no keys array', () => ({ body: '{"key": []}' }), 'KME_BAD_RESPONSE'],
    [
      'two keys for one asked',
      () => ({ body: keys([ID1, new Uint8Array(32)], [ID2, new Uint8Array(32)]) }),
      'KME_BAD_RESPONSE',
    ],
    ['a short key', () => ({ body: keys([ID1, new Uint8Array(31)]) }), 'KEY_TOO_SHORT'],
    ['a long key', () => ({ body: keys([ID1, new Uint8Array(33)]) }), 'KME_BAD_RESPONSE'],
    ['bad base64', () => ({ body: keys([ID1, 'AAAA*AAA']) }), 'KME_BAD_RESPONSE'],
    [
      'unpadded base64',
      () => ({ body: keys([ID1, b64(new Uint8Array(32)).replace(/=+$/, '')]) }),
      'KME_BAD_RESPONSE',
    ],
    ['a key_ID that is no UUID', () => ({ body: keys(['1', new Uint8Array(32)]) }), 'KME_BAD_RESPONSE'],
    [
      'a key that is a number',
      () => ({ body: JSON.stringify({ keys: [{ key_ID: ID1, key: 5 }] }) }),
      'KME_BAD_RESPONSE',
    ],
    [
      'an oversized answer',
      () => ({ body: JSON.stringify({ keys: [], pad: 'x'.repeat(5000) }) }),
      'KME_BAD_RESPONSE',
    ],
  ];
  for (const [name, make, code] of cases) {
    it(`enc_keys: ${name} -> ${code}`, async () => {
      answer = make;
      await expectCodeAsync(() => client({ maxResponseBytes: 4096 }).newKey(32), code as never);
    });
  }

  it('dec_keys: another key_ID than asked, or a short key even without a configured length', async () => {
    answer = () => ({ body: keys([ID2, new Uint8Array(32)]) });
    await expectCodeAsync(() => client().keyById(ID1), 'KME_BAD_RESPONSE');
    answer = () => ({ body: keys([ID1, new Uint8Array(8)]) });
    await expectCodeAsync(() => client().keyById(ID1), 'KEY_TOO_SHORT');
    answer = () => ({ body: keys([ID1, new Uint8Array(32)], [ID1, new Uint8Array(32)]) });
    await expectCodeAsync(() => client().decKeys([ID1, ID2]), 'KME_BAD_RESPONSE');
  });

  it('a KME that does not answer in time is KME_UNAVAILABLE', async () => {
    answer = () => ({ body: '', hang: true });
    await expectCodeAsync(() => client({ timeoutMs: 150 }).newKey(32), 'KME_UNAVAILABLE');
  });
});

describe('ETSI 014 key-container parser', () => {
  it('never throws anything but a CryptoError, and returns keys only when all are good', () => {
    const entry = fc.record(
      {
        key_ID: fc.oneof(fc.uuid(), fc.string(), fc.integer()),
        key: fc.oneof(fc.uint8Array({ maxLength: 40 }).map(b64), fc.string(), fc.constant(null)),
      },
      { requiredKeys: [] },
    );
    const body = fc.oneof(fc.record({ keys: fc.array(entry, { maxLength: 3 }) }), fc.jsonValue());
    fc.assert(
      fc.property(body, fc.integer({ min: 1, max: 3 }), (b, count) => {
        try {
          const out = parseKeyContainer(b, { count, sizeBits: 256, minBits: 128 });
          expect(out.length).toBe(count);
          for (const k of out) expect(k.key.length).toBe(32);
        } catch (e) {
          expect(isCryptoError(e)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('KME simulator core (sans-IO)', () => {
  const req = (localSae: string, method: string, path: string, body?: unknown, query = '') => ({
    localSae,
    method,
    pathname: path,
    query: new URLSearchParams(query),
    body: body === undefined ? undefined : JSON.stringify(body),
  });

  it('routes, refuses unknown paths, methods, SAEs and mandatory extensions', () => {
    const kme = new KmeNetwork();
    expect(kme.handle(req('sae-a', 'GET', '/api/v1/keys/sae-b/nope')).status).toBe(404);
    expect(kme.handle(req('sae-a', 'POST', '/api/v1/keys/sae-b/status', {})).status).toBe(405);
    expect(kme.handle(req('sae-a', 'GET', '/api/v1/keys/sae-a/status')).status).toBe(400);
    expect(
      kme.handle(req('sae-a', 'POST', '/api/v1/keys/sae-b/enc_keys', { extension_mandatory: [{ x: 1 }] }))
        .status,
    ).toBe(400);
    expect(kme.handle(req('sae-a', 'POST', '/api/v1/keys/sae-b/enc_keys', { size: 100 })).status).toBe(400);
    expect(kme.handle(req('sae-a', 'POST', '/api/v1/keys/sae-b/enc_keys', [])).status).toBe(400);
    expect(kme.handle({ ...req('sae-a', 'POST', '/api/v1/keys/sae-b/enc_keys'), body: '{' }).status).toBe(
      400,
    );
    expectCode(() => new KmeNetwork({ saeIds: ['only-one'] }), 'INVALID_ARGUMENT');
  });

  it('dec_keys is all or nothing, and GET dec_keys takes one key_ID', () => {
    const kme = new KmeNetwork();
    const enc = kme.handle(req('sae-a', 'POST', '/api/v1/keys/sae-b/enc_keys', { number: 2 }));
    const [k1, k2] = (enc.json as { keys: { key_ID: string; key: string }[] }).keys;
    const partial = kme.handle(
      req('sae-b', 'POST', '/api/v1/keys/sae-a/dec_keys', {
        key_IDs: [{ key_ID: k1!.key_ID }, { key_ID: ID1 }],
      }),
    );
    expect(partial.status).toBe(400);
    expect(kme.storedKeyCount('sae-a', 'sae-b')).toBe(2);
    const one = kme.handle(
      req('sae-b', 'GET', '/api/v1/keys/sae-a/dec_keys', undefined, `key_ID=${k2!.key_ID}`),
    );
    expect(one).toEqual({ status: 200, json: { keys: [k2] } });
    expect(kme.storedKeyCount('sae-a', 'sae-b')).toBe(1);
  });

  it('stops handing out keys when the store for a pair is full', () => {
    const kme = new KmeNetwork({ maxKeyCount: 3 });
    expect(kme.handle(req('sae-a', 'POST', '/api/v1/keys/sae-b/enc_keys', { number: 3 })).status).toBe(200);
    expect(kme.handle(req('sae-a', 'POST', '/api/v1/keys/sae-b/enc_keys', { number: 1 })).status).toBe(503);
  });
});
