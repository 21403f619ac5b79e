import { TemporalError } from './errors.js';
import type { LeaseRecord } from './lease.js';
import type { StoreSnapshot, TemporalStore } from './store.js';

/**
 * A store that lives and dies with the process: for tests, simulations and
 * short-lived tools. Not durable; use FileJournalStore or PgStore to survive
 * a restart.
 */
export class MemoryStore implements TemporalStore {
  readonly #records = new Map<string, LeaseRecord>();
  #highWater = 0;
  #closed = false;

  #open(): void {
    if (this.#closed) throw new TemporalError('STORE_UNAVAILABLE', 'store is closed');
  }

  async load(): Promise<StoreSnapshot> {
    this.#open();
    return { records: [...this.#records.values()], highWaterMs: this.#highWater };
  }

  async get(systemId: string): Promise<LeaseRecord | undefined> {
    this.#open();
    return this.#records.get(systemId);
  }

  async insert(record: LeaseRecord): Promise<void> {
    this.#open();
    if (this.#records.has(record.systemId)) {
      throw new TemporalError('ALREADY_REGISTERED', `system ${record.systemId} is already registered`);
    }
    this.#records.set(record.systemId, record);
  }

  async update(
    systemId: string,
    change: (current: LeaseRecord) => LeaseRecord | undefined,
  ): Promise<LeaseRecord> {
    this.#open();
    const current = this.#records.get(systemId);
    if (!current) throw new TemporalError('UNKNOWN_SYSTEM', `no system ${systemId}`);
    const next = change(current);
    if (next === undefined) return current;
    this.#records.set(systemId, next);
    return next;
  }

  async saveHighWater(ms: number): Promise<void> {
    this.#open();
    if (ms > this.#highWater) this.#highWater = ms;
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
