import type { SignatureId } from '@qsp/crypto-suite';
import type { PolicyMs, TemporalPolicy } from './policy.js';
import type { RenewalToken } from './renewal.js';

export type LeaseState = 'active' | 'warning' | 'grace' | 'expired' | 'shutdown';
export const LEASE_STATES: readonly LeaseState[] = ['active', 'warning', 'grace', 'expired', 'shutdown'];

/** Approver keys and threshold, fixed at registration and never changed. */
export interface ApproverSet {
  readonly alg: SignatureId;
  readonly threshold: number;
  /** Public keys, base64. */
  readonly keys: readonly string[];
}

/**
 * One system's lease as it is stored. Times are effective-clock epoch ms.
 * Records are immutable: every change writes a whole new record.
 */
export interface LeaseRecord {
  readonly v: 1;
  readonly systemId: string;
  readonly policy: TemporalPolicy;
  readonly registeredAt: number;
  /** When the current period was granted (registration or the last renewal). */
  readonly grantedAt: number;
  /** End of the authorised period; `grace` follows it. */
  readonly expiresAt: number;
  /** registeredAt + initial_period + maximum_extension: expiresAt never passes it. */
  readonly capAt: number;
  /** Lease sequence: 1 at registration, +1 per renewal and at shutdown; fences stale tokens. */
  readonly sequence: number;
  readonly approvers: ApproverSet;
  /** Key (base64) that signs inbound §1.1 messages for this system, if any. */
  readonly controllerKey?: string;
  /** Timestamp of the newest inbound message accepted: older or equal ones are replays. */
  readonly lastMessageAt?: number;
  readonly pending?: { readonly id: string; readonly token: RenewalToken };
  /** Set once expiry has been observed, so it survives any later clock trouble. */
  readonly expiredAt?: number;
  readonly shutdownAt?: number;
  readonly shutdownReason?: string;
  /** Effective time of this write; doubles as a persisted high-water mark. */
  readonly updatedAt: number;
}

/** What `status` answers. */
export interface LeaseStatus {
  readonly systemId: string;
  readonly state: LeaseState;
  readonly sequence: number;
  /** Effective time the answer was computed at. */
  readonly now: number;
  readonly registeredAt: number;
  readonly grantedAt: number;
  readonly warningAt: number;
  readonly expiresAt: number;
  readonly graceEndsAt: number;
  readonly capAt: number;
  /** Milliseconds until calls are refused (0 once expired or shut down). */
  readonly remainingMs: number;
  readonly policy: TemporalPolicy;
}

export function policyMsOf(policy: TemporalPolicy): PolicyMs {
  return {
    initialMs: Math.round(policy.initial_period * 1000),
    warningMs: Math.round(policy.warning_phase * 1000),
    graceMs: Math.round(policy.grace_period * 1000),
    maxExtensionMs: Math.round(policy.maximum_extension * 1000),
  };
}

export function stateAt(record: LeaseRecord, now: number): LeaseState {
  if (record.shutdownAt !== undefined) return 'shutdown';
  if (record.expiredAt !== undefined) return 'expired';
  const expiresAt = record.expiresAt;
  if (now < expiresAt - Math.round(record.policy.warning_phase * 1000)) return 'active';
  if (now < expiresAt) return 'warning';
  if (now < expiresAt + Math.round(record.policy.grace_period * 1000)) return 'grace';
  return 'expired';
}

export function statusAt(record: LeaseRecord, now: number): LeaseStatus {
  const { warningMs, graceMs } = policyMsOf(record.policy);
  const state = stateAt(record, now);
  const graceEndsAt = record.expiresAt + graceMs;
  const live = state !== 'expired' && state !== 'shutdown';
  return {
    systemId: record.systemId,
    state,
    sequence: record.sequence,
    now,
    registeredAt: record.registeredAt,
    grantedAt: record.grantedAt,
    warningAt: record.expiresAt - warningMs,
    expiresAt: record.expiresAt,
    graceEndsAt,
    capAt: record.capAt,
    remainingMs: live ? graceEndsAt - now : 0,
    policy: record.policy,
  };
}

/** True while calls may run: active, warning or grace. */
export function isLive(state: LeaseState): boolean {
  return state === 'active' || state === 'warning' || state === 'grace';
}

/**
 * When a holder should start renewing: at 2/3 of the current period, ±10%
 * jitter, so a fleet registered together does not renew in step.
 * `random` is in [0, 1).
 */
export function renewalDueAt(status: LeaseStatus, random: number = Math.random()): number {
  const period = status.expiresAt - status.grantedAt;
  const jitter = (random * 0.2 - 0.1) * period;
  return Math.round(status.grantedAt + (2 / 3) * period + jitter);
}
