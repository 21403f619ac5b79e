import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as publicApi from '../src/index.js';
import { aggregate, aggregateV2, createAggregator, REASON_CODES } from '../src/index.js';
import { v2RequestToV3Text } from '../src/v2.js';
import { request, signal, text } from './fixtures.js';

/** The legacy v2 envelope: flat risk fields and fail_closed, version 2. */
function v2Signal(
  component: string,
  decision: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const v3 = signal(component, decision as 'ALLOW');
  const { risk, meta: _meta, ...rest } = v3 as { risk: { score: number; tier: string }; meta: unknown };
  return {
    ...rest,
    contract_version: 2,
    risk_score: risk.score,
    risk_tier: risk.tier,
    fail_closed: true,
    ...extra,
  };
}
const v2Request = (signals: unknown[], extra: Record<string, unknown> = {}) => ({
  ...request(signals, extra),
  contract_version: 2,
  ...extra,
});

describe('v2 adapter', () => {
  it('answers a v2 request exactly as the equivalent v3 request', () => {
    const v2 = v2Request([v2Signal('sentinel', 'WARN'), v2Signal('adn', 'ALLOW')]);
    const v3 = request([signal('sentinel', 'WARN'), signal('adn', 'ALLOW')]);
    expect(aggregateV2(text(v2))).toEqual(aggregate(text(v3)));
  });

  it('is regression-locked: fixed v2 input, fixed response bytes', () => {
    const v2 =
      '{"contract_version":2,"component":"dqsn","request_id":"legacy-1","signals":[{"contract_version":2,"component":"sentinel","request_id":"s1","context_hash":"80e30b94609d4e6f51880d5113cd8416567827c7f15166d828088f2fdea89a08","decision":"BLOCK","risk_score":0.9,"risk_tier":"HIGH","reason_codes":["SENTINEL_BLOCK"],"evidence":{"observations":3},"fail_closed":true}]}';
    const r = aggregateV2(v2);
    expect(r.decision).toBe('BLOCK');
    expect(r.reason_codes).toEqual(['DQSN_DENY_BLOCK', 'SENTINEL_BLOCK']);
    expect(r.context_hash).toBe(LOCKED_V2_HASH);
  });

  it('cannot bypass v3 validation: whatever the conversion yields is validated as v3', () => {
    const cases: Array<[unknown, string]> = [
      [v2Request([v2Signal('s', 'warn')]), REASON_CODES.SIGNAL_INVALID],
      [v2Request([v2Signal('s', 'ALLOW', { risk_score: 1.5 })]), REASON_CODES.SIGNAL_INVALID],
      [v2Request([v2Signal('s', 'ALLOW', { fail_closed: false })]), REASON_CODES.SIGNAL_INVALID],
      [v2Request([v2Signal('s', 'ALLOW', { extra: 1 })]), REASON_CODES.SIGNAL_INVALID],
      [v2Request([{ ...v2Signal('s', 'ALLOW'), risk_score: undefined }]), REASON_CODES.SIGNAL_INVALID],
      [v2Request([{ ...v2Signal('s', 'ALLOW'), reason_codes: undefined }]), REASON_CODES.SIGNAL_INVALID],
      [v2Request([v2Signal('s', 'ALLOW')], { component: ' dqsn ' }), REASON_CODES.INVALID_REQUEST],
      [v2Request([v2Signal('s', 'ALLOW')], { extra: 1 }), REASON_CODES.UNKNOWN_TOP_LEVEL_KEY],
      [v2Request([]), REASON_CODES.SIGNALS_REQUIRED],
      [request([signal('s', 'ALLOW')]), REASON_CODES.SCHEMA_VERSION], // v3 is not accepted on the v2 surface
    ];
    for (const [req, code] of cases) {
      const r = aggregateV2(text(req));
      expect(r.reason_codes, text(req)).toEqual([code]);
      expect(r.meta.fail_closed).toBe(true);
    }
    expect(aggregateV2('{"contract_version":2,"decision":"BLOCK","decision":"ALLOW"}').reason_codes).toEqual([
      REASON_CODES.DUPLICATE_KEY,
    ]);
    expect(aggregateV2(`{"contract_version":2,"x":${'1'.repeat(20)}}`).reason_codes).toEqual([
      REASON_CODES.BAD_NUMBER,
    ]);
  });

  it('a v3 signal embedded in a v2 request is passed on untouched and judged by v3', () => {
    const r = aggregateV2(text(v2Request([signal('s', 'BLOCK')])));
    expect(r.decision).toBe('BLOCK');
  });

  it('the conversion only renames; values are copied untouched', () => {
    const out = JSON.parse(
      v2RequestToV3Text(
        v2Request([v2Signal('s', 'ALLOW', { decision: ' Warn ', risk_tier: 'low' })]) as never,
      )!,
    );
    expect(out.signals[0].decision).toBe(' Warn ');
    expect(out.signals[0].risk).toEqual({ score: 0.1, tier: 'low' });
    expect(v2RequestToV3Text({ contract_version: 3 })).toBeUndefined();
  });

  it('its only exit is the v3 path: the module imports aggregateWith and never the aggregation step', () => {
    const src = readFileSync(new URL('../src/v2.ts', import.meta.url), 'utf8');
    expect(src).toMatch(/return aggregateWith\(config, v3\)/);
    expect(src).not.toMatch(/aggregation\.js|aggregateSignals|buildResponse/);
    // Nor can any user reach the aggregation step without validation.
    expect(Object.keys(publicApi)).not.toContain('aggregateSignals');
    expect(Object.keys(publicApi)).not.toContain('buildResponse');
  });

  it('shares the operator limits', () => {
    const agg = createAggregator({ maxSignals: 1 });
    expect(
      agg.aggregateV2(text(v2Request([v2Signal('a', 'ALLOW'), v2Signal('b', 'ALLOW')]))).reason_codes,
    ).toEqual([REASON_CODES.SIGNAL_TOO_MANY]);
  });
});

// Recorded from this implementation; a change here is a change of the v2 surface's behaviour.
const LOCKED_V2_HASH = '0ed868191b643d207f3822e2dbf4799ebefde76b619affc12c2fce830d6a925c';
