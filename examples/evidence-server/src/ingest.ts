// The job platform's side, which the seed leaves to the caller: create a job,
// upload its artifacts, report it running, completed (with its job record) or
// failed. Fetch-style like the evidence handler; answers undefined for paths
// that are not its own so the evidence API can take them.
import { ARTIFACT_NAME_PATTERN, isEvidenceError, type JobRecord, serializeBundle } from '@qsp/evidence';
import { bearerToken } from '@qsp/evidence/http';
import type { BlobStore, EvidenceStore, NewJob } from '@qsp/evidence/store';
import type { ServerPrincipal, ServerScope, TokenTable } from './tokens.js';

export interface IngestOptions {
  readonly store: EvidenceStore;
  readonly blobs: BlobStore;
  readonly tokens: TokenTable;
  /** Largest artifact upload in bytes. */
  readonly maxArtifactBytes: number;
  /** Largest JSON body (job, job record) in bytes. */
  readonly maxJsonBytes?: number;
}

const JOB_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;
const NAME = new RegExp(ARTIFACT_NAME_PATTERN, 'u');
const CONTENT_TYPE = /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/i;
const DIGEST = /^sha256:[0-9a-f]{64}$/;

type Route =
  | { name: 'create'; method: 'POST'; scope: ServerScope }
  | { name: 'status' | 'bundle'; method: 'GET'; scope: ServerScope; jobId: string }
  | { name: 'upload'; method: 'PUT'; scope: ServerScope; jobId: string; artifact: string }
  | { name: 'start' | 'complete' | 'fail'; method: 'POST'; scope: ServerScope; jobId: string };

function decode(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

/** The ingestion route a path and method belong to; undefined leaves the request to the evidence API. */
function route(method: string, path: string): Route | 'bad_id' | undefined {
  if (path === '/api/v2/jobs')
    return method === 'POST' ? { name: 'create', method, scope: 'jobs:write' } : undefined;
  const m =
    /^\/api\/v2\/jobs\/([^/]+)(?:\/(start|complete|fail|evidence\/bundle\.json)|\/artifacts\/([^/]+))?$/.exec(
      path,
    );
  if (!m) return undefined;
  const jobId = decode(m[1]!);
  if (m[2] === 'evidence/bundle.json') {
    if (method !== 'GET') return undefined;
    return jobId === undefined ? 'bad_id' : { name: 'bundle', method, scope: 'evidence:read', jobId };
  }
  if (m[2] === undefined && m[3] === undefined) {
    if (method !== 'GET') return undefined;
    return jobId === undefined ? 'bad_id' : { name: 'status', method, scope: 'evidence:read', jobId };
  }
  if (m[2] !== undefined) {
    if (method !== 'POST') return undefined;
    if (jobId === undefined) return 'bad_id';
    return { name: m[2] as 'start' | 'complete' | 'fail', method, scope: 'jobs:write', jobId };
  }
  // GET of an artifact is the evidence API's; PUT uploads one.
  if (method !== 'PUT') return undefined;
  const artifact = decode(m[3]!);
  if (jobId === undefined || artifact === undefined) return 'bad_id';
  return { name: 'upload', method, scope: 'jobs:write', jobId, artifact };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });
}

const problem = (status: number, error: string, message: string, headers?: Record<string, string>) =>
  json(status, { error, message }, headers);

/** Maps the store's typed errors to answers; anything else is the caller's 500. */
function storeProblem(e: unknown): Response {
  if (isEvidenceError(e, 'NOT_FOUND')) return problem(404, 'not_found', 'no such job');
  if (isEvidenceError(e, 'ILLEGAL_TRANSITION')) return problem(409, 'illegal_transition', e.message);
  if (isEvidenceError(e, 'CONFLICT')) return problem(409, 'conflict', 'already exists');
  if (isEvidenceError(e, 'INVALID_BUNDLE') || isEvidenceError(e, 'INVALID_ARGUMENT'))
    return problem(422, 'invalid_job_record', e.message);
  throw e;
}

class TooLarge extends Error {}

/** The body's bytes, failing with TooLarge beyond `limit` (a lying Content-Length cannot get past it). */
async function* limited(body: ReadableStream<Uint8Array> | null, limit: number): AsyncGenerator<Uint8Array> {
  if (!body) return;
  const reader = body.getReader();
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      size += value.length;
      if (size > limit) throw new TooLarge();
      yield value;
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

async function readJson(
  request: Request,
  limit: number,
): Promise<{ value: unknown } | { response: Response }> {
  if (!/^application\/json\b/i.test(request.headers.get('content-type') ?? ''))
    return { response: problem(415, 'unsupported_media_type', 'send application/json') };
  const parts: Uint8Array[] = [];
  try {
    for await (const c of limited(request.body, limit)) parts.push(c);
  } catch (e) {
    if (e instanceof TooLarge)
      return { response: problem(413, 'payload_too_large', `body above ${limit} bytes`) };
    throw e;
  }
  try {
    return { value: JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(parts))) };
  } catch {
    return { response: problem(400, 'malformed_json', 'the body is not valid UTF-8 JSON') };
  }
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;
const NEW_JOB_FIELDS = ['job_id', 'backend_id', 'shots_requested', 'submitted_at', 'cost_estimate'];

