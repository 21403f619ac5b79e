// The gateway example under load on loopback: p50/p99 latency and requests/s
// for 1, 16 and 64 signals, plus one malformed request shape. The gateway
// runs in its own process so the load generator does not share its event
// loop; each run is bounded in time (QSP_GATEWAY_BENCH_SECONDS, default 5).
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { writeResults } from '@qsp/bench-kit';
import autocannon from 'autocannon';
import { request, signal } from '../test/signals.js';

const SECONDS = Number(process.env.QSP_GATEWAY_BENCH_SECONDS ?? 5);
const CONNECTIONS = Number(process.env.QSP_GATEWAY_BENCH_CONNECTIONS ?? 16);
const DECISIONS = ['ALLOW', 'WARN', 'BLOCK'] as const;

function body(n: number): string {
  const signals = Array.from({ length: n }, (_, i) =>
    signal(`component-${i}`, DECISIONS[i % DECISIONS.length]!),
  );
  return JSON.stringify(request(signals, { request_id: `load-${n}` }));
}

async function startGatewayProcess(): Promise<{ child: ChildProcess; url: string }> {
  const script = fileURLToPath(new URL('../src/gateway.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  for await (const line of lines) {
    const { listening } = JSON.parse(line) as { listening?: string };
    if (listening) return { child, url: listening };
  }
  throw new Error('the gateway exited before listening');
}

interface LoadResult {
  readonly name: string;
  readonly body_bytes: number;
  readonly requests_per_s: number;
  readonly latency_ms: { readonly p50: number; readonly p99: number; readonly max: number };
  readonly non_2xx: number;
  readonly errors: number;
  readonly timeouts: number;
}

async function load(name: string, url: string, payload: string, expectStatus: number): Promise<LoadResult> {
  const r = await autocannon({
    url: `${url}/v3/aggregate`,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: payload,
    connections: CONNECTIONS,
    duration: SECONDS,
  });
  const wrongStatus = expectStatus === 200 ? r.non2xx : r['2xx'];
  if (r.errors > 0 || wrongStatus > 0) {
    throw new Error(`${name}: ${r.errors} errors, ${wrongStatus} answers with an unexpected status`);
  }
  const out: LoadResult = {
    name,
    body_bytes: Buffer.byteLength(payload),
    requests_per_s: Math.round(r.requests.average),
    latency_ms: { p50: r.latency.p50, p99: r.latency.p99, max: r.latency.max },
    non_2xx: r.non2xx,
    errors: r.errors,
    timeouts: r.timeouts,
  };
  process.stdout.write(
    `${name}: ${out.requests_per_s.toLocaleString('en-US')} req/s, p50 ${out.latency_ms.p50} ms, p99 ${out.latency_ms.p99} ms\n`,
  );
  return out;
}

const { child, url } = await startGatewayProcess();
try {
  const results: LoadResult[] = [];
  for (const n of [1, 16, 64])
    results.push(await load(`${n} signal${n === 1 ? '' : 's'}`, url, body(n), 200));
  // Fail-closed path under load: a duplicate-key attack answered 400 ERROR.
  const attack = body(1).replace('"decision":"ALLOW"', '"decision":"BLOCK","decision":"ALLOW"');
  results.push(await load('duplicate-key attack (400 ERROR)', url, attack, 400));
  writeResults('qsp-dqsn-gateway', {
    package: '@qsp/dqsn',
    what: 'examples/dqsn-gateway (src/gateway.ts) under autocannon on loopback, gateway in a separate process',
    connections: CONNECTIONS,
    seconds_per_run: SECONDS,
    results,
  });
} finally {
  child.kill('SIGTERM');
  await once(child, 'exit');
}
