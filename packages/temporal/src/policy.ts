import { TemporalError } from './errors.js';

/**
 * The §1.1 temporal policy, durations in seconds (millisecond resolution).
 *
 * - `initial_period`: length of the lease granted at registration, and the
 *   longest period any single renewal grants (counted from the renewal).
 * - `warning_phase`: the last part of a lease before its expiration; the
 *   system still works but is in state `warning`. Must be shorter than
 *   `initial_period`.
 * - `grace_period`: time after the expiration during which the system still
 *   works, in state `grace`, and may still be renewed. After it: `expired`,
 *   final.
 * - `maximum_extension`: the most renewals may add, in total, beyond the
 *   first expiration. The expiration can never pass
 *   registration + initial_period + maximum_extension (the cap); 0 means the
 *   lease cannot be renewed at all.
 */
export interface TemporalPolicy {
  readonly initial_period: number;
  readonly warning_phase: number;
  readonly grace_period: number;
  readonly maximum_extension: number;
}

/** The same policy in integer milliseconds, as the engine uses it. */
export interface PolicyMs {
  readonly initialMs: number;
  readonly warningMs: number;
  readonly graceMs: number;
  readonly maxExtensionMs: number;
}

/** Ten years: anything longer is a typo or an attack, not a lease. */
export const MAX_DURATION_SECONDS = 10 * 365 * 24 * 3600;

const HOUR = 3600;
const DAY = 24 * HOUR;

/** Named policies; see docs/temporal.md for when to use which. */
export const PRESETS = Object.freeze({
  /** Daily renewal, one hour of warning, fifteen minutes of grace, at most 30 days in all. */
  standard: Object.freeze({
    initial_period: DAY,
    warning_phase: HOUR,
    grace_period: 15 * 60,
    maximum_extension: 29 * DAY,
  }),
  /** Hourly renewal, ten minutes of warning, no grace, at most one day in all. */
  strict: Object.freeze({
    initial_period: HOUR,
    warning_phase: 10 * 60,
    grace_period: 0,
    maximum_extension: 23 * HOUR,
  }),
  /** Weekly renewal, one day of warning, one hour of grace, at most 90 days in all. */
  relaxed: Object.freeze({
    initial_period: 7 * DAY,
    warning_phase: DAY,
    grace_period: HOUR,
    maximum_extension: 83 * DAY,
  }),
  /** Seconds-long lease for demos and integration tests; never for production. */
  demo: Object.freeze({ initial_period: 10, warning_phase: 4, grace_period: 3, maximum_extension: 20 }),
} satisfies Record<string, TemporalPolicy>);

export type PresetName = keyof typeof PRESETS;

export function preset(name: string): TemporalPolicy {
  if (!Object.hasOwn(PRESETS, name)) {
    throw new TemporalError('UNKNOWN_PRESET', `no policy preset named ${JSON.stringify(name)}`);
  }
  return PRESETS[name as PresetName];
}

function durationMs(policy: Record<string, unknown>, field: keyof TemporalPolicy): number {
  const value = policy[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new TemporalError('INVALID_POLICY', `${field} must be a finite number of seconds`);
  }
  if (value < 0) throw new TemporalError('INVALID_POLICY', `${field} must not be negative`);
  if (value > MAX_DURATION_SECONDS) {
    throw new TemporalError('INVALID_POLICY', `${field} is longer than ${MAX_DURATION_SECONDS} s`);
  }
  const ms = Math.round(value * 1000);
  // Exact round trip, so the stored policy is the policy that was given.
  if (ms / 1000 !== value) {
    throw new TemporalError('INVALID_POLICY', `${field} must be a whole number of milliseconds`);
  }
  return ms;
}

/** Validates a policy (from any source) and returns it in milliseconds. */
export function policyToMs(input: unknown): PolicyMs {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TemporalError('INVALID_POLICY', 'policy must be an object');
  }
  const policy = input as Record<string, unknown>;
  for (const key of Object.keys(policy)) {
    if (!['initial_period', 'warning_phase', 'grace_period', 'maximum_extension'].includes(key)) {
      throw new TemporalError('INVALID_POLICY', `unknown policy field ${JSON.stringify(key)}`);
    }
  }
  const initialMs = durationMs(policy, 'initial_period');
  const warningMs = durationMs(policy, 'warning_phase');
  const graceMs = durationMs(policy, 'grace_period');
  const maxExtensionMs = durationMs(policy, 'maximum_extension');
  if (initialMs === 0) throw new TemporalError('INVALID_POLICY', 'initial_period must be positive');
  if (warningMs >= initialMs) {
    throw new TemporalError('INVALID_POLICY', 'warning_phase must be shorter than initial_period');
  }
  if (initialMs + maxExtensionMs > MAX_DURATION_SECONDS * 1000) {
    throw new TemporalError('INVALID_POLICY', 'initial_period + maximum_extension is longer than the limit');
  }
  return { initialMs, warningMs, graceMs, maxExtensionMs };
}

export function policyFromMs(p: PolicyMs): TemporalPolicy {
  return {
    initial_period: p.initialMs / 1000,
    warning_phase: p.warningMs / 1000,
    grace_period: p.graceMs / 1000,
    maximum_extension: p.maxExtensionMs / 1000,
  };
}

/** Validates a policy and returns a frozen copy with only the four fields. */
export function validatePolicy(input: unknown): TemporalPolicy {
  return Object.freeze(policyFromMs(policyToMs(input)));
}
