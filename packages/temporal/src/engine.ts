import { type Engine, type KeyPair, noble, type Signature, type SignatureId } from '@qsp/crypto-suite';
import { type ClockSource, EffectiveClock, systemClock } from './clock.js';
import { TemporalError } from './errors.js';
import { type LeaseRecord, type LeaseState, type LeaseStatus, stateAt, statusAt } from './lease.js';
import { MemoryStore } from './memory-store.js';
import { type Operation, parseMessage, type QsafpMessage, signMessage, verifyMessage } from './message.js';
import { type PresetName, preset, type TemporalPolicy, validatePolicy } from './policy.js';
import type { Approval, RenewalToken } from './renewal.js';
import type { TemporalStore } from './store.js';
import {
  applyShutdown,
  beginRenewal,
  completeRenewal,
  createRecord,
  deadLease,
  markExpired,
  storedKey,
} from './transitions.js';
import { assertSystemId, newSystemId } from './uuid.js';

export interface TemporalEngineOptions {
  /** Where leases live. Default: a MemoryStore (not durable). */
  readonly store?: TemporalStore;
  readonly clock?: ClockSource;
  /** Crypto engine for ML-DSA (default: noble). */
  readonly crypto?: Engine;
  /** Key that signs attestations (§1.1 messages about a lease). Default: a fresh ML-DSA-65 key. */
  readonly authority?: KeyPair & { readonly alg?: SignatureId };
  /** How long a renewal token stays approvable (seconds, default 900). */
  readonly renewalTokenTtl?: number;
  /**
   * How often the effective-time high-water mark is persisted (ms, default
   * 1000; 0: only on writes and close). Each checkpoint reserves twice this
   * interval ahead, so a process killed between checkpoints restarts at or
   * after any time it had handed out (leases may end up to that much early,
   * never late).
   */
  readonly checkpointIntervalMs?: number;
  /**
   * For a store shared by several nodes (PgStore): re-read every lease this
   * often (ms, default 0 = never) so a shutdown or renewal on another node
   * reaches this node's guards. `sync()` does the same on demand.
   */
  readonly syncIntervalMs?: number;
  /** Clock skew allowed on inbound message timestamps (ms, default 60 000). */
  readonly maxSkewMs?: number;
  /** Oldest inbound message timestamp accepted (ms, default 300 000). */
  readonly maxAgeMs?: number;
}

export interface RegisterOptions {
  /** A policy or a preset name. */
  readonly policy: TemporalPolicy | PresetName;
  /** k-of-n renewal approvers; fixed for the life of the lease. */
  readonly approvers: {
    readonly threshold: number;
    readonly publicKeys: readonly Uint8Array[];
    /** Default ML-DSA-65. */
    readonly alg?: SignatureId;
  };
  /** Default: a fresh UUID v4. */
  readonly systemId?: string;
  /** Public key that may sign inbound §1.1 messages (status, renew, shutdown) for this system. */
  readonly controllerKey?: Uint8Array;
}

export interface RenewalResult {
  readonly status: LeaseStatus;
  /** Milliseconds actually granted from now: may be less than asked (the cap). */
  readonly grantedMs: number;
  readonly previousExpiresAt: number;
}

export interface ReceiveResult {
  readonly operation: Operation;
  readonly status: LeaseStatus;
  /** For `renew`: the token approvers must sign. */
  readonly token?: RenewalToken;
}

export type EngineEvent =
  | {
      readonly type: 'registered' | 'renewed' | 'shutdown' | 'renewal-initiated';
      readonly status: LeaseStatus;
    }
  /** A lease was seen entering this state (by a status, a check or the watch timer). */
  | { readonly type: 'warning' | 'grace' | 'expired'; readonly status: LeaseStatus }
  /** A background write (sticky expiry, checkpoint) failed. */
  | { readonly type: 'error'; readonly error: unknown };

export type EngineListener = (event: EngineEvent) => void;

interface Entry {
  record: LeaseRecord;
  /** Last state an event was emitted for. */
  observed: LeaseState;
  /**
   * Effective time before which `observed` is still the state. -Infinity
   * forces the full computation (after any change of the record).
   */
  until: number;
  /**
   * The guard's fast path: while the monotonic clock reads within
   * [monoFrom, monoUntil), nothing can have changed (no state boundary, no
   * checkpoint due, no look at the wall clock due), so `observed` is the
   * answer without computing effective time.
   */
  monoFrom: number;
  monoUntil: number;
}

