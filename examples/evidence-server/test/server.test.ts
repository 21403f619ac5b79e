// The server end to end over real HTTP: jobs and artifacts in through the
// ingestion routes, the bundle out through the evidence API, verified with
// verify() against the key registry. PGlite always; PostgreSQL when
// QSP_PG_URL is set; signing through a QuantumLock service after a restart.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verify } from '@qsp/evidence';
import { createQuantumLockHandler } from '@qsp/evidence/http';
import { toNodeListener } from '@qsp/evidence/node';
import { pgClient } from '@qsp/evidence/store';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optionsFromEnv } from '../src/config.js';
import { type EvidenceServer, startServer } from '../src/server.js';
import {
  ARTIFACTS,
  client,
  type Evidence,
  enc,
  happyPath,
  KEY,
  keys,
  OTHER,
  postJson,
  record,
  sha256,
  start,
  TOKEN_A,
  TOKEN_A_READ,
  TOKEN_B,
} from './helpers.js';

describe('evidence server on PGlite', () => {
  let dir: string;
  let srv: EvidenceServer;
  let api: ReturnType<typeof client>;
  let evidence: Evidence;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qsp-evidence-server-'));
    srv = await start(dir, { maxArtifactBytes: 64 * 1024 });
    api = client(srv.url);
  });

  afterAll(async () => {
    await srv?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('creates a job, takes its artifacts, packages (202 -> 200) a bundle that verifies against the registry', async () => {
    evidence = await happyPath(srv.url, 'job_1');
    const health = await api('/healthz');
    expect(await health.json()).toEqual({ ok: true });
  });

  it('a tampered artifact fails its check, offline and in the stored blob', async () => {
    const files = Object.fromEntries(Object.entries(ARTIFACTS).map(([n, a]) => [n, a.bytes.slice()]));
    files['results.json']![12]! ^= 1;
    const bad = await verify(evidence.bundle, { keys: keys(), artifacts: files });
    expect(bad.valid).toBe(false);
    expect(bad.failed).toEqual(['artifact_hash:results.json']);
    // A signature by a key the registry does not hold fails too.
    const foreign = await verify(
      { ...evidence.bundle, signature: { ...evidence.bundle.signature, key_id: OTHER.keyId } },
      { keys: keys() },
    );
    expect(foreign.valid).toBe(false);

    // Someone with disk access rewrites the blob behind run.log.
    const hex = evidence.bundle.artifacts[2]!.hash.slice(7);
    await writeFile(join(dir, 'blobs', 'sha256', hex.slice(0, 2), hex), 'queued\nstarted\ncrashed!\n');
    const res = await api(
      '/api/v2/evidence/verify',
      TOKEN_A,
      postJson({
        bundle_hash: evidence.bundle_hash,
        signature: evidence.bundle.signature.value,
        key_id: evidence.bundle.signature.key_id,
      }),
    );
    const v = await res.json();
    expect(v.valid).toBe(false);
    expect(v.failed).toEqual(['artifact_hash:run.log']);
  });

  it('another tenant gets 404 everywhere; no or a bad token 401; a missing scope 403', async () => {
    const b = (path: string, init?: RequestInit) => api(path, TOKEN_B, init);
    const statuses = async (calls: Promise<Response>[]) =>
      Promise.all(
        calls.map(async (c) => {
          const r = await c;
          await r.body?.cancel();
          return r.status;
        }),
      );
    expect(
      await statuses([
        b('/api/v2/jobs/job_1'),
        b('/api/v2/jobs/job_1/evidence'),
        b('/api/v2/jobs/job_1/evidence/bundle.json'),
        b('/api/v2/jobs/job_1/artifacts'),
        b('/api/v2/jobs/job_1/artifacts/results.json'),
        b('/api/v2/jobs/job_1/artifacts/extra.txt', { method: 'PUT', body: 'x' }),
        b('/api/v2/jobs/job_1/start', { method: 'POST' }),
        b('/api/v2/jobs/job_1/fail', postJson({ reason: 'x' })),
        b(
          '/api/v2/evidence/verify',
          postJson({
            bundle_hash: evidence.bundle_hash,
            signature: evidence.bundle.signature.value,
            key_id: KEY.keyId,
          }),
        ),
      ]),
    ).toEqual([404, 404, 404, 404, 404, 404, 404, 404, 404]);
    // Job ids are per tenant: B may use the same id without learning anything about A's.
    expect((await b('/api/v2/jobs', postJson({ job_id: 'job_1', backend_id: 'sim' }))).status).toBe(201);

    expect(
      await statuses([
        api('/api/v2/jobs/job_1/evidence'),
        api('/api/v2/jobs/job_1'),
        api('/api/v2/jobs', undefined, postJson({ job_id: 'job_x', backend_id: 'sim' })),
        api('/api/v2/jobs/job_1/evidence', 'not-a-known-token-at-all'),
        api('/api/v2/jobs/job_1/evidence/bundle.json'),
        api('/api/v2/jobs/job_1/artifacts/x', 'not-a-known-token-at-all', { method: 'PUT', body: 'x' }),
        api('/api/v2/jobs/job_1/evidence', undefined, { headers: { authorization: `Basic ${TOKEN_A}` } }),
      ]),
    ).toEqual([401, 401, 401, 401, 401, 401, 401]);
    expect(
      await statuses([
        api('/api/v2/jobs', TOKEN_A_READ, postJson({ job_id: 'job_x', backend_id: 'sim' })),
        api('/api/v2/jobs/job_1/artifacts', TOKEN_A_READ),
        api('/api/v2/jobs/job_1/artifacts/x', TOKEN_A_READ, { method: 'PUT', body: 'x' }),
        api('/api/v2/evidence/verify', TOKEN_A_READ, postJson({})),
        api('/api/v2/jobs/job_1/evidence', TOKEN_A_READ),
      ]),
    ).toEqual([403, 403, 403, 403, 200]);
  });

  it('refuses bad uploads, illegal transitions and bad records; a failed job has no evidence', async () => {
    const put = (
      job: string,
      name: string,
      body: string | Uint8Array<ArrayBuffer>,
      headers: Record<string, string> = {},
    ) =>
      api(`/api/v2/jobs/${job}/artifacts/${encodeURIComponent(name)}`, TOKEN_A, {
        method: 'PUT',
        headers,
        body,
      });
    expect(
      (await api('/api/v2/jobs', TOKEN_A, postJson({ job_id: 'job_2', backend_id: 'sim' }))).status,
    ).toBe(201);
    expect(
      (await api('/api/v2/jobs', TOKEN_A, postJson({ job_id: 'job_2', backend_id: 'sim' }))).status,
    ).toBe(409);
    expect((await api('/api/v2/jobs', TOKEN_A, postJson({ job_id: '../x', backend_id: 'sim' }))).status).toBe(
      400,
    );
    expect(
      (await api('/api/v2/jobs', TOKEN_A, postJson({ job_id: 'j', backend_id: 'sim', admin: true }))).status,
    ).toBe(400);
    expect(
      (
        await api('/api/v2/jobs', TOKEN_A, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"job_id":',
        })
      ).status,
    ).toBe(400);

    for (const bad of [
      { job_id: 'j', backend_id: 'sim', submitted_at: 'yesterday' },
      { job_id: 'j', backend_id: 'sim', cost_estimate: 1e9 },
      { job_id: 'j', backend_id: 'sim', shots_requested: -1 },
      { job_id: 'j', backend_id: 'a\u0000b' },
    ]) {
      expect((await api('/api/v2/jobs', TOKEN_A, postJson(bad))).status, JSON.stringify(bad)).toBe(400);
    }
    // A hash that does not match the bytes registers nothing.
    const wrong = await put('job_2', 'a.txt', 'hello', { 'x-content-sha256': sha256(enc('bye')) });
    expect(wrong.status).toBe(422);
    expect((await (await api('/api/v2/jobs/job_2', TOKEN_A)).json()).artifacts).toEqual([]);
    // (fetch normalises a literal `..` segment away, so path-like names are sent encoded.)
    expect((await put('job_2', 'dir/a.txt', 'x')).status).toBe(400);
    expect((await put('job_2', 'a\u0001.txt', 'x')).status).toBe(400);
    expect((await put('job_2', 'a.txt', 'x', { 'content-type': 'not a type' })).status).toBe(400);
    expect((await put('job_2', 'big.bin', new Uint8Array(64 * 1024 + 1))).status).toBe(413);
    expect((await put('job_2', 'a.txt', 'hello')).status).toBe(201);
    expect((await put('job_2', 'a.txt', 'hello again')).status).toBe(409);
    expect((await put('job_404', 'a.txt', 'hello')).status).toBe(404);

    // JobCreated -> JobCompleted skips JobRunning.
    expect((await api('/api/v2/jobs/job_2/complete', TOKEN_A, postJson(record()))).status).toBe(409);
    expect((await api('/api/v2/jobs/job_2/start', TOKEN_A, { method: 'POST' })).status).toBe(200);
    expect((await api('/api/v2/jobs/job_2/start', TOKEN_A, { method: 'POST' })).status).toBe(409);
    const { provenance: _p, ...incomplete } = record();
    expect((await api('/api/v2/jobs/job_2/complete', TOKEN_A, postJson(incomplete))).status).toBe(422);
    expect(
      (await api('/api/v2/jobs/job_2/complete', TOKEN_A, postJson({ ...record(), tenant_id: 'tenant_b' })))
        .status,
    ).toBe(422);
    const nul = { ...record(), provenance: { ...record().provenance, compiler_version: 'qiskit\u0000' } };
    expect((await api('/api/v2/jobs/job_2/complete', TOKEN_A, postJson(nul))).status).toBe(422);
    expect((await api('/api/v2/jobs/job_2/fail', TOKEN_A, postJson({ reason: 'a\u0000b' }))).status).toBe(
      400,
    );
    const failed = await api(
      '/api/v2/jobs/job_2/fail',
      TOKEN_A,
      postJson({ reason: 'backend calibration drift' }),
    );
    expect(await failed.json()).toMatchObject({
      status: 'JobFailed',
      failure_reason: 'backend calibration drift',
    });
    const none = await api('/api/v2/jobs/job_2/evidence', TOKEN_A);
    expect(none.status).toBe(409);
    expect(await none.json()).toMatchObject({ error: 'job_failed' });
    expect((await put('job_2', 'late.txt', 'x')).status).toBe(409);
  });

  // One restart covers two things (PGlite boots are the slow part of this suite):
  // data survives a clean shutdown, and QUANTUMLOCK_URL signing works.
  it('keeps bundles across a restart; restarted with QUANTUMLOCK_URL, signs through the service', async () => {
    let signed = 0;
    const handler = createQuantumLockHandler({
      signingKeys: new Map([[KEY.keyId, KEY.secretKey]]),
      registry: keys(),
      authorize: (t) => t === 'ql-secret-token',
    });
    const quantumLock = createServer(
      toNodeListener(async (r) => {
        signed += 1;
        return handler(r);
      }),
    );
    await new Promise<void>((r) => quantumLock.listen(0, '127.0.0.1', r));
    try {
      const registry = join(dir, 'keys.json');
      await writeFile(registry, JSON.stringify(keys().toJSON()));
      const { options } = await optionsFromEnv({
        DATA_DIR: dir,
        EVIDENCE_KEYS: registry,
        QUANTUMLOCK_URL: `http://127.0.0.1:${(quantumLock.address() as AddressInfo).port}`,
        QUANTUMLOCK_KEY_ID: KEY.keyId,
        QUANTUMLOCK_TOKEN: 'ql-secret-token',
        EVIDENCE_TOKENS: `tenant_a=${TOKEN_A}`,
      });
      await srv.close();
      srv = await startServer({ ...options, port: 0, log: () => {} });
      api = client(srv.url);

      const res = await api('/api/v2/jobs/job_1/evidence', TOKEN_A);
      expect(res.status).toBe(200);
      const body = await res.json();
      expect(body.bundle_hash).toBe(evidence.bundle_hash);
      expect((await verify(body.bundle, { keys: keys() })).valid).toBe(true);
      expect((await srv.store.verifyAuditLog('tenant_a')).valid).toBe(true);

      const { bundle } = await happyPath(srv.url, 'job_ql_1');
      expect(bundle.signature.key_id).toBe(KEY.keyId);
      expect(signed).toBe(1);
    } finally {
      await new Promise((r) => quantumLock.close(r));
    }
  });
});

const PG = process.env.QSP_PG_URL;
if (!PG) console.warn('evidence-server: QSP_PG_URL is not set, skipping the PostgreSQL run');

describe.skipIf(!PG)('evidence server on PostgreSQL (QSP_PG_URL)', () => {
  const schema = `qsp_evsrv_test_${Math.random().toString(36).slice(2, 10)}`;
  let dir: string;
  let srv: EvidenceServer | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'qsp-evidence-server-pg-'));
    srv = await start(dir, { databaseUrl: PG!, schema });
  });

  afterAll(async () => {
    await srv?.close();
    const admin = pgClient(PG!);
    await admin.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`).finally(() => admin.close());
    await rm(dir, { recursive: true, force: true });
  });

  it('runs the same happy path', async () => {
    const { bundle } = await happyPath(srv!.url, 'job_pg_1');
    expect(bundle.job_id).toBe('job_pg_1');
    const other = await client(srv!.url)('/api/v2/jobs/job_pg_1/evidence', TOKEN_B);
    expect(other.status).toBe(404);
  });
});
