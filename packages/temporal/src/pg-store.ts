import pg from 'pg';
import { TemporalError } from './errors.js';
import type { LeaseRecord } from './lease.js';
import type { StoreSnapshot, TemporalStore } from './store.js';

export interface PgStoreOptions {
  /** A pg Pool (shared with the application), or a connection string for a pool this store owns. */
  readonly pool?: pg.Pool;
  readonly connectionString?: string;
  /** Schema holding the two tables (default "qsafp"); created if absent. */
  readonly schema?: string;
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * PostgreSQL store for several engine nodes sharing leases. Every update is
 * a transaction that locks the lease row (SELECT ... FOR UPDATE), so
 * concurrent renewals of one system on different nodes are serialised and
 * each sees the other's result.
 */
export class PgStore implements TemporalStore {
  readonly pool: pg.Pool;
  readonly schema: string;
  readonly #ownsPool: boolean;
  #closed = false;

  constructor(options: PgStoreOptions) {
    const schema = options.schema ?? 'qsafp';
    if (!IDENT.test(schema))
      throw new TemporalError('INVALID_ARGUMENT', 'schema must be a lowercase SQL identifier');
    this.schema = schema;
    if (options.pool) {
      this.pool = options.pool;
      this.#ownsPool = false;
    } else if (options.connectionString) {
      this.pool = new pg.Pool({ connectionString: options.connectionString, max: 4 });
      this.#ownsPool = true;
    } else {
      throw new TemporalError('INVALID_ARGUMENT', 'PgStore needs a pool or a connection string');
    }
  }

  get #leases(): string {
    return `"${this.schema}".leases`;
  }

  get #highWaterTable(): string {
    return `"${this.schema}".high_water`;
  }

  /** Creates the schema and tables if they do not exist (idempotent). */
  async migrate(): Promise<void> {
    await this.#run(async () => {
      const client = await this.pool.connect();
      try {
        await client.query('BEGIN');
        // Serialise concurrent migrations of the same schema.
        await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`qsafp:${this.schema}`]);
        await client.query(`CREATE SCHEMA IF NOT EXISTS "${this.schema}"`);
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${this.#leases} (
             system_id uuid PRIMARY KEY,
             record jsonb NOT NULL,
             updated_at bigint NOT NULL
           )`,
        );
        await client.query(
          `CREATE TABLE IF NOT EXISTS ${this.#highWaterTable} (
             id smallint PRIMARY KEY CHECK (id = 1),
             ms bigint NOT NULL
           )`,
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    });
  }

  async load(): Promise<StoreSnapshot> {
    await this.migrate();
    return this.#run(async () => {
      const leases = await this.pool.query<{ record: LeaseRecord }>(`SELECT record FROM ${this.#leases}`);
      const hw = await this.pool.query<{ ms: string }>(`SELECT ms FROM ${this.#highWaterTable} WHERE id = 1`);
      return {
        records: leases.rows.map((r) => Object.freeze(r.record)),
        highWaterMs: hw.rows[0] ? Number(hw.rows[0].ms) : 0,
      };
    });
  }

  async get(systemId: string): Promise<LeaseRecord | undefined> {
    return this.#run(async () => {
      const r = await this.pool.query<{ record: LeaseRecord }>(
        `SELECT record FROM ${this.#leases} WHERE system_id = $1`,
        [systemId],
      );
      return r.rows[0] ? Object.freeze(r.rows[0].record) : undefined;
    });
  }

  async insert(record: LeaseRecord): Promise<void> {
    const inserted = await this.#run(async () => {
      const r = await this.pool.query(
        `INSERT INTO ${this.#leases} (system_id, record, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (system_id) DO NOTHING`,
        [record.systemId, JSON.stringify(record), record.updatedAt],
      );
      return r.rowCount === 1;
    });
    if (!inserted)
      throw new TemporalError('ALREADY_REGISTERED', `system ${record.systemId} is already registered`);
  }

  async update(
    systemId: string,
    change: (current: LeaseRecord) => LeaseRecord | undefined,
  ): Promise<LeaseRecord> {
    this.#assertOpen();
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw new TemporalError('STORE_UNAVAILABLE', 'cannot reach PostgreSQL', { cause: error });
    }
    let changeError: unknown;
    try {
      await client.query('BEGIN');
      const r = await client.query<{ record: LeaseRecord }>(
        `SELECT record FROM ${this.#leases} WHERE system_id = $1 FOR UPDATE`,
        [systemId],
      );
      const row = r.rows[0];
      if (!row) throw new TemporalError('UNKNOWN_SYSTEM', `no system ${systemId}`);
      const current = Object.freeze(row.record);
      let next: LeaseRecord | undefined;
      try {
        next = change(current);
      } catch (error) {
        changeError = error;
        throw error;
      }
      if (next === undefined) {
        await client.query('COMMIT');
        return current;
      }
      await client.query(`UPDATE ${this.#leases} SET record = $2, updated_at = $3 WHERE system_id = $1`, [
        systemId,
        JSON.stringify(next),
        next.updatedAt,
      ]);
      await client.query('COMMIT');
      return next;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      if (error instanceof TemporalError || error === changeError) throw error;
      throw new TemporalError('STORE_UNAVAILABLE', 'lease update failed', { cause: error });
    } finally {
      client.release();
    }
  }

  async saveHighWater(ms: number): Promise<void> {
    await this.#run(() =>
      this.pool.query(
        `INSERT INTO ${this.#highWaterTable} (id, ms) VALUES (1, $1)
         ON CONFLICT (id) DO UPDATE SET ms = GREATEST(${this.#highWaterTable}.ms, EXCLUDED.ms)`,
        [Math.floor(ms)],
      ),
    );
  }

  /** Drops the schema and everything in it (tests and decommissioning). */
  async dropSchema(): Promise<void> {
    await this.#run(() => this.pool.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsPool) await this.pool.end();
  }

  #assertOpen(): void {
    if (this.#closed) throw new TemporalError('STORE_UNAVAILABLE', 'store is closed');
  }

  async #run<T>(fn: () => Promise<T>): Promise<T> {
    this.#assertOpen();
    try {
      return await fn();
    } catch (error) {
      if (error instanceof TemporalError) throw error;
      throw new TemporalError('STORE_UNAVAILABLE', 'PostgreSQL operation failed', { cause: error });
    }
  }
}
