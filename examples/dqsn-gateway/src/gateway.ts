// A small DQSN gateway process: @qsp/dqsn behind node:http, configured from
// the environment. Run it with `pnpm gateway` (or `node --import tsx
// examples/gateway.ts`) and POST Shield Contract v3 requests to
// /v3/aggregate. It prints one JSON line with its URL once it listens.
//
//   PORT, HOST                  listen address (default 127.0.0.1:8787; PORT=0 picks one)
//   DQSN_MAX_BYTES              byte limit (default 512000)
//   DQSN_MAX_SIGNALS            signals per request (default 64)
//   DQSN_MAX_DEPTH              nesting depth (default 32)
//   DQSN_MAX_STRING_LENGTH      longest string (default 8192)
//   DQSN_FORWARD_URL            POST every aggregate there before answering (optional)
//   DQSN_FORWARD_TIMEOUT_MS     per attempt (default 2000)
//   DQSN_FORWARD_RETRIES        extra attempts on 5xx/429/network errors (default 2)
//
// Routes: POST /v3/aggregate, POST /v2/aggregate (legacy, validated as v3),
// GET /healthz (the configuration fingerprint), GET /metrics (Prometheus
// text: answers by route, status and decision). Anything else is 404.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { createAggregator, type DqsnConfig, type ForwardHook, httpForwarder } from '@qsp/dqsn';
import { createNodeHandler } from '@qsp/dqsn/node';

export interface GatewayOptions {
  readonly port?: number;
  readonly host?: string;
  readonly limits?: DqsnConfig;
  readonly forward?: ForwardHook;
}

export interface Gateway {
  readonly server: Server;
  readonly url: string;
  close(): Promise<void>;
}

function intFromEnv(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+$/.test(raw))
    throw new Error(`${name} must be a non-negative integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

/** Limits and forwarding from the environment; bad values stop the process before it listens. */
export function optionsFromEnv(): GatewayOptions {
  const limits: { -readonly [K in keyof DqsnConfig]: DqsnConfig[K] } = {};
  const set = (key: keyof DqsnConfig, env: string) => {
    const v = intFromEnv(env);
    if (v !== undefined) limits[key] = v;
  };
  set('maxBytes', 'DQSN_MAX_BYTES');
  set('maxSignals', 'DQSN_MAX_SIGNALS');
  set('maxDepth', 'DQSN_MAX_DEPTH');
  set('maxStringLength', 'DQSN_MAX_STRING_LENGTH');
  const forwardUrl = process.env.DQSN_FORWARD_URL;
  const timeoutMs = intFromEnv('DQSN_FORWARD_TIMEOUT_MS');
  const retries = intFromEnv('DQSN_FORWARD_RETRIES');
  return {
    port: intFromEnv('PORT') ?? 8787,
    host: process.env.HOST || '127.0.0.1',
    limits,
    ...(forwardUrl
      ? {
          forward: httpForwarder({
            url: forwardUrl,
            ...(timeoutMs === undefined ? {} : { timeoutMs }),
            ...(retries === undefined ? {} : { retries }),
          }),
        }
      : {}),
  };
}

/** Starts the gateway; resolves once it listens. */
export async function startGateway(options: GatewayOptions = {}): Promise<Gateway> {
  const limits = options.limits ?? {};
  // Throws DqsnError('CONFIG_INVALID') here, at start-up, for bad limits.
  const fingerprint = createAggregator(limits).config.fingerprint;
  const forward = options.forward === undefined ? {} : { forward: options.forward };
  const v3 = createNodeHandler({ ...limits, ...forward });
  const v2 = createNodeHandler({ ...limits, ...forward, legacyV2: true });
  const counts = new Map<string, number>();

  const count = (route: string, res: ServerResponse) => {
    const decision = String(res.getHeader('x-dqsn-decision') ?? 'none');
    const key = `route="${route}",status="${res.statusCode}",decision="${decision}"`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  };

  const plain = (res: ServerResponse, status: number, type: string, body: string) => {
    res.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
    res.end(body);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '').split('?', 1)[0];
    if (path === '/v3/aggregate' || path === '/v2/aggregate') {
      res.once('finish', () => count(path, res));
      (path === '/v3/aggregate' ? v3 : v2)(req, res);
      return;
    }
    // Nothing else reads a body: drop it rather than buffer it.
    req.resume();
    if (req.method === 'GET' && path === '/healthz') {
      plain(res, 200, 'application/json', `${JSON.stringify({ ok: true, fingerprint })}\n`);
    } else if (req.method === 'GET' && path === '/metrics') {
      const lines = [...counts].sort().map(([labels, n]) => `dqsn_answers_total{${labels}} ${n}`);
      plain(
        res,
        200,
        'text/plain; version=0.0.4',
        `# TYPE dqsn_answers_total counter\n${lines.join('\n')}\n`,
      );
    } else {
      plain(res, 404, 'application/json', '{"error":"not found"}\n');
    }
  });
  // Slow or idle clients cannot hold sockets open for long.
  server.requestTimeout = 10_000;
  server.headersTimeout = 5_000;
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8787, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;
  const host = address.includes(':') ? `[${address}]` : address;
  return {
    server,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}

// Run as a process (not when imported by the benchmark or a test).
if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const gateway = await startGateway(optionsFromEnv());
  process.stdout.write(`${JSON.stringify({ listening: gateway.url })}\n`);
  const stop = () => {
    gateway.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
