// Threshold-approval engine: accept once k of the n named approvers have
// signed (ML-DSA) the whole input — session, subject, policy and evidence —
// within the approval window. Each approver counts once; a signature by a
// named approver that does not verify rejects, because it means the input
// the approver saw is not this one.
import { type Engine as CryptoEngine, noble } from '@qsp/crypto-suite';
import { approvalStatement, checkAttestation } from '../attest.js';
import type { Engine } from '../engine.js';
import { ContractError } from '../errors.js';
import { keyIndex, type TrustedKey } from '../keys.js';
import { REASON } from '../reasons.js';
import type { EngineDecision, InputLayer } from '../types.js';
import { scores } from './scores.js';

export interface ThresholdEngineOptions {
  readonly approvers: readonly TrustedKey[];
  readonly k: number;
  /** How old an approval may be; default 24 h. Approvals dated more than 60 s ahead do not count. */
  readonly maxAgeMs?: number;
  readonly crypto?: CryptoEngine;
}

const FUTURE_SKEW_MS = 60_000;

export function thresholdEngine(options: ThresholdEngineOptions): Engine {
  const crypto = options.crypto ?? noble;
  const approvers = keyIndex(options.approvers, crypto);
  if (approvers.size !== options.approvers.length)
    throw new ContractError('INVALID_OPTION', 'approvers must be distinct keys');
  const { k } = options;
  if (!Number.isSafeInteger(k) || k < 1 || k > approvers.size) {
    throw new ContractError('INVALID_OPTION', `k must be an integer in [1, ${approvers.size}]`);
  }
  const maxAgeMs = options.maxAgeMs ?? 86_400_000;
  if (!Number.isFinite(maxAgeMs) || maxAgeMs <= 0)
    throw new ContractError('INVALID_OPTION', 'maxAgeMs must be positive');

  return {
    id: 'threshold',
    version: '1.0.0',
    decide(input: Readonly<InputLayer>, context): EngineDecision {
      const list = input.evidence.approvals ?? [];
      if (!Array.isArray(list)) {
        return {
          decision: 'reject',
          reason: 'evidence.approvals must be an array',
          scores: scores(0, 0, 0, 0),
          verified_claims: [],
          reason_code: REASON.EVIDENCE_MISSING,
        };
      }
      const counted = new Set<string>();
      const claims: string[] = [];
      let stale = 0;
      for (const a of list as unknown[]) {
        const at = (a as { approved_at?: unknown } | null)?.approved_at;
        if (typeof at !== 'string' || Number.isNaN(Date.parse(at))) {
          return {
            decision: 'reject',
            reason: 'an approval has no valid approved_at',
            scores: scores(0, 0, 0, 0),
            verified_claims: [],
            reason_code: REASON.EVIDENCE_MISSING,
          };
        }
        const result = checkAttestation(a, approvalStatement(input, at), approvers, crypto);
        if (result === 'malformed') {
          return {
            decision: 'reject',
            reason: 'a malformed approval is present',
            scores: scores(0, 0, 0, 0),
            verified_claims: [],
            reason_code: REASON.EVIDENCE_MISSING,
          };
        }
        if (result === 'invalid') {
          return {
            decision: 'reject',
            reason: 'an approver signature does not verify over this input',
            scores: scores(0, 0, 0, 0),
            verified_claims: [],
            reason_code: REASON.SIGNATURE_INVALID,
          };
        }
        if (result !== 'valid') continue;
        const age = context.now.getTime() - Date.parse(at);
        if (age > maxAgeMs || age < -FUTURE_SKEW_MS) {
          stale++;
          continue;
        }
        const id = (a as { key_id: string }).key_id;
        if (!counted.has(id)) claims.push(`approved by ${approvers.get(id)!.algorithm} key ${id} at ${at}`);
        counted.add(id);
      }
      const n = counted.size;
      // Counted approvals sign the whole input (integrity), are within the window (time), and reach the quorum (execution).
      const s = scores(n > 0 ? 1 : 0, n >= k ? 1 : 0, n / k, n > 0 ? 1 : 0);
      if (n >= k) {
        return {
          decision: 'accept',
          reason: `${n} of ${approvers.size} approvers signed (threshold ${k})`,
          scores: s,
          verified_claims: claims,
          reason_code: REASON.ALL_CHECKS_PASSED,
        };
      }
      const staleNote = stale > 0 ? `; ${stale} approval(s) outside the ${maxAgeMs} ms window` : '';
      return {
        decision: 'pending',
        reason: `${n} of ${k} required approvals${staleNote}`,
        scores: s,
        verified_claims: claims,
        reason_code: REASON.QUORUM_NOT_REACHED,
      };
    },
  };
}