/** Checked before the store is opened, so a bad option never leaves a store (and its lock) open. */
function validateOptions(options: TemporalEngineOptions): void {
  if (typeof options !== 'object' || options === null) {
    throw new TemporalError('INVALID_ARGUMENT', 'options must be an object');
  }
  const ttl = options.renewalTokenTtl ?? 900;
  if (!(typeof ttl === 'number' && ttl > 0 && ttl <= 86_400)) {
    throw new TemporalError('INVALID_ARGUMENT', 'renewalTokenTtl must be in (0, 86400] s');
  }
  for (const name of ['checkpointIntervalMs', 'syncIntervalMs', 'maxSkewMs', 'maxAgeMs'] as const) {
    const value = options[name];
    if (value !== undefined && !(Number.isSafeInteger(value) && value >= 0)) {
      throw new TemporalError('INVALID_ARGUMENT', `${name} must be a non-negative integer`);
    }
  }
  const authority = options.authority;
  if (
    authority !== undefined &&
    !(authority.publicKey instanceof Uint8Array && authority.secretKey instanceof Uint8Array)
  ) {
    throw new TemporalError('INVALID_ARGUMENT', 'authority must hold publicKey and secretKey bytes');
  }
}

function setRecord(entry: Entry, record: LeaseRecord): void {
  entry.record = record;
  invalidate(entry);
}

function invalidate(entry: Entry): void {
  entry.until = Number.NEGATIVE_INFINITY;
  entry.monoUntil = Number.NEGATIVE_INFINITY;
}

function newEntry(record: LeaseRecord, now: number): Entry {
  const until = Number.NEGATIVE_INFINITY;
  return { record, observed: stateAt(record, now), until, monoFrom: 0, monoUntil: until };
}

/** The first effective time at which a lease in `state` moves on (never, for final states). */
function nextBoundary(record: LeaseRecord, state: LeaseState): number {
  switch (state) {
    case 'active':
      return record.expiresAt - Math.round(record.policy.warning_phase * 1000);
    case 'warning':
      return record.expiresAt;
    case 'grace':
      return record.expiresAt + Math.round(record.policy.grace_period * 1000);
    default:
      return Number.NEGATIVE_INFINITY;
  }
}

/**
 * The temporal engine: registers systems, answers status from memory and
 * effective time, and runs renewals and shutdowns through the store, whose
 * update is atomic. Construct with `TemporalEngine.open`.
 */
export class TemporalEngine {
  readonly clock: EffectiveClock;
  readonly store: TemporalStore;
  readonly crypto: Engine;
  readonly #entries = new Map<string, Entry>();
  readonly #listeners = new Set<EngineListener>();
  readonly #authority: KeyPair;
  readonly #authorityAlg: Signature;
  readonly #tokenTtlMs: number;
  readonly #maxSkewMs: number;
  readonly #maxAgeMs: number;
  #savedHighWater = 0;
  /** Effective time past which a guard must trigger a checkpoint (never, without a reserve). */
  #kickAt = Number.POSITIVE_INFINITY;
  readonly #reserveMs: number;
  #checkpointing: Promise<void> | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;
  #syncTimer: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  /** Set when close() starts: guards refuse from then on. */
  #closing = false;

  private constructor(
    options: TemporalEngineOptions,
    store: TemporalStore,
    clock: EffectiveClock,
    savedHighWater: number,
  ) {
    this.store = store;
    this.clock = clock;
    this.crypto = options.crypto ?? noble;
    this.#authorityAlg = this.crypto.signature(options.authority?.alg ?? 'ML-DSA-65');
    this.#authority = options.authority ?? this.#authorityAlg.keygen();
    this.#tokenTtlMs = Math.round((options.renewalTokenTtl ?? 900) * 1000);
    this.#maxSkewMs = options.maxSkewMs ?? 60_000;
    this.#maxAgeMs = options.maxAgeMs ?? 300_000;
    this.#reserveMs = 2 * (options.checkpointIntervalMs ?? 1000);
    this.#setSaved(savedHighWater);
  }

