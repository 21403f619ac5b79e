import { NO_SHARED_MESSAGE, readSharedVector, sharedVectorsDir } from '@qsp/test-kit';
import { describe, expect, it } from 'vitest';
import { aggregate } from '../src/index.js';

interface Case {
  readonly name: string;
  readonly request: string;
  readonly expect: {
    readonly decision: string;
    readonly reason_code?: string | null;
    readonly unique_signals?: number;
  };
}

function check(c: Case): void {
  const r = aggregate(c.request);
  expect(r.decision, c.name).toBe(c.expect.decision);
  if (c.expect.reason_code) expect(r.reason_codes, c.name).toEqual([c.expect.reason_code]);
  if (c.expect.unique_signals !== undefined) expect(r.evidence.unique_signals).toBe(c.expect.unique_signals);
  expect(r.meta.fail_closed).toBe(true);
  expect(r.context_hash).toMatch(/^[0-9a-f]{64}$/);
  // Deterministic: the same request gives the same response, byte for byte.
  expect(aggregate(c.request)).toEqual(r);
}

// A handful of ../shared/vectors/dqsn/cases.json copied verbatim, so a clone
// without ../shared still checks them.
const SIG =
  '{"contract_version": 3, "component": "sentinel", "request_id": "s1", "context_hash": "80e30b94609d4e6f51880d5113cd8416567827c7f15166d828088f2fdea89a08", "decision": "ALLOW", "risk": {"score": 0.1, "tier": "LOW"}, "reason_codes": ["SENTINEL_ALLOW"], "evidence": {"observations": 3}, "meta": {"fail_closed": true}}';
const INLINE: Case[] = [
  {
    name: 'exact-duplicates',
    request:
      '{"contract_version": 3, "component": "dqsn", "request_id": "r1", "signals": [{"contract_version": 3, "component": "sentinel", "request_id": "s9", "context_hash": "cf10ff987ec6c0a0a67043e60ab0825e1ea0f7e059b7565980a69b09036760f2", "decision": "WARN", "risk": {"score": 0.5, "tier": "MEDIUM"}, "reason_codes": ["SENTINEL_WARN"], "evidence": {"observations": 3}, "meta": {"fail_closed": true}}, {"contract_version": 3, "component": "sentinel", "request_id": "s9", "context_hash": "cf10ff987ec6c0a0a67043e60ab0825e1ea0f7e059b7565980a69b09036760f2", "decision": "WARN", "risk": {"score": 0.5, "tier": "MEDIUM"}, "reason_codes": ["SENTINEL_WARN"], "evidence": {"observations": 3}, "meta": {"fail_closed": true}}, {"contract_version": 3, "component": "adn", "request_id": "a1", "context_hash": "8380ee8d920f58774e6a329e8cb99350a6f52e6ddb682f4f9ee39c4225e25a4f", "decision": "ALLOW", "risk": {"score": 0.1, "tier": "LOW"}, "reason_codes": ["ADN_ALLOW"], "evidence": {"observations": 3}, "meta": {"fail_closed": true}}]}',
    expect: { decision: 'WARN', unique_signals: 2 },
  },
  {
    name: 'with-constraints',
    request: `{"contract_version": 3, "component": "dqsn", "request_id": "r1", "signals": [${SIG}], "constraints": {"max_latency_ms": 50}}`,
    expect: { decision: 'ALLOW' },
  },
  {
    name: 'version-2',
    request: `{"contract_version": 2, "component": "dqsn", "request_id": "r1", "signals": [${SIG}]}`,
    expect: { decision: 'ERROR', reason_code: 'DQSN_ERROR_SCHEMA_VERSION' },
  },
  {
    name: 'unknown-top-level',
    request: `{"contract_version": 3, "component": "dqsn", "request_id": "r1", "signals": [${SIG}], "extra": 1}`,
    expect: { decision: 'ERROR', reason_code: 'DQSN_ERROR_UNKNOWN_TOP_LEVEL_KEY' },
  },
  {
    name: 'proto-top-level',
    request: `{"contract_version": 3, "component": "dqsn", "request_id": "r1", "signals": [${SIG}], "__proto__": {"polluted": true}}`,
    expect: { decision: 'ERROR' },
  },
  {
    name: 'nan-literal',
    request: `{"contract_version": 3, "component": "dqsn", "request_id": "r1", "signals": [${SIG.replace('0.1', 'NaN')}]}`,
    expect: { decision: 'ERROR' },
  },
  {
    name: 'meta-fail-open',
    request: `{"contract_version": 3, "component": "dqsn", "request_id": "r1", "signals": [${SIG.replace('"fail_closed": true', '"fail_closed": false')}]}`,
    expect: { decision: 'ERROR', reason_code: 'DQSN_ERROR_SIGNAL_INVALID' },
  },
  {
    name: 'signal-not-object',
    request: '{"contract_version": 3, "component": "dqsn", "request_id": "r1", "signals": ["ALLOW"]}',
    expect: { decision: 'ERROR', reason_code: 'DQSN_ERROR_SIGNAL_INVALID' },
  },
];

describe('inline copies of the shared DQSN cases', () => {
  it.each(INLINE)('$name', (c) => check(c));
});

const shared = sharedVectorsDir();
if (!shared) console.log(NO_SHARED_MESSAGE);

describe.skipIf(!shared)('../shared/vectors/dqsn/cases.json', () => {
  const cases = readSharedVector<Case[]>('dqsn/cases.json') ?? [];
  it('has the cases', () => expect(cases.length).toBeGreaterThanOrEqual(27));
  it.each(cases)('$name', (c) => check(c));
  it('the inline copies are verbatim', () => {
    for (const c of INLINE) {
      const original = cases.find((x) => x.name === c.name);
      expect(original?.request, c.name).toBe(c.request);
    }
  });
});
