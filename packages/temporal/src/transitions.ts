import type { Engine, SignatureId } from '@qsp/crypto-suite';
import { fromBase64, toBase64 } from './encoding.js';
import { TemporalError } from './errors.js';
import { type ApproverSet, type LeaseRecord, policyMsOf, stateAt } from './lease.js';
import type { TemporalPolicy } from './policy.js';
import { countApprovals, parseToken, type RenewalToken, TOKEN_TYPE, tokenId } from './renewal.js';
import { formatRfc3339, parseRfc3339 } from './rfc3339.js';

// The lease state machine as pure functions of (record, input, now). The
// engine feeds them effective time under the store's lock; tests drive them
// directly. None of them reads a clock or touches I/O.

export const MAX_APPROVERS = 32;

export interface NewSystem {
  readonly systemId: string;
  readonly policy: TemporalPolicy;
  readonly approvers: {
    readonly alg: SignatureId;
    readonly threshold: number;
    readonly publicKeys: readonly Uint8Array[];
  };
  readonly controllerKey?: Uint8Array | undefined;
}

export function createRecord(input: NewSystem, now: number, crypto: Engine): LeaseRecord {
  const { alg, threshold, publicKeys } = input.approvers;
  if (!crypto.supports(alg) || !alg.startsWith('ML-DSA-')) {
    throw new TemporalError(
      'INVALID_REGISTRATION',
      `approver algorithm ${String(alg)} is not an ML-DSA variant`,
    );
  }
  const sig = crypto.signature(alg);
  if (!Array.isArray(publicKeys) || publicKeys.length < 1 || publicKeys.length > MAX_APPROVERS) {
    throw new TemporalError(
      'INVALID_REGISTRATION',
      `between 1 and ${MAX_APPROVERS} approver keys are required`,
    );
  }
  if (!Number.isSafeInteger(threshold) || threshold < 1 || threshold > publicKeys.length) {
    throw new TemporalError(
      'INVALID_REGISTRATION',
      'threshold must be an integer between 1 and the number of keys',
    );
  }
  const keys: string[] = [];
  for (const key of publicKeys) {
    if (!(key instanceof Uint8Array) || key.length !== sig.publicKeyLength) {
      throw new TemporalError('INVALID_REGISTRATION', `approver keys must be ${alg} public keys`);
    }
    const encoded = toBase64(key);
    if (keys.includes(encoded))
      throw new TemporalError('INVALID_REGISTRATION', 'approver keys must be distinct');
    keys.push(encoded);
  }
  let controllerKey: string | undefined;
  if (input.controllerKey !== undefined) {
    if (!(input.controllerKey instanceof Uint8Array) || input.controllerKey.length !== sig.publicKeyLength) {
      throw new TemporalError('INVALID_REGISTRATION', `controller key must be an ${alg} public key`);
    }
    controllerKey = toBase64(input.controllerKey);
  }
  const p = policyMsOf(input.policy);
  const approvers: ApproverSet = Object.freeze({ alg, threshold, keys: Object.freeze(keys) });
  return Object.freeze({
    v: 1,
    systemId: input.systemId,
    policy: input.policy,
    registeredAt: now,
    grantedAt: now,
    expiresAt: now + p.initialMs,
    capAt: now + p.initialMs + p.maxExtensionMs,
    sequence: 1,
    approvers,
    ...(controllerKey === undefined ? {} : { controllerKey }),
    updatedAt: now,
  });
}

/**
 * Refuses any change to a dead lease. For a lease whose expiry is seen here
 * for the first time, returns the record to persist (so expiry sticks)
 * together with the error to throw after persisting it.
 */
export function deadLease(
  current: LeaseRecord,
  now: number,
): { readonly record?: LeaseRecord; readonly error: TemporalError } | undefined {
  const state = stateAt(current, now);
  if (state === 'shutdown') {
    return { error: new TemporalError('SHUT_DOWN', `system ${current.systemId} was shut down`) };
  }
  if (state !== 'expired') return undefined;
  const error = new TemporalError('EXPIRED', `system ${current.systemId} has expired`);
  if (current.expiredAt !== undefined) return { error };
  return { record: markExpired(current, now), error };
}

export function markExpired(current: LeaseRecord, now: number): LeaseRecord {
  return Object.freeze({
    ...withoutPending(current),
    expiredAt: now,
    updatedAt: Math.max(now, current.updatedAt),
  });
}

function withoutPending(record: LeaseRecord): LeaseRecord {
  const { pending: _pending, ...rest } = record;
  return rest;
}

