#!/usr/bin/env node
// A tiny static server for the built page (dist/), on localhost only. It sends
// the page's own Content-Security-Policy (read from the built index.html) as a
// header too, adding frame-ancestors, which a <meta> policy cannot carry.
// Usage: node scripts/serve.mjs [--port 4173]   (PORT=0 picks a free port)
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.txt': 'text/plain; charset=utf-8',
};

export const DIST = fileURLToPath(new URL('../dist/', import.meta.url));

/** The policy in the built page's <meta http-equiv="Content-Security-Policy">. */
export async function pagePolicy(root = DIST) {
  const html = await readFile(join(root, 'index.html'), 'utf8');
  const m = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
  if (!m) throw new Error(`${join(root, 'index.html')} has no Content-Security-Policy meta tag`);
  return m[1];
}

/**
 * Serves `root` on 127.0.0.1. Resolves to { url, requests, close }.
 * @param {{ root?: string, port?: number }} [options]
 */
export async function serve({ root = DIST, port = 4173 } = {}) {
  const policy = `${await pagePolicy(root)}; frame-ancestors 'none'`;
  /** Every request received, so tests can prove what the page did (and did not) ask for. */
  const requests = [];
  const server = createServer(async (req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '' });
    const headers = {
      'Content-Security-Policy': policy,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
      'Cache-Control': 'no-cache',
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...headers, Allow: 'GET, HEAD' }).end();
      return;
    }
    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    } catch {
      res.writeHead(400, headers).end();
      return;
    }
    if (path.endsWith('/')) path += 'index.html';
    const file = normalize(join(root, path));
    if (!file.startsWith(root.endsWith(sep) ? root : root + sep) || path.includes('\0')) {
      res.writeHead(404, headers).end();
      return;
    }
    try {
      if (!(await stat(file)).isFile()) throw new Error('not a file');
      const body = await readFile(file);
      res.writeHead(200, {
        ...headers,
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Content-Length': body.length,
      });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, { ...headers, 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
    }
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const address = server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}/`;
  return {
    url,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve(undefined));
      }),
  };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === normalize(process.argv[1])) {
  const i = process.argv.indexOf('--port');
  const port = Number(i > 0 ? process.argv[i + 1] : (process.env.PORT ?? 4173));
  try {
    const { url } = await serve({ port });
    process.stdout.write(`QSP verification page: ${url}  (serving ${DIST}; Ctrl-C to stop)\n`);
  } catch (error) {
    if (error?.code === 'ENOENT')
      process.stderr.write('dist/ is missing: run `pnpm build` (or `pnpm preview`) first\n');
    else process.stderr.write(`${error?.message ?? error}\n`);
    process.exit(1);
  }
}
