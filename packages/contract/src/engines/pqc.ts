// PQC-backed engine: the decision comes from ML-DSA signatures by trusted
// keys over each evidence dimension's claims. A dimension counts only when a
// trusted key's signature over exactly its claims, this session, subject and
// policy verifies; one bad signature by a trusted key rejects everything.
import { type Engine as CryptoEngine, noble } from '@qsp/crypto-suite';
import { checkAttestation, DIMENSIONS, type Dimension, dimensionStatement } from '../attest.js';
import type { Engine } from '../engine.js';
import { ContractError } from '../errors.js';
import { keyIndex, type TrustedKey } from '../keys.js';
import { REASON } from '../reasons.js';
import type { EngineDecision, InputLayer } from '../types.js';
import { scores } from './scores.js';

export interface PqcEngineOptions {
  readonly trustedKeys: readonly TrustedKey[];
  /** Dimensions that must be attested for `accept`; all four by default. */
  readonly required?: readonly Dimension[];
  readonly crypto?: CryptoEngine;
}

type DimensionResult = { state: 'verified'; keys: string[] } | { state: 'unsigned' | 'forged' | 'malformed' };

export function pqcEngine(options: PqcEngineOptions): Engine {
  const crypto = options.crypto ?? noble;
  const trusted = keyIndex(options.trustedKeys, crypto);
  if (trusted.size === 0)
    throw new ContractError('INVALID_OPTION', 'pqc engine needs at least one trusted key');
  const required = [...new Set(options.required ?? DIMENSIONS)];
  if (required.length === 0 || required.some((d) => !DIMENSIONS.includes(d))) {
    throw new ContractError(
      'INVALID_OPTION',
      `required dimensions must be a non-empty subset of ${DIMENSIONS.join(', ')}`,
    );
  }

  function check(input: Readonly<InputLayer>, dimension: Dimension): DimensionResult {
    const list = input.evidence[dimension].attestations;
    if (list === undefined) return { state: 'unsigned' };
    if (!Array.isArray(list)) return { state: 'malformed' };
    const statement = dimensionStatement(input, dimension);
    const keys: string[] = [];
    for (const a of list) {
      const result = checkAttestation(a, statement, trusted, crypto);
      if (result === 'malformed') return { state: 'malformed' };
      if (result === 'invalid') return { state: 'forged' };
      if (result === 'valid') keys.push((a as { key_id: string }).key_id);
    }
    return keys.length > 0 ? { state: 'verified', keys: [...new Set(keys)] } : { state: 'unsigned' };
  }

  return {
    id: 'pqc',
    version: '1.0.0',
    decide(input): EngineDecision {
      const results = new Map(DIMENSIONS.map((d) => [d, check(input, d)] as const));
      const score = (d: Dimension) => (results.get(d)?.state === 'verified' ? 1 : 0);
      const all = scores(score('integrity'), score('execution'), score('identity'), score('time'));
      const total = Math.min(...required.map(score));
      const s = { ...all, total_trust: total };
      const claims: string[] = [];
      for (const [d, r] of results) {
        if (r.state === 'verified') {
          for (const k of r.keys)
            claims.push(`${d} evidence signed by ${trusted.get(k)!.algorithm} key ${k}`);
        }
      }
      const forged = DIMENSIONS.filter((d) => results.get(d)?.state === 'forged');
      if (forged.length > 0) {
        return {
          decision: 'reject',
          reason: `a trusted signature over ${forged.join(', ')} evidence does not verify`,
          scores: s,
          verified_claims: claims,
          reason_code: REASON.SIGNATURE_INVALID,
        };
      }
      const malformed = DIMENSIONS.filter((d) => results.get(d)?.state === 'malformed');
      if (malformed.length > 0) {
        return {
          decision: 'reject',
          reason: `malformed attestations in ${malformed.join(', ')} evidence`,
          scores: s,
          verified_claims: claims,
          reason_code: REASON.EVIDENCE_MISSING,
        };
      }
      const missing = required.filter((d) => results.get(d)?.state !== 'verified');
      if (missing.length === 0) {
        return {
          decision: 'accept',
          reason: `all required evidence (${required.join(', ')}) is signed by trusted ML-DSA keys`,
          scores: s,
          verified_claims: claims,
          reason_code: REASON.ALL_CHECKS_PASSED,
        };
      }
      if (missing.length < required.length) {
        return {
          decision: 'pending',
          reason: `evidence not yet signed by a trusted key: ${missing.join(', ')}`,
          scores: s,
          verified_claims: claims,
          reason_code: REASON.INCOMPLETE_ATTESTATION,
        };
      }
      return {
        decision: 'reject',
        reason: 'no required evidence is signed by a trusted key',
        scores: s,
        verified_claims: claims,
        reason_code: REASON.EVIDENCE_MISSING,
      };
    },
  };
}