  /** Loads every lease from the store and starts the effective clock at the persisted high-water mark. */
  static async open(options: TemporalEngineOptions = {}): Promise<TemporalEngine> {
    validateOptions(options);
    const store = options.store ?? new MemoryStore();
    const snapshot = await store.load();
    let highWater = snapshot.highWaterMs;
    for (const r of snapshot.records) if (r.updatedAt > highWater) highWater = r.updatedAt;
    const clock = new EffectiveClock(options.clock ?? systemClock, highWater);
    const engine = new TemporalEngine(options, store, clock, highWater);
    const now = clock.now();
    for (const record of snapshot.records) {
      engine.#entries.set(record.systemId, newEntry(record, now));
    }
    const interval = options.checkpointIntervalMs ?? 1000;
    if (interval > 0) {
      engine.#timer = setInterval(() => engine.#checkpointInBackground(), interval);
      // A lease engine must never be the reason a process stays alive.
      engine.#timer.unref?.();
      // Reserve ahead at once: the first interval is covered too.
      engine.#checkpointInBackground();
    }
    const syncMs = options.syncIntervalMs ?? 0;
    if (syncMs > 0) {
      engine.#syncTimer = setInterval(() => {
        engine.sync().catch((error: unknown) => {
          if (!engine.#closed) engine.#emit({ type: 'error', error });
        });
      }, syncMs);
      engine.#syncTimer.unref?.();
    }
    return engine;
  }

  /** The authority's public key: verifies `attest` messages. */
  get authorityPublicKey(): Uint8Array {
    return this.#authority.publicKey;
  }

  get size(): number {
    return this.#entries.size;
  }

  systems(): IterableIterator<string> {
    return this.#entries.keys();
  }

  on(listener: EngineListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  async register(options: RegisterOptions): Promise<LeaseStatus> {
    this.#assertOpen();
    if (typeof options !== 'object' || options === null) {
      throw new TemporalError('INVALID_REGISTRATION', 'register takes an options object');
    }
    const policy =
      typeof options.policy === 'string' ? preset(options.policy) : validatePolicy(options.policy);
    const systemId = options.systemId === undefined ? newSystemId() : assertSystemId(options.systemId);
    if (typeof options.approvers !== 'object' || options.approvers === null) {
      throw new TemporalError('INVALID_REGISTRATION', 'approvers are required');
    }
    if (this.#entries.has(systemId)) {
      throw new TemporalError('ALREADY_REGISTERED', `system ${systemId} is already registered`);
    }
    const now = this.clock.now();
    const record = createRecord(
      {
        systemId,
        policy,
        approvers: {
          alg: options.approvers.alg ?? 'ML-DSA-65',
          threshold: options.approvers.threshold,
          publicKeys: options.approvers.publicKeys,
        },
        controllerKey: options.controllerKey,
      },
      now,
      this.crypto,
    );
    await this.store.insert(record);
    this.#entries.set(systemId, newEntry(record, now));
    const status = statusAt(record, now);
    this.#emit({ type: 'registered', status });
    return status;
  }

  /** Current status, computed from memory and effective time (no I/O). */
  status(systemId: string): LeaseStatus {
    const entry = this.#entry(systemId);
    const now = this.clock.now();
    if (now > this.#kickAt) this.#checkpointInBackground();
    const status = statusAt(entry.record, now);
    if (status.state !== entry.observed) this.#observe(entry, status.state, now);
    return status;
  }

  /**
   * Whether calls may run: returns the state (active, warning or grace), or
   * throws EXPIRED, SHUT_DOWN, UNKNOWN_SYSTEM or ENGINE_CLOSED.
   */
  check(systemId: string): LeaseState {
    const entry = this.#entries.get(systemId);
    if (entry === undefined) throw new TemporalError('UNKNOWN_SYSTEM', `no system ${systemId}`);
    return this.#check(entry);
  }

  /**
   * `check(systemId)` with the lookup done once: what guards call on every
   * invocation. Throws UNKNOWN_SYSTEM now for an unknown id.
   */
  checker(systemId: string): () => LeaseState {
    const entry = this.#entry(systemId);
    const clock = this.clock;
    // Fast path, the one nearly every guarded call takes: one monotonic
    // clock read and two comparisons (see Entry.monoUntil). close() and
    // every change of the lease invalidate it.
    if (clock.source === systemClock) {
      return () => {
        const mono = performance.now();
        if (mono < entry.monoUntil && mono >= entry.monoFrom) return entry.observed;
        return this.#check(entry, mono);
      };
    }
    return () => {
      const mono = clock.monotonicMs();
      if (mono < entry.monoUntil && mono >= entry.monoFrom) return entry.observed;
      return this.#check(entry, mono);
    };
  }

  #check(entry: Entry, mono = this.clock.monotonicMs()): LeaseState {
    // A closed engine persists nothing and watches nothing: fail closed.
    if (this.#closed || this.#closing) throw new TemporalError('ENGINE_CLOSED', 'engine is closed');
    if (mono < entry.monoUntil && mono >= entry.monoFrom) return entry.observed;
    const now = this.clock.now();
    // Handing out time past the persisted reservation (a stalled event loop
    // delayed the timer): persist now, so a crash cannot rewind past it.
    if (now > this.#kickAt) this.#checkpointInBackground();
    const state = stateAt(entry.record, now);
    if (state !== entry.observed) this.#observe(entry, state, now);
    entry.until = nextBoundary(entry.record, state);
    // Effective time advances exactly with the monotonic clock until the
    // clock's next look at the wall clock (which can only move it forward,
    // and is then seen at most that late), so the same answer holds for
    // as long as none of these is due. `now` is floored, so up to 1 ms of
    // the budget may already be spent: take it off.
    const budget = Math.min(entry.until - now - 1, this.#kickAt - now - 1, this.clock.wallLookDueMs());
    entry.monoFrom = mono;
    entry.monoUntil = budget > 0 ? mono + budget : Number.NEGATIVE_INFINITY;
    const systemId = entry.record.systemId;
    if (state === 'expired') throw new TemporalError('EXPIRED', `system ${systemId} has expired`);
    if (state === 'shutdown') throw new TemporalError('SHUT_DOWN', `system ${systemId} was shut down`);
    return state;
  }

  /** Starts a renewal; approvers sign the returned token with `approveRenewal`. */
  async initiateRenewal(systemId: string, options: { readonly period?: number } = {}): Promise<RenewalToken> {
    let requestedExpiration: number | undefined;
    if (options.period !== undefined) {
      if (!(typeof options.period === 'number' && options.period > 0 && Number.isFinite(options.period))) {
        throw new TemporalError('INVALID_ARGUMENT', 'period must be a positive number of seconds');
      }
    }
    let token: RenewalToken | undefined;
    await this.#mutate(systemId, (current, now) => {
      if (options.period !== undefined) requestedExpiration = now + Math.round(options.period * 1000);
      const begun = beginRenewal(current, now, {
        ...(requestedExpiration === undefined ? {} : { requestedExpiration }),
        nonce: globalThis.crypto.getRandomValues(new Uint8Array(16)),
        tokenTtlMs: this.#tokenTtlMs,
      });
      token = begun.token;
      return begun.record;
    });
    this.#emit({ type: 'renewal-initiated', status: this.status(systemId) });
    return token as unknown as RenewalToken;
  }

  /** Completes the pending renewal with k-of-n approvals. */
  async renew(systemId: string, approvals: readonly Approval[]): Promise<RenewalResult> {
    let grantedMs = 0;
    let previousExpiresAt = 0;
    const record = await this.#mutate(systemId, (current, now) => {
      previousExpiresAt = current.expiresAt;
      const done = completeRenewal(current, now, approvals, this.crypto);
      grantedMs = done.grantedMs;
      return done.record;
    });
    const status = statusAt(record, this.clock.now());
    this.#emit({ type: 'renewed', status });
    return { status, grantedMs, previousExpiresAt };
  }

  /** Final: nothing renews a shut-down system. Repeating it changes nothing. */
  async shutdown(systemId: string, reason = 'shutdown requested'): Promise<LeaseStatus> {
    if (typeof reason !== 'string' || reason.length > 256) {
      throw new TemporalError('INVALID_ARGUMENT', 'reason must be a string of at most 256 characters');
    }
    const record = await this.#mutate(
      systemId,
      (current, now) => (current.shutdownAt !== undefined ? undefined : applyShutdown(current, now, reason)),
      { allowDead: true },
    );
    const status = statusAt(record, this.clock.now());
    this.#emit({ type: 'shutdown', status });
    return status;
  }

  /**
   * Handles an inbound §1.1 message signed by the system's controller key:
   * `status`, `renew` (starts a renewal whose expiration is at most the
   * message's) or `shutdown`. Refuses unsigned, wrongly signed, expired and
   * replayed messages; the replay mark is stored with the lease.
   */
  async receive(input: unknown): Promise<ReceiveResult> {
    const message = parseMessage(input);
    const entry = this.#entry(message.system_id);
    const controllerKey = entry.record.controllerKey;
    if (controllerKey === undefined) {
      throw new TemporalError('BAD_SIGNATURE', 'this system has no controller key: it accepts no messages');
    }
    const alg = this.crypto.signature(entry.record.approvers.alg);
    let token: RenewalToken | undefined;
    const record = await this.#mutate(
      message.system_id,
      (current, now) => {
        const verified = verifyMessage(message, {
          publicKey: storedKey(controllerKey),
          alg,
          now,
          maxSkewMs: this.#maxSkewMs,
          maxAgeMs: this.#maxAgeMs,
          lastAcceptedMs: current.lastMessageAt,
          operations: ['status', 'renew', 'shutdown'],
        });
        const accepted = Object.freeze({ ...current, lastMessageAt: verified.timestampMs, updatedAt: now });
        if (message.operation === 'shutdown') {
          return current.shutdownAt !== undefined
            ? accepted
            : applyShutdown(accepted, now, 'shutdown message');
        }
        if (message.operation === 'renew') {
          const dead = deadLease(current, now);
          if (dead) throw dead.error;
          const begun = beginRenewal(accepted, now, {
            requestedExpiration: verified.expirationMs,
            nonce: globalThis.crypto.getRandomValues(new Uint8Array(16)),
            tokenTtlMs: this.#tokenTtlMs,
          });
          token = begun.token;
          return begun.record;
        }
        return accepted;
      },
      { allowDead: true },
    );
    const status = statusAt(record, this.clock.now());
    if (message.operation === 'shutdown') this.#emit({ type: 'shutdown', status });
    return { operation: message.operation, status, ...(token === undefined ? {} : { token }) };
  }

  /**
   * A §1.1 message signed by the engine's authority key stating the lease:
   * `expiration` is the lease's expiration. Anyone holding
   * `authorityPublicKey` can check it offline.
   */
  attest(systemId: string, operation: Operation = 'status'): QsafpMessage {
    const status = this.status(systemId);
    return signMessage(
      { systemId, operation, timestampMs: status.now, expirationMs: status.expiresAt },
      this.#authority.secretKey,
      this.#authorityAlg,
    );
  }

  /** Lease counts per state, for metrics. */
  counts(): Record<LeaseState, number> {
    const counts: Record<LeaseState, number> = { active: 0, warning: 0, grace: 0, expired: 0, shutdown: 0 };
    const now = this.clock.now();
    for (const entry of this.#entries.values()) counts[stateAt(entry.record, now)]++;
    return counts;
  }

  /** Re-reads one lease (or all) from the store: how a node sees other nodes' writes. */
  async sync(systemId?: string): Promise<void> {
    this.#assertOpen();
    const records =
      systemId === undefined
        ? (await this.store.load()).records
        : [await this.store.get(systemId)].filter((r): r is LeaseRecord => r !== undefined);
    const now = this.clock.now();
    for (const record of records) {
      this.clock.observe(record.updatedAt);
      const entry = this.#entries.get(record.systemId);
      if (entry) setRecord(entry, record);
      else this.#entries.set(record.systemId, newEntry(record, now));
    }
  }

  /**
   * Persists the effective-time high-water mark plus the reserve, if the
   * clock has moved past half of the last reservation.
   */
  async checkpoint(): Promise<void> {
    if (this.#closed) return;
    // Read the clock even if nobody asked for the time: elapsed time that is
    // never persisted would be lost to a restart with the wall clock behind.
    const hw = this.clock.now();
    if (hw + this.#reserveMs / 2 <= this.#savedHighWater) return;
    const target = hw + this.#reserveMs;
    await this.store.saveHighWater(target);
    if (target > this.#savedHighWater) this.#setSaved(target);
  }

  #setSaved(ms: number): void {
    this.#savedHighWater = ms;
    this.#kickAt = this.#reserveMs > 0 ? ms : Number.POSITIVE_INFINITY;
  }

  #checkpointInBackground(): void {
    if (this.#checkpointing || this.#closed || this.#closing) return;
    this.#checkpointing = this.checkpoint()
      .catch((error: unknown) => {
        if (!this.#closed) this.#emit({ type: 'error', error });
      })
      .finally(() => {
        this.#checkpointing = undefined;
      });
  }

  /** Stops the timers, persists the high-water mark and closes the store. Further calls throw ENGINE_CLOSED. */
  async close(): Promise<void> {
    if (this.#closed || this.#closing) return;
    this.#closing = true;
    if (this.#timer) clearInterval(this.#timer);
    if (this.#syncTimer) clearInterval(this.#syncTimer);
    // Guards' fast paths must fall through to the closed check from here on.
    for (const entry of this.#entries.values()) invalidate(entry);
    await this.#checkpointing;
    this.clock.now();
    // No reserve on a clean close: nothing runs until the next open.
    const hw = this.clock.highWater;
    if (hw > this.#savedHighWater) {
      await this.store.saveHighWater(hw).catch((error: unknown) => this.#emit({ type: 'error', error }));
    }
    this.#closed = true;
    await this.store.close();
  }

  #assertOpen(): void {
    if (this.#closed || this.#closing) throw new TemporalError('ENGINE_CLOSED', 'engine is closed');
  }

  #entry(systemId: string): Entry {
    const entry = this.#entries.get(systemId);
    if (entry === undefined) {
      assertSystemId(systemId);
      throw new TemporalError('UNKNOWN_SYSTEM', `no system ${systemId}`);
    }
    return entry;
  }

  async #mutate(
    systemId: string,
    change: (current: LeaseRecord, now: number) => LeaseRecord | undefined,
    options: { readonly allowDead?: boolean } = {},
  ): Promise<LeaseRecord> {
    this.#assertOpen();
    this.#entry(systemId);
    let failure: TemporalError | undefined;
    const record = await this.store.update(systemId, (current) => {
      failure = undefined;
      // Another node may be ahead of us: never go below its time.
      this.clock.observe(current.updatedAt);
      const now = this.clock.now();
      if (!options.allowDead) {
        const dead = deadLease(current, now);
        if (dead) {
          failure = dead.error;
          if (dead.record) return dead.record;
          throw dead.error;
        }
      }
      return change(current, now);
    });
    const entry = this.#entries.get(systemId);
    if (entry) setRecord(entry, record);
    if (failure) {
      if (entry) this.#observe(entry, stateAt(record, this.clock.now()), this.clock.now());
      throw failure;
    }
    if (record.updatedAt > this.#savedHighWater) this.#setSaved(record.updatedAt);
    return record;
  }

  #observe(entry: Entry, state: LeaseState, now: number): void {
    entry.observed = state;
    invalidate(entry);
    if (state === 'warning' || state === 'grace' || state === 'expired') {
      this.#emit({ type: state, status: statusAt(entry.record, now) });
    }
    if (state === 'expired' && entry.record.expiredAt === undefined) {
      // Make expiry durable so no later clock trouble can revive the lease.
      const systemId = entry.record.systemId;
      this.store
        .update(systemId, (current) =>
          current.expiredAt !== undefined ||
          current.shutdownAt !== undefined ||
          stateAt(current, now) !== 'expired'
            ? undefined
            : markExpired(current, now),
        )
        .then((record) => {
          const e = this.#entries.get(systemId);
          if (e) setRecord(e, record);
        })
        .catch((error: unknown) => {
          if (!this.#closed) this.#emit({ type: 'error', error });
        });
    }
  }

  #emit(event: EngineEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        // A listener's bug must not break a guard decision; report it once.
        if (event.type !== 'error') this.#emit({ type: 'error', error });
      }
    }
  }
}
