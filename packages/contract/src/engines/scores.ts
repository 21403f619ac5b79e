import type { Scores } from '../types.js';

/** The five reference scores; total_trust is the weakest dimension, as in the reference contract. */
export function scores(integrity: number, execution: number, identity: number, time: number): Scores {
  const clamp = (x: number) => Math.min(1, Math.max(0, x));
  const s = {
    integrity_trust: clamp(integrity),
    execution_trust: clamp(execution),
    identity_trust: clamp(identity),
    time_trust: clamp(time),
  };
  return {
    ...s,
    total_trust: Math.min(s.integrity_trust, s.execution_trust, s.identity_trust, s.time_trust),
  };
}
