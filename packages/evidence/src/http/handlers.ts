import type { Hash } from '@qsp/crypto-suite';
import { noble } from '@qsp/crypto-suite';
import { isEvidenceError } from '../errors.js';
import type { KeyRegistry } from '../keys.js';
import { chunks } from '../source.js';
import type { BlobStore } from '../store/blob-store.js';
import type { EvidenceStore, StoredBundle } from '../store/evidence-store.js';
import { type VerificationReport, verify } from '../verify.js';
import { type Authenticate, bearerToken, type Principal, type Scope } from './auth.js';
import { json, problem, readJsonBody } from './responses.js';
import type { PackagingWorker } from './worker.js';

export interface EvidenceApiOptions {
  readonly store: EvidenceStore;
  readonly blobs: BlobStore;
  readonly keys: KeyRegistry | (() => KeyRegistry | Promise<KeyRegistry>);
  readonly authenticate: Authenticate;
  readonly worker: PackagingWorker;
  /** Public origin used in download URLs (default: the request's origin). */
  readonly publicUrl?: string;
  readonly hash?: Hash;
  /** Shown as `trust_chain` in verify answers. */
  readonly trustChain?: string;
  readonly maxBodyBytes?: number;
}

const JOB_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const ROUTES: {
  method: string;
  pattern: RegExp;
  scope: Scope;
  name: 'evidence' | 'verify' | 'artifacts' | 'artifact';
}[] = [
  {
    method: 'GET',
    pattern: /^\/api\/v2\/jobs\/([^/]+)\/evidence$/,
    scope: 'evidence:read',
    name: 'evidence',
  },
  { method: 'POST', pattern: /^\/api\/v2\/evidence\/verify$/, scope: 'evidence:verify', name: 'verify' },
  {
    method: 'GET',
    pattern: /^\/api\/v2\/jobs\/([^/]+)\/artifacts$/,
    scope: 'artifacts:read',
    name: 'artifacts',
  },
  {
    method: 'GET',
    pattern: /^\/api\/v2\/jobs\/([^/]+)\/artifacts\/([^/]+)$/,
    scope: 'artifacts:read',
    name: 'artifact',
  },
];

const UNAUTHORIZED = { 'www-authenticate': 'Bearer realm="evidence"' };

/**
 * The seed's evidence API as one fetch-style handler (Request -> Response),
 * for node:http, Deno, Bun, workers or any framework. Another tenant's job
 * or bundle answers 404 (its existence is not disclosed); a token without
 * the endpoint's scope answers 403.
 */
