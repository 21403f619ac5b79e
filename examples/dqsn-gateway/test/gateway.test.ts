import type { DqsnResponse } from '@qsp/dqsn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Gateway, startGateway } from '../src/gateway.js';
import { request, signal, text } from './signals.js';

let gateway: Gateway;
const forwarded: DqsnResponse[] = [];

beforeAll(async () => {
  gateway = await startGateway({
    port: 0,
    limits: { maxSignals: 8 },
    forward: (response) => {
      forwarded.push(response);
    },
  });
});
afterAll(() => gateway.close());

const post = (path: string, body: string) =>
  fetch(`${gateway.url}${path}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });

describe('the dqsn gateway example', () => {
  it('aggregates on /v3/aggregate and forwards the result', async () => {
    const res = await post(
      '/v3/aggregate',
      text(request([signal('sentinel', 'ALLOW'), signal('adn', 'BLOCK')])),
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as DqsnResponse;
    expect(body.decision).toBe('BLOCK');
    expect(forwarded.at(-1)?.context_hash).toBe(body.context_hash);
  });

  it('fails closed on a malformed request, with the operator limits', async () => {
    const nine = Array.from({ length: 9 }, (_, i) => signal(`c${i}`, 'ALLOW'));
    const res = await post('/v3/aggregate', text(request(nine)));
    expect(res.status).toBe(400);
    const body = (await res.json()) as DqsnResponse;
    expect(body).toMatchObject({
      decision: 'ERROR',
      reason_codes: ['DQSN_ERROR_SIGNAL_TOO_MANY'],
      meta: { fail_closed: true },
    });
  });

  it('serves the legacy v2 surface through v3 validation', async () => {
    const v2 = {
      contract_version: 2,
      component: 'dqsn',
      request_id: 'legacy-1',
      signals: [{ ...signal('sentinel', 'WARN'), contract_version: 2 }],
    };
    const res = await post('/v2/aggregate', text(v2));
    // A v2 signal must carry the flat v2 fields; this one carries v3's, so v3 validation refuses it.
    expect(res.status).toBe(400);
    expect(((await res.json()) as DqsnResponse).reason_codes).toEqual(['DQSN_ERROR_SIGNAL_INVALID']);
  });

  it('reports health with the configuration fingerprint, and counts answers', async () => {
    const health = (await (await fetch(`${gateway.url}/healthz`)).json()) as {
      ok: boolean;
      fingerprint: string;
    };
    expect(health.ok).toBe(true);
    expect(health.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toContain('dqsn_answers_total{route="/v3/aggregate",status="200",decision="BLOCK"} 1');
    expect(metrics).toContain('dqsn_answers_total{route="/v3/aggregate",status="400",decision="ERROR"} 1');
    expect((await fetch(`${gateway.url}/nope`)).status).toBe(404);
  });
});
