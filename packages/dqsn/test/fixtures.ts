import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import type { Decision, RiskTier } from '../src/index.js';

export const TIER: Record<Decision, RiskTier> = {
  ALLOW: 'LOW',
  WARN: 'MEDIUM',
  BLOCK: 'HIGH',
  ERROR: 'CRITICAL',
};
export const SCORE: Record<Decision, number> = { ALLOW: 0.1, WARN: 0.5, BLOCK: 0.9, ERROR: 1 };

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
    context_hash: bytesToHex(sha256(utf8ToBytes(`${component}/${decision}`))),
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
