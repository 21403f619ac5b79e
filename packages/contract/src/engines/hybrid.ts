// Hybrid engine: several engines (typically PQC-backed and QKD-backed) must
// all accept. Each one runs under the same fail-closed rules as a top-level
// engine (its errors, hangs and invalid answers are rejects), so one broken
// engine can only make the combination stricter, never more permissive.
import { type Engine, resolveTimeout, runEngine } from '../engine.js';
import { ContractError } from '../errors.js';
import { REASON } from '../reasons.js';
import type { DecisionLayer, EngineDecision, Scores } from '../types.js';

export interface HybridEngineOptions {
  /** The engines that must all accept; at least two. */
  readonly engines: readonly Engine[];
  /** Time each inner engine gets; default 5000 ms. build()'s own timeout still bounds the whole. */
  readonly timeoutMs?: number;
}

const SCORE_KEYS = [
  'integrity_trust',
  'execution_trust',
  'identity_trust',
  'time_trust',
  'total_trust',
] as const;

function weakest(layers: readonly DecisionLayer[]): Scores {
  const out = {} as Scores;
  for (const k of SCORE_KEYS) out[k] = Math.min(...layers.map((l) => l.scores[k]));
  return out;
}

export function hybridEngine(options: HybridEngineOptions): Engine {
  const engines = [...options.engines];
  if (engines.length < 2)
    throw new ContractError('INVALID_OPTION', 'a hybrid engine combines at least two engines');
  const timeoutMs = resolveTimeout(options.timeoutMs);
  const names = engines.map((e) => {
    try {
      return typeof e.id === 'string' && e.id.length > 0 ? e.id : 'unknown';
    } catch {
      return 'unknown';
    }
  });

  return {
    id: `hybrid(${names.join('+')})`,
    version: '1.0.0',
    async decide(input, context): Promise<EngineDecision> {
      const layers = await Promise.all(
        engines.map((e) => runEngine(e, input, { timeoutMs, signal: context.signal, now: context.now })),
      );
      const scores = weakest(layers);
      const claims = layers.flatMap((l, i) => l.verified_claims.map((c) => `${names[i]}: ${c}`));
      const say = (l: DecisionLayer, i: number) => `${names[i]}: ${l.reason}`;
      const rejected = layers.findIndex((l) => l.decision === 'reject');
      if (rejected >= 0) {
        const l = layers[rejected]!;
        const reasons = layers.map(say).filter((_, i) => layers[i]!.decision === 'reject');
        return {
          decision: 'reject',
          reason: reasons.join('; '),
          scores,
          verified_claims: claims,
          reason_code: l.reason_code ?? REASON.ENGINE_ERROR,
        };
      }
      const pending = layers.findIndex((l) => l.decision === 'pending');
      if (pending >= 0) {
        const l = layers[pending]!;
        const reasons = layers.map(say).filter((_, i) => layers[i]!.decision === 'pending');
        return {
          decision: 'pending',
          reason: reasons.join('; '),
          scores,
          verified_claims: claims,
          reason_code: l.reason_code ?? REASON.INCOMPLETE_ATTESTATION,
        };
      }
      return {
        decision: 'accept',
        reason: `all of ${names.join(', ')} accept`,
        scores,
        verified_claims: claims,
        reason_code: REASON.ALL_CHECKS_PASSED,
      };
    },
  };
}
