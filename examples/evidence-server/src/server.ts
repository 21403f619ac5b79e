// A small evidence service: @qsp/evidence's HTTP API (evidence, verify,
// artifacts) plus job ingestion, behind node:http, on PGlite or PostgreSQL.
// `pnpm start` (tsx src/server.ts) configures it from the environment (see
// config.ts and the README) and prints one JSON line once it listens.
//
// Routes: GET /healthz; POST /api/v2/jobs; GET /api/v2/jobs/{id};
// PUT /api/v2/jobs/{id}/artifacts/{name}; POST /api/v2/jobs/{id}/start|complete|fail;
// GET /api/v2/jobs/{id}/evidence (202 while packaging, then 200);
// POST /api/v2/evidence/verify; GET /api/v2/jobs/{id}/artifacts[/{name}].
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { KeyRegistry, Signer } from '@qsp/evidence';
import { createEvidenceHandler, PackagingWorker } from '@qsp/evidence/http';
import { nodeSha256, toNodeListener } from '@qsp/evidence/node';
import { EvidenceStore, fsBlobStore, pgClient, pgliteClient, type Retention } from '@qsp/evidence/store';
import { createIngestHandler } from './ingest.js';
import { type TenantToken, tokenTable } from './tokens.js';

export interface ServerOptions {
  readonly port?: number;
  readonly host?: string;
  /** Blobs live in `dataDir/blobs`; without `databaseUrl`, PGlite in `dataDir/pglite`. */
  readonly dataDir: string;
  /** A PostgreSQL server (through `pg`) instead of PGlite. */
  readonly databaseUrl?: string;
  /** PostgreSQL schema for the tables (default qsp_evidence). */
  readonly schema?: string;
  readonly keys: KeyRegistry;
  readonly signer: Signer;
  /** Bearer token -> tenant and scopes. */
  readonly tokens: Readonly<Record<string, TenantToken>>;
  /** Retention class of every new bundle (default standard). */
  readonly retention?: Retention;
  readonly publicUrl?: string;
  /** Largest artifact upload (default 1 GiB). */
  readonly maxArtifactBytes?: number;
  /** How long close() waits for packaging in progress (default 10 s); an unfinished job resumes at the next start. */
  readonly drainTimeoutMs?: number;
  /** One structured event per line (default: JSON on stderr). */
  readonly log?: (event: Record<string, unknown>) => void;
}

export interface EvidenceServer {
  readonly url: string;
  readonly server: Server;
  readonly store: EvidenceStore;
  readonly worker: PackagingWorker;
  /** Stops accepting, lets requests and packaging finish (bounded), closes the database. */
  close(): Promise<void>;
}

const stderrLog = (event: Record<string, unknown>) => process.stderr.write(`${JSON.stringify(event)}\n`);

const timeout = (ms: number) =>
  new Promise<'timeout'>((r) => {
    setTimeout(() => r('timeout'), ms).unref();
  });

/** Opens the store, resumes interrupted packaging and listens; resolves once listening. */
export async function startServer(options: ServerOptions): Promise<EvidenceServer> {
  const log = options.log ?? stderrLog;
  if (!options.keys.get(options.signer.keyId))
    throw new Error(`signing key ${options.signer.keyId} is not in the key registry`);
  const tokens = tokenTable(options.tokens);
  const client = options.databaseUrl
    ? pgClient(options.databaseUrl)
    : await pgliteClient(join(options.dataDir, 'pglite'));
  let store: EvidenceStore;
  try {
    store = await EvidenceStore.open(client, options.schema === undefined ? {} : { schema: options.schema });
  } catch (e) {
    await client.close().catch(() => {});
    throw e;
  }
  const blobs = fsBlobStore(join(options.dataDir, 'blobs'));
  const hash = nodeSha256();
  const worker = new PackagingWorker({
    store,
    blobs,
    signer: options.signer,
    hash,
    retention: () => options.retention ?? { class: 'standard' },
    onError: (tenant, jobId, error) =>
      log({
        event: 'packaging_failed',
        tenant_id: tenant,
        job_id: jobId,
        error: String((error as Error)?.message ?? error),
      }),
  });
  const evidence = createEvidenceHandler({
    store,
    blobs,
    keys: options.keys,
    worker,
    hash,
    authenticate: tokens.authenticate,
    ...(options.publicUrl === undefined ? {} : { publicUrl: options.publicUrl }),
  });
  const ingest = createIngestHandler({
    store,
    blobs,
    tokens,
    maxArtifactBytes: options.maxArtifactBytes ?? 2 ** 30,
  });

  const server = createServer(
    toNodeListener(async (request) => {
      const path = new URL(request.url).pathname;
      if (path === '/healthz' && request.method === 'GET')
        return new Response('{"ok":true}\n', { headers: { 'content-type': 'application/json' } });
      return (await ingest(request)) ?? (await evidence(request));
    }),
  );
  // Slow clients cannot hold a socket with half a header; uploads get the default request timeout.
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 8080, options.host ?? '127.0.0.1', () => resolve());
    });
  } catch (e) {
    await store.close().catch(() => {});
    throw e;
  }
  // Jobs a previous process left pending or half-packaged.
  try {
    const resumed = await worker.resume();
    if (resumed > 0) log({ event: 'packaging_resumed', jobs: resumed });
  } catch (e) {
    await new Promise((r) => server.close(r));
    await store.close().catch(() => {});
    throw e;
  }

  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}`,
    server,
    store,
    worker,
    close: () => {
      closing ??= (async () => {
        const drain = options.drainTimeoutMs ?? 10_000;
        const closed = new Promise<void>((r) => server.close(() => r()));
        server.closeIdleConnections();
        if ((await Promise.race([closed, timeout(drain)])) === 'timeout') server.closeAllConnections();
        if ((await Promise.race([worker.idle(), timeout(drain)])) === 'timeout')
          log({ event: 'packaging_interrupted', note: 'resumes at the next start' });
        await store.close();
      })();
      return closing;
    },
  };
}

// Run as a process (not when a test imports it).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { optionsFromEnv } = await import('./config.js');
  try {
    const { options, dev } = await optionsFromEnv();
    const running = await startServer(options);
    const line: Record<string, unknown> = {
      listening: running.url,
      store: options.databaseUrl
        ? `postgres (schema ${running.store.schema})`
        : `pglite:${join(options.dataDir, 'pglite')}`,
      blobs: join(options.dataDir, 'blobs'),
      key_id: options.signer.keyId,
    };
    if (Object.keys(dev).length > 0) line.dev = dev;
    process.stdout.write(`${JSON.stringify(line)}\n`);
    let stopping = false;
    const stop = (signal: string) => {
      // A second signal does not wait.
      if (stopping) process.exit(1);
      stopping = true;
      stderrLog({ event: 'stopping', signal });
      running.close().then(
        () => process.exit(0),
        (e) => {
          stderrLog({ event: 'stop_failed', error: String(e) });
          process.exit(1);
        },
      );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  } catch (e) {
    stderrLog({ event: 'start_failed', error: String((e as Error)?.message ?? e) });
    process.exit(1);
  }
}
