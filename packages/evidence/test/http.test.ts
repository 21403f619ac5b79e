// The seed's three endpoints end to end: PGlite store, filesystem blob store,
// the packaging worker signing through a QuantumLock service on a real local
// HTTP server (remoteSigner -> node:http -> createQuantumLockHandler).
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEvidenceHandler,
  createQuantumLockHandler,
  PackagingWorker,
  staticTokens,
} from '../src/http.js';
import { remoteSigner, verify } from '../src/index.js';
import { toNodeListener } from '../src/node.js';
import { type BlobStore, EvidenceStore, fsBlobStore, pgliteClient } from '../src/store.js';
import { artifacts, JOB, KEY, registry } from './fixtures.js';

let dir: string;
let store: EvidenceStore;
let blobs: BlobStore;
let quantumLock: Server;
let qlUrl: string;
let handler: (r: Request) => Promise<Response>;
let worker: PackagingWorker;
const errors: unknown[] = [];

const TOKENS = {
  'tok-a': { tenant_id: 'tenant_a', scopes: ['evidence:read', 'evidence:verify', 'artifacts:read'] },
  'tok-b': { tenant_id: 'tenant_b', scopes: ['evidence:read', 'evidence:verify', 'artifacts:read'] },
  'tok-a-readonly': { tenant_id: 'tenant_a', scopes: ['evidence:read'] },
} as const;

function call(path: string, token?: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (token) headers.set('authorization', `Bearer ${token}`);
  return handler(new Request(`http://evidence.test${path}`, { ...init, headers }));
}

async function completedJob(tenant: string, jobId: string): Promise<void> {
  await store.createJob(tenant, { job_id: jobId, backend_id: 'ibm_washington', shots_requested: 1000 });
  for (const a of artifacts()) {
    const put = await blobs.put(a.source);
    await store.addArtifact(tenant, jobId, {
      name: a.name,
      hash: put.hash,
      size_bytes: put.sizeBytes,
      content_type: a.content_type,
      storage_uri: put.uri,
    });
  }
  await store.advance(tenant, jobId, 'JobRunning');
  const { bundle_id: _b, ...record } = JOB;
  await store.completeJob(tenant, jobId, { ...record, tenant_id: tenant, job_id: jobId });
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qsp-evidence-http-'));
  store = await EvidenceStore.open(await pgliteClient());
  blobs = fsBlobStore(dir);
  const keys = registry();
  quantumLock = createServer(
    toNodeListener(
      createQuantumLockHandler({
        signingKeys: new Map([[KEY.keyId, KEY.secretKey]]),
        registry: keys,
        authorize: (t) => t === 'ql-secret',
      }),
    ),
  );
  await new Promise<void>((r) => quantumLock.listen(0, '127.0.0.1', r));
  qlUrl = `http://127.0.0.1:${(quantumLock.address() as AddressInfo).port}`;
  const signer = remoteSigner({
    baseUrl: qlUrl,
    keyId: KEY.keyId,
    token: 'ql-secret',
    publicKey: KEY.publicKey,
  });
  worker = new PackagingWorker({ store, blobs, signer, onError: (_t, _j, e) => errors.push(e) });
  handler = createEvidenceHandler({ store, blobs, keys, worker, authenticate: staticTokens(TOKENS) });
});