/** The body of POST /api/v2/jobs, checked so that nothing reaches the database that it would refuse. */
function parseNewJob(v: unknown): NewJob | undefined {
  if (!isObject(v) || Object.keys(v).some((k) => !NEW_JOB_FIELDS.includes(k))) return undefined;
  const { job_id, backend_id, shots_requested, submitted_at, cost_estimate } = v;
  if (typeof job_id !== 'string' || !JOB_ID.test(job_id)) return undefined;
  if (typeof backend_id !== 'string' || !/^\P{Cc}{1,100}$/u.test(backend_id)) return undefined;
  const shotsOk =
    shots_requested === undefined ||
    (Number.isInteger(shots_requested) &&
      (shots_requested as number) >= 0 &&
      (shots_requested as number) < 2 ** 31);
  const submittedOk =
    submitted_at === undefined ||
    (typeof submitted_at === 'string' &&
      RFC3339.test(submitted_at) &&
      !Number.isNaN(Date.parse(submitted_at)));
  // NUMERIC(10, 4) in the jobs table.
  const costOk =
    cost_estimate === undefined ||
    (typeof cost_estimate === 'number' && cost_estimate >= 0 && cost_estimate < 1e6);
  if (!shotsOk || !submittedOk || !costOk) return undefined;
  return {
    job_id,
    backend_id,
    ...(shots_requested === undefined ? {} : { shots_requested: shots_requested as number }),
    ...(submitted_at === undefined ? {} : { submitted_at: submitted_at as string }),
    ...(cost_estimate === undefined ? {} : { cost_estimate: cost_estimate as number }),
  };
}

