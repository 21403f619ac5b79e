// Upstream Shield Contract v3 signals as a gateway receives them, for the
// example's tests and load benchmark.
import { createHash } from 'node:crypto';
import type { Decision, RiskTier } from '@qsp/dqsn';

const TIER: Record<Decision, RiskTier> = { ALLOW: 'LOW', WARN: 'MEDIUM', BLOCK: 'HIGH', ERROR: 'CRITICAL' };
const SCORE: Record<Decision, number> = { ALLOW: 0.1, WARN: 0.5, BLOCK: 0.9, ERROR: 1 };

/** A valid upstream v3 signal; `overrides` replace whole fields. */
export function signal(
  component: string,
  decision: Decision,
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    contract_version: 3,
    component,
    request_id: `${component}-req`,
    context_hash: createHash('sha256').update(`${component}/${decision}`).digest('hex'),
    decision,
    risk: { score: SCORE[decision], tier: TIER[decision] },
    reason_codes: [`${component.toUpperCase()}_${decision}`],
    evidence: { observations: 3 },
    meta: { fail_closed: true },
    ...overrides,
  };
}

export function request(
  signals: unknown[],
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return { contract_version: 3, component: 'dqsn', request_id: 'req-1', signals, ...overrides };
}

export const text = (v: unknown): string => JSON.stringify(v);