/**
 * Starts a renewal: fixes the expiration it would grant (at most one
 * initial_period from now, never past the cap) and returns the token
 * approvers sign. Replaces any pending token.
 */
export function beginRenewal(
  current: LeaseRecord,
  now: number,
  options: { readonly requestedExpiration?: number; readonly nonce: Uint8Array; readonly tokenTtlMs: number },
): { readonly record: LeaseRecord; readonly token: RenewalToken } {
  const p = policyMsOf(current.policy);
  if (current.capAt <= current.expiresAt) {
    throw new TemporalError('MAX_EXTENSION_REACHED', 'the lease is already at its maximum extension');
  }
  let newExpiration = Math.min(now + p.initialMs, current.capAt);
  if (options.requestedExpiration !== undefined) {
    if (!Number.isSafeInteger(options.requestedExpiration)) {
      throw new TemporalError('INVALID_ARGUMENT', 'requested expiration must be an integer epoch ms');
    }
    newExpiration = Math.min(newExpiration, options.requestedExpiration);
  }
  if (newExpiration <= now && newExpiration === current.capAt) {
    // In grace with the cap already behind us: a renewal could grant nothing.
    throw new TemporalError('MAX_EXTENSION_REACHED', 'the cap leaves no time to grant');
  }
  if (newExpiration <= current.expiresAt || newExpiration <= now) {
    throw new TemporalError('INVALID_ARGUMENT', 'the requested renewal would not extend the lease');
  }
  const graceEndsAt = current.expiresAt + p.graceMs;
  const tokenExpires = Math.min(now + options.tokenTtlMs, graceEndsAt, newExpiration);
  if (tokenExpires <= now) throw new TemporalError('EXPIRED', 'no time is left to approve a renewal');
  const token: RenewalToken = Object.freeze({
    type: TOKEN_TYPE,
    system_id: current.systemId,
    sequence: current.sequence,
    nonce: toBase64(options.nonce),
    issued_at: formatRfc3339(now),
    expires_at: formatRfc3339(tokenExpires),
    new_expiration: formatRfc3339(newExpiration),
  });
  const record = Object.freeze({
    ...current,
    pending: Object.freeze({ id: tokenId(token), token }),
    updatedAt: now,
  });
  return { record, token };
}

/** Completes the pending renewal if at least `threshold` approvers signed its token. */
export function completeRenewal(
  current: LeaseRecord,
  now: number,
  approvals: unknown,
  crypto: Engine,
): { readonly record: LeaseRecord; readonly grantedMs: number } {
  const pending = current.pending;
  if (!pending) throw new TemporalError('NO_PENDING_RENEWAL', 'no renewal was initiated');
  const token = parseToken(pending.token);
  if (token.sequence !== current.sequence) {
    throw new TemporalError('NO_PENDING_RENEWAL', 'the pending token is for an older lease sequence');
  }
  if (now >= parseRfc3339(token.expires_at))
    throw new TemporalError('NO_PENDING_RENEWAL', 'the renewal token expired');
  const count = countApprovals(token, approvals, current.approvers, crypto);
  if (count < current.approvers.threshold) {
    throw new TemporalError(
      'INSUFFICIENT_APPROVALS',
      `${count} approval(s), ${current.approvers.threshold} required`,
    );
  }
  // The cap is re-applied here although the token was capped when issued:
  // the bound must hold even for a record written by an older or buggy node.
  const newExpiration = Math.min(parseRfc3339(token.new_expiration), current.capAt);
  if (newExpiration <= current.expiresAt) {
    throw new TemporalError('MAX_EXTENSION_REACHED', 'the lease is already at its maximum extension');
  }
  const record = Object.freeze({
    ...withoutPending(current),
    sequence: current.sequence + 1,
    grantedAt: now,
    expiresAt: newExpiration,
    updatedAt: now,
  });
  return { record, grantedMs: newExpiration - now };
}

export function applyShutdown(current: LeaseRecord, now: number, reason: string): LeaseRecord {
  return Object.freeze({
    ...withoutPending(current),
    sequence: current.sequence + 1,
    shutdownAt: now,
    shutdownReason: reason,
    updatedAt: Math.max(now, current.updatedAt),
  });
}

/** Decodes a stored base64 key (written by createRecord, so a failure means a damaged store). */
export function storedKey(encoded: string): Uint8Array {
  return fromBase64(encoded, 'JOURNAL_CORRUPT', 'stored key');
}
