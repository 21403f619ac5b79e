// Shared by the tests: a fixed key and registry, tenant tokens, a job's
// artifacts and record, and the whole lifecycle over HTTP (happyPath).
import { createHash } from 'node:crypto';
import { type EvidenceBundle, generateKey, KeyRegistry, localSigner, verify } from '@qsp/evidence';
import { expect } from 'vitest';
import { type EvidenceServer, type ServerOptions, startServer } from '../src/server.js';

export const KEY = generateKey('ql_key_test_001', new Uint8Array(32).fill(3));
export const OTHER = generateKey('ql_key_other', new Uint8Array(32).fill(4));
export const keys = () =>
  new KeyRegistry([
    {
      keyId: KEY.keyId,
      algorithm: 'ML-DSA-65',
      publicKey: KEY.publicKey,
      notBefore: new Date('2024-01-01T00:00:00Z'),
      notAfter: new Date('2100-01-01T00:00:00Z'),
      revokedAt: null,
    },
  ]);

export const TOKEN_A = 'tenant-a-token-0123456789';
export const TOKEN_B = 'tenant-b-token-0123456789';
export const TOKEN_A_READ = 'tenant-a-readonly-0123456789';
export const TOKENS: ServerOptions['tokens'] = {
  [TOKEN_A]: {
    tenant_id: 'tenant_a',
    scopes: ['evidence:read', 'evidence:verify', 'artifacts:read', 'jobs:write'],
  },
  [TOKEN_B]: {
    tenant_id: 'tenant_b',
    scopes: ['evidence:read', 'evidence:verify', 'artifacts:read', 'jobs:write'],
  },
  [TOKEN_A_READ]: { tenant_id: 'tenant_a', scopes: ['evidence:read'] },
};

export const enc = (s: string) => new TextEncoder().encode(s);
export const ARTIFACTS: Record<string, { type: string; bytes: Uint8Array<ArrayBuffer> }> = {
  'circuit.qasm': {
    type: 'application/qasm',
    bytes: enc('OPENQASM 3.0;\nqubit[2] q;\nh q[0];\ncx q[0], q[1];\n'),
  },
  'results.json': { type: 'application/json', bytes: enc('{"counts":{"00":507,"11":493}}') },
  'run.log': { type: 'text/plain', bytes: enc('queued\nstarted\nfinished\n') },
};
export const sha256 = (b: Uint8Array) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

export const record = () => ({
  provenance: {
    git_commit: 'a1b2c3d4e5f6',
    image_digest: `sha256:${'1'.repeat(64)}`,
    config_hash: `sha256:${'2'.repeat(64)}`,
    circuit_hash: sha256(ARTIFACTS['circuit.qasm']!.bytes),
    compiler_version: 'qiskit-1.0.0',
  },
  capabilities_snapshot: {
    backend_id: 'ibm_washington',
    backend_version: '2.1.0',
    backend_provider: 'IBM Quantum',
  },
  timeline: {
    submitted_at: '2025-01-04T10:00:00Z',
    queued_at: '2025-01-04T10:00:01Z',
    started_at: '2025-01-04T10:00:05Z',
    completed_at: '2025-01-04T10:01:00Z',
  },
  cost: { estimate_usd: 0.5, final_usd: 0.48, currency: 'USD', chargeback_tags: ['project:alpha'] },
  execution: { shots_requested: 1000, shots_completed: 1000, success_rate: 0.987, status: 'completed' },
  results_summary: { result_hash: sha256(ARTIFACTS['results.json']!.bytes) },
});

export function client(base: string) {
  return (path: string, token?: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    if (token) headers.set('authorization', `Bearer ${token}`);
    return fetch(`${base}${path}`, { ...init, headers });
  };
}

export const postJson = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

export async function start(dataDir: string, extra: Partial<ServerOptions> = {}): Promise<EvidenceServer> {
  return startServer({
    port: 0,
    dataDir,
    keys: keys(),
    signer: localSigner({ keyId: KEY.keyId, secretKey: KEY.secretKey }),
    tokens: TOKENS,
    drainTimeoutMs: 5_000,
    log: () => {},
    ...extra,
  });
}

export interface Evidence {
  bundle: EvidenceBundle;
  bundle_hash: string;
}