export function createIngestHandler(
  options: IngestOptions,
): (request: Request) => Promise<Response | undefined> {
  const { store, blobs } = options;
  const maxJson = options.maxJsonBytes ?? 256 * 1024;

  return async (request) => {
    const r = route(request.method, new URL(request.url).pathname);
    if (r === undefined) return undefined;
    const token = bearerToken(request);
    const principal = token === undefined ? undefined : options.tokens.lookup(token);
    if (!principal)
      return problem(401, 'unauthorized', 'a valid bearer token is required', {
        'www-authenticate': 'Bearer realm="evidence"',
      });
    if (r === 'bad_id') return problem(404, 'not_found', 'no such job');
    if (!principal.scopes.includes(r.scope)) return problem(403, 'forbidden', `token lacks scope ${r.scope}`);
    if (r.name !== 'create' && !JOB_ID.test(r.jobId)) return problem(404, 'not_found', 'no such job');
    try {
      switch (r.name) {
        case 'create':
          return await create(principal, request);
        case 'status':
          return await status(principal, r.jobId);
        case 'bundle':
          return await bundleFile(principal, r.jobId);
        case 'start':
          await store.advance(principal.tenant_id, r.jobId, 'JobRunning');
          return await status(principal, r.jobId);
        case 'complete':
          return await complete(principal, r.jobId, request);
        case 'fail':
          return await fail(principal, r.jobId, request);
        case 'upload':
          return await upload(principal, r.jobId, r.artifact, request);
      }
    } catch (e) {
      return storeProblem(e);
    }
  };

  async function create(p: ServerPrincipal, request: Request): Promise<Response> {
    const body = await readJson(request, maxJson);
    if ('response' in body) return body.response;
    const job = parseNewJob(body.value);
    if (!job)
      return problem(
        400,
        'invalid_request',
        'expected {job_id, backend_id, shots_requested?, submitted_at? (RFC 3339), cost_estimate?}',
      );
    const row = await store.createJob(p.tenant_id, job);
    return json(201, { job_id: row.job_id, status: row.status, created_at: row.created_at });
  }

  async function status(p: ServerPrincipal, jobId: string): Promise<Response> {
    const job = await store.getJob(p.tenant_id, jobId);
    if (!job) return problem(404, 'not_found', 'no such job');
    const artifacts = await store.listArtifacts(p.tenant_id, jobId);
    return json(200, {
      job_id: job.job_id,
      backend_id: job.backend_id,
      status: job.status,
      created_at: job.created_at,
      failure_reason: job.failure_reason,
      artifacts: artifacts.map((a) => ({ name: a.name, hash: a.hash, size_bytes: a.size_bytes })),
    });
  }

  /**
   * The bundle file itself: canonical JSON (RFC 8785) and one LF, byte for
   * byte what `qsp-evidence verify` and `verify()` check, including the
   * canonical_form check that a re-serialised JSON answer would fail.
   */
  async function bundleFile(p: ServerPrincipal, jobId: string): Promise<Response> {
    const stored = await store.getBundle(p.tenant_id, jobId);
    if (!stored)
      return problem(404, 'not_found', 'no bundle for this job (yet): GET …/evidence requests one');
    return new Response(serializeBundle(stored.bundle) as Uint8Array<ArrayBuffer>, {
      status: 200,
      headers: {
        'content-type': 'application/json',
        // bundle_id comes from the job record: keep only safe characters in a header.
        'content-disposition': `attachment; filename="${stored.bundle.bundle_id.replace(/[^A-Za-z0-9._-]/g, '_')}.json"`,
        'x-bundle-hash': stored.bundle_hash,
        'cache-control': 'no-store',
      },
    });
  }

  async function complete(p: ServerPrincipal, jobId: string, request: Request): Promise<Response> {
    const body = await readJson(request, maxJson);
    if ('response' in body) return body.response;
    const v = body.value;
    if (!isObject(v))
      return problem(
        400,
        'invalid_request',
        'expected the job record (bundle v1.0 without artifacts, merkle_root, signature)',
      );
    // The path and the token name the job and tenant; a record naming others is refused, not rewritten.
    if (
      (v.job_id !== undefined && v.job_id !== jobId) ||
      (v.tenant_id !== undefined && v.tenant_id !== p.tenant_id)
    )
      return problem(422, 'invalid_job_record', 'the record names another job or tenant');
    // PostgreSQL's JSONB cannot hold U+0000: refuse it here rather than fail in the database.
    if (JSON.stringify(v).includes('\\u0000'))
      return problem(422, 'invalid_job_record', 'the record contains U+0000');
    const record = { ...v, job_id: jobId, tenant_id: p.tenant_id } as unknown as JobRecord;
    await store.completeJob(p.tenant_id, jobId, record);
    return status(p, jobId);
  }

  async function fail(p: ServerPrincipal, jobId: string, request: Request): Promise<Response> {
    const body = await readJson(request, maxJson);
    if ('response' in body) return body.response;
    const v = body.value;
    if (!isObject(v) || typeof v.reason !== 'string' || !/^[^\p{Cc}]{1,4096}$/u.test(v.reason))
      return problem(400, 'invalid_request', 'expected {reason}: 1-4096 characters, no control characters');
    await store.failJob(p.tenant_id, jobId, v.reason);
    return status(p, jobId);
  }

  async function upload(
    p: ServerPrincipal,
    jobId: string,
    name: string,
    request: Request,
  ): Promise<Response> {
    if (!NAME.test(name)) return problem(400, 'invalid_artifact_name', 'not a plain file name');
    const contentType = (request.headers.get('content-type') ?? 'application/octet-stream')
      .split(';', 1)[0]!
      .trim();
    if (!CONTENT_TYPE.test(contentType) || contentType.length > 255)
      return problem(400, 'invalid_content_type', 'content-type must be type/subtype');
    const expected = request.headers.get('x-content-sha256');
    if (expected !== null && !DIGEST.test(expected))
      return problem(400, 'invalid_request', 'x-content-sha256 must be sha256:<64 lowercase hex>');
    const declared = Number(request.headers.get('content-length') ?? '0');
    if (declared > options.maxArtifactBytes)
      return problem(413, 'payload_too_large', `artifact above ${options.maxArtifactBytes} bytes`);
    // Check before storing bytes: another tenant's job (or none) gets 404 without touching the blob store.
    const job = await store.getJob(p.tenant_id, jobId);
    if (!job) return problem(404, 'not_found', 'no such job');
    if (!['JobCreated', 'JobRunning', 'JobCompleted'].includes(job.status))
      return problem(409, 'illegal_transition', `job is ${job.status}: its artifact list is closed`);
    let tooLarge = false;
    const source = (async function* () {
      try {
        yield* limited(request.body, options.maxArtifactBytes);
      } catch (e) {
        if (e instanceof TooLarge) tooLarge = true;
        throw e;
      }
    })();
    let blob: Awaited<ReturnType<BlobStore['put']>>;
    try {
      blob = await blobs.put(source);
    } catch (e) {
      if (tooLarge)
        return problem(413, 'payload_too_large', `artifact above ${options.maxArtifactBytes} bytes`);
      if (isEvidenceError(e, 'ARTIFACT_READ_FAILED'))
        return problem(400, 'upload_failed', 'the upload did not complete');
      throw e;
    }
    // Content-addressed: a mismatching upload leaves at most an unreferenced blob, never a registered artifact.
    if (expected !== null && expected !== blob.hash)
      return problem(422, 'hash_mismatch', `received ${blob.hash}, expected ${expected}`);
    await store.addArtifact(p.tenant_id, jobId, {
      name,
      hash: blob.hash,
      size_bytes: blob.sizeBytes,
      content_type: contentType,
      storage_uri: blob.uri,
    });
    return json(201, { name, hash: blob.hash, size_bytes: blob.sizeBytes, content_type: contentType });
  }
}