afterAll(async () => {
  await new Promise((r) => quantumLock?.close(r));
  await store?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('evidence HTTP API', () => {
  it('202 while packaging, then 200 with a bundle signed by the remote QuantumLock service', async () => {
    await completedJob('tenant_a', 'job_1');
    const first = await call('/api/v2/jobs/job_1/evidence', 'tok-a');
    expect(first.status).toBe(202);
    expect(await first.json()).toMatchObject({ job_id: 'job_1', status: 'BundlePending' });
    await worker.idle();
    expect(errors).toEqual([]);
    const done = await call('/api/v2/jobs/job_1/evidence', 'tok-a');
    expect(done.status).toBe(200);
    const body = await done.json();
    expect(body.manifest).toMatchObject({
      version: '1.0',
      job_id: 'job_1',
      signature_algorithm: 'ML-DSA-65',
    });
    expect(body.verification_details).toEqual({
      signature_valid: true,
      hash_matches: true,
      chain_verified: true,
    });
    expect(body.verified).toBe(false);
    const report = await verify(body.bundle, { keys: registry() });
    expect(report.failed).toEqual([]);
  });

  it('concurrent first requests all answer 202 (never 500), and the job is packaged once', async () => {
    await completedJob('tenant_a', 'job_race');
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => call('/api/v2/jobs/job_race/evidence', 'tok-a')),
    );
    expect(answers.map((r) => r.status)).toEqual([202, 202, 202, 202, 202]);
    await worker.idle();
    expect(errors).toEqual([]);
    expect((await call('/api/v2/jobs/job_race/evidence', 'tok-a')).status).toBe(200);
  });

  it('POST /api/v2/evidence/verify checks the stored bundle and its stored artifacts', async () => {
    const { bundle, bundle_hash } = await (await call('/api/v2/jobs/job_1/evidence', 'tok-a')).json();
    const request = { bundle_hash, signature: bundle.signature.value, key_id: bundle.signature.key_id };
    const res = await call('/api/v2/evidence/verify', 'tok-a', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    expect(res.status).toBe(200);
    const v = await res.json();
    expect(v).toMatchObject({
      valid: true,
      verification_method: 'ML-DSA-65',
      details: {
        bundle_hash_verified: true,
        signature_valid: true,
        key_not_revoked: true,
        timestamp_within_validity: true,
      },
    });
    expect(v.details.artifacts).toHaveLength(3);
    expect((await (await call('/api/v2/jobs/job_1/evidence', 'tok-a')).json()).verified).toBe(true);
    const wrong = await call('/api/v2/evidence/verify', 'tok-a', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...request, key_id: 'ql_key_other' }),
    });
    expect((await wrong.json()).details.signature_valid).toBe(false);
  });

  it('lists and serves artifacts; a tampered blob on disk fails its artifact check', async () => {
    const list = await (await call('/api/v2/jobs/job_1/artifacts', 'tok-a')).json();
    expect(list.artifacts.map((a: { name: string }) => a.name)).toEqual([
      'circuit.qasm',
      'results.json',
      'run.log',
    ]);
    expect(list.total_size_bytes).toBe(artifacts().reduce((n, a) => n + a.source.length, 0));
    const file = await call('/api/v2/jobs/job_1/artifacts/results.json', 'tok-a');
    expect(file.headers.get('content-type')).toBe('application/json');
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(artifacts()[1]!.source);
    // Overwrite the blob behind results.json (what an attacker with disk access would do).
    const hex = list.artifacts[1].hash.slice(7);
    await writeFile(join(dir, 'sha256', hex.slice(0, 2), hex), '{"counts":{"00":999}}');
    const { bundle, bundle_hash } = await (await call('/api/v2/jobs/job_1/evidence', 'tok-a')).json();
    const v = await (
      await call('/api/v2/evidence/verify', 'tok-a', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          bundle_hash,
          signature: bundle.signature.value,
          key_id: bundle.signature.key_id,
        }),
      })
    ).json();
    expect(v.valid).toBe(false);
    expect(v.failed).toEqual(['artifact_hash:results.json', 'artifact_size:results.json']);
    expect(await readdir(join(dir, 'sha256'))).not.toHaveLength(0);
  });

  it('another tenant gets 404 on every endpoint; a missing scope 403; no or a bad token 401', async () => {
    for (const path of [
      '/api/v2/jobs/job_1/evidence',
      '/api/v2/jobs/job_1/artifacts',
      '/api/v2/jobs/job_1/artifacts/run.log',
    ]) {
      expect((await call(path, 'tok-b')).status, path).toBe(404);
    }
    const { bundle, bundle_hash } = await (await call('/api/v2/jobs/job_1/evidence', 'tok-a')).json();
    const cross = await call('/api/v2/evidence/verify', 'tok-b', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        bundle_hash,
        signature: bundle.signature.value,
        key_id: bundle.signature.key_id,
      }),
    });
    expect(cross.status).toBe(404);
    expect((await call('/api/v2/jobs/job_1/artifacts', 'tok-a-readonly')).status).toBe(403);
    expect((await call('/api/v2/jobs/job_1/evidence')).status).toBe(401);
    expect((await call('/api/v2/jobs/job_1/evidence', 'nope')).status).toBe(401);
    expect((await call('/api/v2/jobs/job_1/evidence', 'tok-a', { method: 'DELETE' })).status).toBe(405);
    expect((await call('/api/v2/nothing', 'tok-a')).status).toBe(404);
  });

  it('any verify request body answers 200, 400, 404 or 413, never 500', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.json(),
          fc.string(),
          fc.record({ bundle_hash: fc.string(), signature: fc.string(), key_id: fc.string() }),
        ),
        async (body) => {
          const res = await call('/api/v2/evidence/verify', 'tok-a', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: typeof body === 'string' ? body : JSON.stringify(body),
          });
          expect([200, 400, 404, 413]).toContain(res.status);
          await res.body?.cancel();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('refuses malformed verify requests and oversized bodies; a failed job has no evidence', async () => {
    const post = (body: string, type = 'application/json') =>
      call('/api/v2/evidence/verify', 'tok-a', { method: 'POST', headers: { 'content-type': type }, body });
    expect((await post('{"bundle_hash":')).status).toBe(400);
    expect((await post('[]')).status).toBe(400);
    expect((await post('{"bundle_hash":"x","signature":"y","key_id":"z","extra":1}')).status).toBe(400);
    expect((await post('{}', 'text/plain')).status).toBe(415);
    expect((await post(`"${'x'.repeat(70_000)}"`)).status).toBe(413);
    expect(
      (
        await post(
          JSON.stringify({ bundle_hash: `sha256:${'0'.repeat(64)}`, signature: 'AA==', key_id: 'k' }),
        )
      ).status,
    ).toBe(404);
    await store.createJob('tenant_a', { job_id: 'job_failed', backend_id: 'sim' });
    await store.advance('tenant_a', 'job_failed', 'JobRunning');
    await store.failJob('tenant_a', 'job_failed', 'device offline');
    expect((await call('/api/v2/jobs/job_failed/evidence', 'tok-a')).status).toBe(409);
  });
});
