import { describe, it } from 'vitest';
import { runModel } from './model/harness.js';

describe('model-based adversary (fast-check commands)', () => {
  // Sessions driven through random send / rekey / close and an adversary that
  // drops, duplicates, replays, reorders, truncates, flips bits and forges.
  // The fuzz script runs the same model at the seed's size (300 x 2000).
  it('never delivers a tampered or replayed frame, closes with the right reason, never reuses (key, nonce)', () => {
    runModel(40, 200);
  }, 120_000);
});
