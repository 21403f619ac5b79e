import { EvidenceError } from './errors.js';

/** The seed's evidence lifecycle, one state per job. */
export type LifecycleState =
  | 'JobCreated'
  | 'JobRunning'
  | 'JobCompleted'
  | 'JobFailed'
  | 'BundlePending'
  | 'BundlePackaging'
  | 'BundleSigned'
  | 'BundleVerified';

export const LIFECYCLE_STATES: readonly LifecycleState[] = [
  'JobCreated',
  'JobRunning',
  'JobCompleted',
  'JobFailed',
  'BundlePending',
  'BundlePackaging',
  'BundleSigned',
  'BundleVerified',
];

/** Allowed transitions, exactly the seed's diagram. JobFailed and BundleVerified are final. */
export const TRANSITIONS: Readonly<Record<LifecycleState, readonly LifecycleState[]>> = {
  JobCreated: ['JobRunning'],
  JobRunning: ['JobCompleted', 'JobFailed'],
  JobCompleted: ['BundlePending'],
  JobFailed: [],
  BundlePending: ['BundlePackaging'],
  BundlePackaging: ['BundleSigned'],
  BundleSigned: ['BundleVerified'],
  BundleVerified: [],
};

export function isLifecycleState(value: unknown): value is LifecycleState {
  return typeof value === 'string' && (LIFECYCLE_STATES as readonly string[]).includes(value);
}

export function canTransition(from: LifecycleState, to: LifecycleState): boolean {
  return TRANSITIONS[from]?.includes(to) ?? false;
}

/** Returns `to`, or throws ILLEGAL_TRANSITION. */
export function transition(from: LifecycleState, to: LifecycleState): LifecycleState {
  if (!isLifecycleState(from) || !isLifecycleState(to) || !canTransition(from, to)) {
    throw new EvidenceError('ILLEGAL_TRANSITION', `${String(from)} -> ${String(to)} is not allowed`);
  }
  return to;
}

/** Only a job in these states has (or is getting) evidence; a failed job never does. */
export function hasEvidence(state: LifecycleState): boolean {
  return state === 'BundleSigned' || state === 'BundleVerified';
}