/** Create, upload, run, complete, request evidence, poll 202 -> 200, verify offline and through the API. */
export async function happyPath(base: string, jobId: string): Promise<Evidence> {
  const api = client(base);
  const created = await api(
    '/api/v2/jobs',
    TOKEN_A,
    postJson({ job_id: jobId, backend_id: 'ibm_washington', shots_requested: 1000 }),
  );
  expect(created.status).toBe(201);
  expect(await created.json()).toMatchObject({ job_id: jobId, status: 'JobCreated' });
  for (const [name, a] of Object.entries(ARTIFACTS)) {
    const put = await api(`/api/v2/jobs/${jobId}/artifacts/${name}`, TOKEN_A, {
      method: 'PUT',
      headers: { 'content-type': a.type, 'x-content-sha256': sha256(a.bytes) },
      body: a.bytes,
    });
    expect(put.status, name).toBe(201);
    expect(await put.json()).toEqual({
      name,
      hash: sha256(a.bytes),
      size_bytes: a.bytes.length,
      content_type: a.type,
    });
  }
  expect((await api(`/api/v2/jobs/${jobId}/start`, TOKEN_A, { method: 'POST' })).status).toBe(200);
  const early = await api(`/api/v2/jobs/${jobId}/evidence`, TOKEN_A);
  expect(early.status).toBe(409);
  await early.body?.cancel();
  const done = await api(`/api/v2/jobs/${jobId}/complete`, TOKEN_A, postJson(record()));
  expect(done.status).toBe(200);
  expect(await done.json()).toMatchObject({ status: 'JobCompleted' });

  const first = await api(`/api/v2/jobs/${jobId}/evidence`, TOKEN_A);
  expect(first.status).toBe(202);
  expect(await first.json()).toMatchObject({ job_id: jobId, status: 'BundlePending' });
  let answer: Response | undefined;
  for (const deadline = Date.now() + 15_000; Date.now() < deadline; ) {
    answer = await api(`/api/v2/jobs/${jobId}/evidence`, TOKEN_A);
    if (answer.status !== 202) break;
    await answer.body?.cancel();
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(answer?.status).toBe(200);
  const body = await answer!.json();
  expect(body.manifest).toMatchObject({ job_id: jobId, signature_algorithm: 'ML-DSA-65' });
  expect(body.verification_details).toEqual({
    signature_valid: true,
    hash_matches: true,
    chain_verified: true,
  });
  const bundle = body.bundle as EvidenceBundle;
  expect(bundle.tenant_id).toBe('tenant_a');
  expect(bundle.artifacts.map((a) => a.name)).toEqual(Object.keys(ARTIFACTS));

  // Offline, with the artifacts downloaded through the API.
  const downloaded: Record<string, Uint8Array> = {};
  for (const name of Object.keys(ARTIFACTS)) {
    const res = await api(`/api/v2/jobs/${jobId}/artifacts/${name}`, TOKEN_A);
    expect(res.status).toBe(200);
    downloaded[name] = new Uint8Array(await res.arrayBuffer());
    expect(downloaded[name]).toEqual(ARTIFACTS[name]!.bytes);
  }
  // The bundle file (canonical bytes), verified offline against the registry with the downloaded artifacts.
  const file = await api(`/api/v2/jobs/${jobId}/evidence/bundle.json`, TOKEN_A);
  expect(file.status).toBe(200);
  expect(file.headers.get('x-bundle-hash')).toBe(body.bundle_hash);
  const bytes = new Uint8Array(await file.arrayBuffer());
  const report = await verify(bytes, { keys: keys(), artifacts: downloaded });
  expect(report.failed).toEqual([]);
  expect(report.valid).toBe(true);
  expect(report.bundle_hash).toBe(body.bundle_hash);
  expect(JSON.parse(new TextDecoder().decode(bytes))).toEqual(bundle);

  // And the service's own verify endpoint, which also re-hashes the stored blobs.
  const checked = await api(
    '/api/v2/evidence/verify',
    TOKEN_A,
    postJson({
      bundle_hash: body.bundle_hash,
      signature: bundle.signature.value,
      key_id: bundle.signature.key_id,
    }),
  );
  expect(checked.status).toBe(200);
  expect(await checked.json()).toMatchObject({ valid: true, failed: [] });
  return { bundle, bundle_hash: body.bundle_hash };
}
