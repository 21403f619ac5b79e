import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  canTransition,
  hasEvidence,
  isEvidenceError,
  LIFECYCLE_STATES,
  type LifecycleState,
  TRANSITIONS,
  transition,
} from '../src/index.js';

// The seed's diagram, written out independently of TRANSITIONS.
const SEED_EDGES = new Set([
  'JobCreated>JobRunning',
  'JobRunning>JobCompleted',
  'JobRunning>JobFailed',
  'JobCompleted>BundlePending',
  'BundlePending>BundlePackaging',
  'BundlePackaging>BundleSigned',
  'BundleSigned>BundleVerified',
]);
const state = fc.constantFrom(...LIFECYCLE_STATES);

describe('lifecycle state machine', () => {
  it('allows exactly the seed diagram’s edges', () => {
    for (const from of LIFECYCLE_STATES) {
      for (const to of LIFECYCLE_STATES)
        expect(canTransition(from, to), `${from} -> ${to}`).toBe(SEED_EDGES.has(`${from}>${to}`));
    }
  });

  it('refuses every other transition with ILLEGAL_TRANSITION, including unknown states', () => {
    fc.assert(
      fc.property(state, state, (from, to) => {
        if (SEED_EDGES.has(`${from}>${to}`)) expect(transition(from, to)).toBe(to);
        else
          expect(() => transition(from, to)).toThrow(expect.objectContaining({ code: 'ILLEGAL_TRANSITION' }));
      }),
    );
    for (const bad of ['', 'jobcreated', '__proto__', 'constructor', 'toString']) {
      try {
        transition(bad as LifecycleState, 'JobRunning');
        expect.unreachable();
      } catch (e) {
        expect(isEvidenceError(e, 'ILLEGAL_TRANSITION')).toBe(true);
      }
    }
  });

  it('any walk from JobCreated that reaches evidence passed through JobCompleted, never JobFailed', () => {
    fc.assert(
      fc.property(fc.array(state, { maxLength: 20 }), (steps) => {
        let s: LifecycleState = 'JobCreated';
        const path: LifecycleState[] = [s];
        for (const to of steps) {
          if (canTransition(s, to)) {
            s = transition(s, to);
            path.push(s);
          }
        }
        if (hasEvidence(s)) {
          expect(path).toContain('JobCompleted');
          expect(path).not.toContain('JobFailed');
        }
        if (path.includes('JobFailed')) expect(s).toBe('JobFailed');
      }),
    );
  });

  it('JobFailed and BundleVerified are final', () => {
    expect(TRANSITIONS.JobFailed).toEqual([]);
    expect(TRANSITIONS.BundleVerified).toEqual([]);
  });
});
