import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalJson } from '../src/canonical.js';
import {
  aggregate,
  createFetchHandler,
  DqsnError,
  type DqsnResponse,
  httpForwarder,
  REASON_CODES,
} from '../src/index.js';
import { createNodeHandler } from '../src/node.js';
import { request, signal, text } from './fixtures.js';

const BODY = text(request([signal('sentinel', 'ALLOW'), signal('adn', 'WARN')]));
const post = (body: BodyInit | null, init: RequestInit = {}) =>
  new Request('http://dqsn.test/aggregate', { method: 'POST', body, ...init });

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map((s) => {
      s.closeAllConnections();
      return new Promise((r) => s.close(r));
    }),
  );
});

async function listen(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server = createServer(handler);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('fetch handler', () => {
  it('answers the canonical JSON of aggregate()', async () => {
    const res = await createFetchHandler()(post(BODY));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('x-dqsn-decision')).toBe('WARN');
    expect(await res.text()).toBe(canonicalJson(aggregate(BODY)));
  });

  it('maps causes to statuses and always answers a fail-closed ERROR body', async () => {
    const handler = createFetchHandler({ maxBytes: 4096 });
    const cases: Array<[Request, number, string]> = [
      [post('{"x":1}'), 400, REASON_CODES.SCHEMA_VERSION],
      [new Request('http://dqsn.test/', { method: 'GET' }), 405, REASON_CODES.INVALID_REQUEST],
      [post('x'.repeat(5000)), 413, REASON_CODES.PAYLOAD_TOO_LARGE],
      [post(null), 400, REASON_CODES.INVALID_REQUEST],
    ];
    for (const [req, status, code] of cases) {
      const res = await handler(req);
      expect(res.status).toBe(status);
      const body = (await res.json()) as DqsnResponse;
      expect(body).toMatchObject({ decision: 'ERROR', reason_codes: [code], meta: { fail_closed: true } });
    }
  });

  it('stops reading a streamed body at the limit', async () => {
    let pulled = 0;
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += chunk.byteLength;
        if (pulled > 100 * 1024 * 1024) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const res = await createFetchHandler()(post(stream, { duplex: 'half' } as RequestInit));
    expect(res.status).toBe(413);
    expect(pulled).toBeLessThan(2 * 1024 * 1024);
  });

  it('aggregates a body trickled in one-byte chunks (more chunks than one call can take as arguments)', async () => {
    const padded = new TextEncoder().encode(BODY + ' '.repeat(200_000));
    let at = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (at === padded.length) controller.close();
        else controller.enqueue(padded.subarray(at, ++at));
      },
    });
    const res = await createFetchHandler()(post(stream, { duplex: 'half' } as RequestInit));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(canonicalJson(aggregate(BODY)));
  });

  it('forwards a valid result before answering; a failing forward answers ERROR 502', async () => {
    const seen: string[] = [];
    const ok = createFetchHandler({ forward: (_r, body) => void seen.push(body) });
    const res = await ok(post(BODY));
    expect(res.status).toBe(200);
    expect(seen).toEqual([await res.text()]);
    await ok(post('garbage'));
    expect(seen).toHaveLength(1); // invalid requests carry no signals and are not forwarded

    const failing = createFetchHandler({
      forward: async () => {
        throw new Error('downstream is gone');
      },
    });
    const bad = await failing(post(BODY));
    expect(bad.status).toBe(502);
    const body = (await bad.json()) as DqsnResponse;
    expect(body).toMatchObject({
      decision: 'ERROR',
      reason_codes: [REASON_CODES.FORWARD_FAILED],
      request_id: 'req-1',
      meta: { fail_closed: true },
    });
  });

  it('serves the v2 surface when asked, through v3 validation', async () => {
    const handler = createFetchHandler({ legacyV2: true });
    expect((await handler(post(BODY))).status).toBe(400); // a v3 request is not v2
  });

  it('rejects bad limits at creation', () => {
    expect(() => createFetchHandler({ maxBytes: -5 })).toThrow(DqsnError);
  });
});

function rawPost(
  base: string,
  body: AsyncIterable<Uint8Array> | string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const url = new URL(base);
    const req = httpRequest(
      { host: url.hostname, port: url.port, method: 'POST', path: '/', headers },
      (res: IncomingMessage) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(parts).toString('utf8') }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', () => {
      // The server closes the connection after a 413; the answer has already arrived.
    });
    if (typeof body === 'string') {
      req.end(body);
      return;
    }
    (async () => {
      for await (const chunk of body) {
        if (req.destroyed) return;
        if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
      }
      req.end();
    })().catch(() => {});
  });
}