export function createEvidenceHandler(options: EvidenceApiOptions): (request: Request) => Promise<Response> {
  const hash = options.hash ?? noble.hash('SHA-256');
  const keys = async () => (typeof options.keys === 'function' ? options.keys() : options.keys);
  const origin = (request: Request) => (options.publicUrl ?? new URL(request.url).origin).replace(/\/$/, '');

  return async (request) => {
    const url = new URL(request.url);
    const matching = ROUTES.filter((r) => r.pattern.test(url.pathname));
    if (matching.length === 0) return problem(404, 'not_found', 'no such endpoint');
    const route = matching.find((r) => r.method === request.method);
    if (!route)
      return problem(405, 'method_not_allowed', 'wrong method', {
        allow: matching.map((r) => r.method).join(', '),
      });
    const token = bearerToken(request);
    const principal = token === undefined ? undefined : await options.authenticate(token);
    if (!principal) return problem(401, 'unauthorized', 'a valid bearer token is required', UNAUTHORIZED);
    if (!principal.scopes.includes(route.scope))
      return problem(403, 'forbidden', `token lacks scope ${route.scope}`);
    const params = route.pattern
      .exec(url.pathname)!
      .slice(1)
      .map((p) => {
        try {
          return decodeURIComponent(p);
        } catch {
          return '';
        }
      });
    try {
      switch (route.name) {
        case 'evidence':
          return await getEvidence(principal, params[0]!, request);
        case 'verify':
          return await postVerify(principal, request);
        case 'artifacts':
          return await listArtifacts(principal, params[0]!, request);
        case 'artifact':
          return await getArtifact(principal, params[0]!, params[1]!);
      }
    } catch {
      return problem(500, 'internal_error', 'the evidence service failed');
    }
  };

  async function getEvidence(p: Principal, jobId: string, request: Request): Promise<Response> {
    if (!JOB_ID.test(jobId)) return problem(404, 'not_found', 'no such job');
    const job = await options.store.getJob(p.tenant_id, jobId);
    if (!job) return problem(404, 'not_found', 'no such job');
    switch (job.status) {
      case 'JobCreated':
      case 'JobRunning':
        return problem(409, 'job_not_completed', `job is ${job.status}`);
      case 'JobFailed':
        return problem(409, 'job_failed', 'a failed job has no evidence');
      case 'JobCompleted':
        try {
          await options.store.requestEvidence(p.tenant_id, jobId);
        } catch (e) {
          // A concurrent request moved the job first: it is pending either way.
          if (!isEvidenceError(e, 'ILLEGAL_TRANSITION')) throw e;
        }
        options.worker.enqueue(p.tenant_id, jobId);
        return json(202, { job_id: jobId, status: 'BundlePending', message: 'packaging in progress' });
      case 'BundlePending':
      case 'BundlePackaging':
        options.worker.enqueue(p.tenant_id, jobId);
        return json(202, { job_id: jobId, status: job.status, message: 'packaging in progress' });
      default: {
        const stored = await options.store.getBundle(p.tenant_id, jobId);
        if (!stored) return problem(404, 'not_found', 'no bundle for this job');
        return json(200, await evidenceBody(stored, request));
      }
    }
  }

  async function evidenceBody(stored: StoredBundle, request: Request) {
    const b = stored.bundle;
    const check = await verify(b, { keys: await keys(), hash });
    return {
      manifest: {
        version: b.version,
        job_id: b.job_id,
        bundle_id: b.bundle_id,
        backend: {
          id: b.capabilities_snapshot.backend_id,
          provider: b.capabilities_snapshot.backend_provider,
          version: b.capabilities_snapshot.backend_version,
        },
        execution: {
          submitted_at: b.timeline.submitted_at,
          completed_at: b.timeline.completed_at,
          shots: b.execution.shots_completed,
          status: b.execution.status,
        },
        artifacts: b.artifacts,
        merkle_root: b.merkle_root,
        signature_algorithm: b.signature.algorithm,
      },
      bundle: b,
      bundle_hash: stored.bundle_hash,
      download_url: `${origin(request)}/api/v2/jobs/${encodeURIComponent(b.job_id)}/artifacts`,
      status: stored.status,
      retention: {
        class: stored.retention_class,
        immutable: stored.immutable,
        retain_until: stored.retain_until,
      },
      verified: stored.status === 'BundleVerified',
      verification_details: {
        signature_valid:
          check.details.signature_valid &&
          check.details.key_not_revoked &&
          check.details.timestamp_within_validity,
        hash_matches: check.bundle_hash === stored.bundle_hash,
        chain_verified: check.details.merkle_root_valid,
      },
    };
  }

  async function postVerify(p: Principal, request: Request): Promise<Response> {
    const body = await readJsonBody(request, options.maxBodyBytes ?? 64 * 1024);
    if ('response' in body) return body.response;
    const v = body.value as Record<string, unknown> | null;
    if (
      v === null ||
      typeof v !== 'object' ||
      Array.isArray(v) ||
      typeof v.bundle_hash !== 'string' ||
      typeof v.signature !== 'string' ||
      typeof v.key_id !== 'string' ||
      Object.keys(v).some((k) => !['bundle_hash', 'signature', 'key_id'].includes(k))
    ) {
      return problem(400, 'invalid_request', 'expected {bundle_hash, signature, key_id} strings');
    }
    const stored = await options.store.findBundleByHash(p.tenant_id, v.bundle_hash);
    if (!stored) return problem(404, 'not_found', 'no bundle with this hash');
    const rows = await options.store.listArtifacts(p.tenant_id, stored.bundle.job_id);
    const report: VerificationReport = await verify(stored.bundle, {
      keys: await keys(),
      hash,
      expected: { bundle_hash: v.bundle_hash, signature: v.signature, key_id: v.key_id },
      artifacts: async (a) => {
        const row = rows.find((r) => r.name === a.name);
        return row ? options.blobs.get(row.hash) : undefined;
      },
    });
    await options.store.recordVerification(p.tenant_id, stored.bundle.bundle_id, report.valid);
    return json(200, {
      valid: report.valid,
      verified_at: report.verified_at,
      verification_method: report.verification_method,
      trust_chain: options.trustChain ?? 'Key registry -> Evidence Signing Key',
      details: {
        bundle_hash_verified: report.details.bundle_hash_verified,
        signature_valid: report.details.signature_valid,
        key_not_revoked: report.details.key_not_revoked,
        timestamp_within_validity: report.details.timestamp_within_validity,
        merkle_root_valid: report.details.merkle_root_valid,
        artifacts: report.details.artifacts,
      },
      checks: report.checks,
      failed: report.failed,
    });
  }

  async function listArtifacts(p: Principal, jobId: string, request: Request): Promise<Response> {
    if (!JOB_ID.test(jobId)) return problem(404, 'not_found', 'no such job');
    const job = await options.store.getJob(p.tenant_id, jobId);
    if (!job) return problem(404, 'not_found', 'no such job');
    const rows = await options.store.listArtifacts(p.tenant_id, jobId);
    const base = `${origin(request)}/api/v2/jobs/${encodeURIComponent(jobId)}/artifacts`;
    return json(200, {
      job_id: jobId,
      artifacts: rows.map((r) => ({
        name: r.name,
        hash: r.hash,
        size_bytes: r.size_bytes,
        content_type: r.content_type,
        download_url: `${base}/${encodeURIComponent(r.name)}`,
      })),
      total_size_bytes: rows.reduce((n, r) => n + r.size_bytes, 0),
    });
  }

  async function getArtifact(p: Principal, jobId: string, name: string): Promise<Response> {
    if (!JOB_ID.test(jobId)) return problem(404, 'not_found', 'no such artifact');
    const row = (await options.store.listArtifacts(p.tenant_id, jobId)).find((r) => r.name === name);
    const source = row && (await options.blobs.get(row.hash));
    if (!row || source === undefined) return problem(404, 'not_found', 'no such artifact');
    const iterator = chunks(source)[Symbol.asyncIterator]();
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await iterator.next();
        if (done) controller.close();
        else controller.enqueue(value);
      },
      async cancel() {
        await iterator.return?.();
      },
    });
    return new Response(stream, {
      status: 200,
      headers: {
        'content-type': row.content_type,
        'content-length': String(row.size_bytes),
        'x-content-sha256': row.hash,
        'cache-control': 'no-store',
      },
    });
  }
}
