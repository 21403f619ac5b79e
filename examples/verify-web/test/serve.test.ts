// The local server: the page's CSP as a header, nothing outside dist/, GET only.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundleGuard, forbiddenModules } from '../build/bundle-guard.js';
import { type Served, serve } from '../scripts/serve.mjs';

const POLICY = "default-src 'none'; connect-src 'none'";

/** A raw request, so the path reaches the server exactly as written (no client-side normalisation). */
function raw(url: string, path: string, method = 'GET') {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: string }>(
    (resolve, reject) => {
      const u = new URL(url);
      const req = request({ host: u.hostname, port: u.port, path, method }, (res) => {
        let body = '';
        res.on('data', (c) => {
          body += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      });
      req.on('error', reject);
      req.end();
    },
  );
}

describe('scripts/serve.mjs', () => {
  let root: string;
  let server: Served;
  beforeAll(async () => {
    const base = mkdtempSync(join(tmpdir(), 'qsp-serve-'));
    root = join(base, 'dist');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(
      join(root, 'index.html'),
      `<meta http-equiv="Content-Security-Policy" content="${POLICY}">`,
    );
    writeFileSync(join(root, 'assets', 'a.js'), 'export {};');
    writeFileSync(join(base, 'secret.txt'), 'outside');
    server = await serve({ root, port: 0 });
  });
  afterAll(async () => {
    await server.close();
    rmSync(join(root, '..'), { recursive: true, force: true });
  });

  it('serves the page with its own CSP as a header, plus frame-ancestors', async () => {
    const r = await raw(server.url, '/');
    expect(r.status).toBe(200);
    expect(r.headers['content-security-policy']).toBe(`${POLICY}; frame-ancestors 'none'`);
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect((await raw(server.url, '/assets/a.js')).headers['content-type']).toMatch(/^text\/javascript/);
  });

  it('never serves a file outside its folder', async () => {
    for (const path of [
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/%2e%2e/secret.txt',
      '/..%2fsecret.txt',
      '/%00',
    ]) {
      const r = await raw(server.url, path);
      expect(r.status, path).toBeGreaterThanOrEqual(400);
      expect(r.body).not.toContain('outside');
    }
  });

  it('answers only GET and HEAD', async () => {
    expect((await raw(server.url, '/', 'POST')).status).toBe(405);
    expect((await raw(server.url, '/', 'HEAD')).status).toBe(200);
    expect(server.requests.some((r) => r.method === 'POST')).toBe(true);
  });
});

describe('the bundle guard', () => {
  it('names the modules a browser page must not carry', () => {
    const ids = [
      '/work/main/packages/crypto-suite/src/noble/engine.ts',
      '/work/main/packages/crypto-suite/src/node/pq.ts',
      '/work/main/packages/crypto-suite/dist/node.js',
      '__vite-browser-external:node:crypto',
      '/x/node_modules/ajv/dist/compile/index.js',
      '/x/node_modules/ajv/dist/runtime/ucs2length.js',
    ];
    expect(forbiddenModules(ids)).toEqual(ids.slice(1, 5));
  });
});

describe('the size budget', () => {
  const NOBLE = '/w/packages/crypto-suite/src/noble/engine.ts';
  const chunk = (code: string, modules: string[] = [NOBLE], dynamicImports: string[] = []) => ({
    type: 'chunk' as const,
    fileName: 'assets/index.js',
    code,
    modules: Object.fromEntries(modules.map((m) => [m, {}])),
    dynamicImports,
  });
  /** Runs the guard's writeBundle over a fake bundle; resolves to the error it raised, or undefined. */
  function run(files: Record<string, unknown>, jsGzipBytes = 1024): string | undefined {
    const dir = mkdtempSync(join(tmpdir(), 'qsp-guard-'));
    const plugin = bundleGuard({ jsGzipBytes, cssGzipBytes: 1024, reportFile: join(dir, 'size.json') });
    const context = {
      error(message: string): never {
        throw new Error(message);
      },
      info() {},
    };
    const hook = plugin.writeBundle as unknown as (this: typeof context, o: unknown, b: unknown) => void;
    const log = console.log;
    console.log = () => {};
    try {
      hook.call(context, {}, files);
      return undefined;
    } catch (error) {
      return (error as Error).message;
    } finally {
      console.log = log;
      rmSync(dir, { recursive: true, force: true });
    }
  }
  // Incompressible bytes, so the gzip size is about the raw size.
  const noise = (n: number) =>
    Array.from({ length: n }, (_, i) => ((i * 2654435761) >>> 0).toString(36)).join('');

  it('passes a page within budget and fails one over it', () => {
    expect(run({ a: chunk('export const a = 1;') })).toBeUndefined();
    expect(run({ a: chunk(noise(2000)) })).toMatch(/over budget/);
  });

  it('fails on eval, lazy chunks, a second chunk, the node engine, or a missing noble engine', () => {
    expect(run({ a: chunk('new Function("x")') })).toMatch(/eval/);
    expect(run({ a: chunk('1', [NOBLE], ['lazy.js']) })).toMatch(/lazily/);
    expect(run({ a: chunk('1'), b: { ...chunk('2'), fileName: 'b.js' } })).toMatch(/one JavaScript chunk/);
    expect(run({ a: chunk('1', [NOBLE, '/w/packages/crypto-suite/src/node/pq.ts']) })).toMatch(/must not be/);
    expect(run({ a: chunk('1', []) })).toMatch(/noble engine/);
  });
});