describe('node:http handler', () => {
  it('answers like the fetch handler', async () => {
    const base = await listen(createNodeHandler());
    const r = await rawPost(base, BODY, { 'content-type': 'application/json' });
    expect(r.status).toBe(200);
    expect(r.body).toBe(canonicalJson(aggregate(BODY)));
  });

  it('answers 413 for a declared 100 MB body without reading it', async () => {
    let bytesRead = -1;
    const handler = createNodeHandler();
    const base = await listen((req, res) => {
      res.on('finish', () => {
        bytesRead = req.socket.bytesRead;
      });
      handler(req, res);
    });
    async function* hundredMegabytes() {
      const chunk = new Uint8Array(1024 * 1024).fill(0x5b);
      for (let i = 0; i < 100; i++) yield chunk;
    }
    const r = await rawPost(base, hundredMegabytes(), { 'content-length': String(100 * 1024 * 1024) });
    expect(r.status).toBe(413);
    expect(JSON.parse(r.body)).toMatchObject({
      decision: 'ERROR',
      reason_codes: [REASON_CODES.PAYLOAD_TOO_LARGE],
    });
    expect(bytesRead).toBeLessThan(8 * 1024 * 1024);
  });

  it('answers 413 for a chunked 100 MB body once it passes the limit, never buffering beyond it', async () => {
    let bytesRead = -1;
    const handler = createNodeHandler();
    const base = await listen((req, res) => {
      res.on('finish', () => {
        bytesRead = req.socket.bytesRead;
      });
      handler(req, res);
    });
    let sent = 0;
    async function* hundredMegabytes() {
      const chunk = new Uint8Array(256 * 1024).fill(0x5b);
      for (let i = 0; i < 400; i++) {
        sent += chunk.byteLength;
        yield chunk;
      }
    }
    const r = await rawPost(base, hundredMegabytes(), { 'transfer-encoding': 'chunked' });
    expect(r.status).toBe(413);
    expect(bytesRead).toBeGreaterThan(512_000);
    expect(bytesRead).toBeLessThan(8 * 1024 * 1024);
    expect(sent).toBeLessThan(100 * 1024 * 1024);
  });

  it('405 for other methods', async () => {
    const base = await listen(createNodeHandler());
    const res = await fetch(base, { method: 'GET' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('fails closed at once, not hanging, when a body parser already drained the request', async () => {
    const dqsn = createNodeHandler();
    const base = await listen((req, res) => {
      req.resume();
      req.once('end', () => dqsn(req, res));
    });
    const res = await fetch(base, { method: 'POST', body: BODY });
    expect(res.status).toBe(500);
    const body = (await res.json()) as DqsnResponse;
    expect(body).toMatchObject({
      decision: 'ERROR',
      reason_codes: [REASON_CODES.INTERNAL],
      meta: { fail_closed: true },
    });
  });

  it('lets surrounding middleware read the decision header after answering', async () => {
    const dqsn = createNodeHandler();
    const seen: unknown[] = [];
    const base = await listen((req, res) => {
      res.once('finish', () => seen.push(res.getHeader('x-dqsn-decision')));
      dqsn(req, res);
    });
    await (await fetch(base, { method: 'POST', body: BODY })).text();
    await (await fetch(base, { method: 'POST', body: '{' })).text();
    expect(seen).toEqual(['WARN', 'ERROR']);
  });
});

describe('httpForwarder', () => {
  it('POSTs the canonical body and retries 5xx a bounded number of times', async () => {
    const bodies: string[] = [];
    let calls = 0;
    const base = await listen((req, res) => {
      calls++;
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => {
        bodies.push(Buffer.concat(parts).toString('utf8'));
        res.writeHead(calls < 3 ? 503 : 204).end();
      });
    });
    const handler = createFetchHandler({ forward: httpForwarder({ url: base, retries: 2, backoffMs: 1 }) });
    const res = await handler(post(BODY));
    expect(res.status).toBe(200);
    expect(calls).toBe(3);
    expect(bodies[2]).toBe(await res.text());
  });

  it('gives up after the retries, and does not retry a 4xx', async () => {
    let calls = 0;
    let status = 503;
    const base = await listen((_req, res) => {
      calls++;
      res.writeHead(status).end();
    });
    const forward = httpForwarder({ url: base, retries: 2, backoffMs: 1 });
    const response = aggregate(BODY);
    await expect(forward(response, '{}')).rejects.toMatchObject({ code: 'FORWARD_REJECTED' });
    expect(calls).toBe(3);
    calls = 0;
    status = 400;
    await expect(forward(response, '{}')).rejects.toMatchObject({ code: 'FORWARD_REJECTED' });
    expect(calls).toBe(1);
  });

  it('times out each attempt', async () => {
    let calls = 0;
    const base = await listen(() => {
      calls++; // never answers
    });
    const forward = httpForwarder({ url: base, timeoutMs: 50, retries: 1, backoffMs: 1 });
    const started = performance.now();
    await expect(forward(aggregate(BODY), '{}')).rejects.toMatchObject({ code: 'FORWARD_TIMEOUT' });
    expect(calls).toBe(2);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('refuses bad options at creation', () => {
    expect(() => httpForwarder({ url: 'file:///etc/passwd' })).toThrow(DqsnError);
    expect(() => httpForwarder({ url: 'not a url' })).toThrow(DqsnError);
    expect(() => httpForwarder({ url: 'http://x', retries: 11 })).toThrow(DqsnError);
  });
});
