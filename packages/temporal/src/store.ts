import type { LeaseRecord } from './lease.js';

/** Everything a store holds, as read at open. */
export interface StoreSnapshot {
  readonly records: readonly LeaseRecord[];
  /** Highest effective time ever persisted (0 when none). */
  readonly highWaterMs: number;
}

/**
 * Durable lease storage. Every implementation passes the same compliance
 * suite (test/store-suite.ts). A write resolves only once it is durable;
 * a rejected write changed nothing.
 */
export interface TemporalStore {
  /** Reads everything (recovering from a crash if needed). Called once, by the engine. */
  load(): Promise<StoreSnapshot>;
  get(systemId: string): Promise<LeaseRecord | undefined>;
  /** Adds a new record; ALREADY_REGISTERED if the id exists. */
  insert(record: LeaseRecord): Promise<void>;
  /**
   * Atomically replaces the record with `change(current)`, serialised against
   * every other update of the same id (also across processes, where the store
   * is shared). `change` returns undefined for "no write"; if it throws,
   * nothing is written and the error propagates. UNKNOWN_SYSTEM if absent.
   */
  update(systemId: string, change: (current: LeaseRecord) => LeaseRecord | undefined): Promise<LeaseRecord>;
  /** Persists a high-water mark of effective time; never lowers the stored one. */
  saveHighWater(ms: number): Promise<void>;
  close(): Promise<void>;
}
