import pg from 'pg';
import type { SqlClient, SqlExecutor } from './sql-client.js';

/** A PostgreSQL server through `pg` (a pool), for deployments with several nodes. */
export function pgClient(config: string | pg.PoolConfig): SqlClient {
  const pool = new pg.Pool(typeof config === 'string' ? { connectionString: config } : config);
  // An idle client's network error must not crash the process; the next query reports it.
  pool.on('error', () => {});
  const exec = (q: pg.Pool | pg.PoolClient): SqlExecutor => ({
    async query<T>(sql: string, params: readonly unknown[] = []) {
      const r = await q.query(sql, [...params]);
      return { rows: r.rows as T[] };
    },
  });
  return {
    ...exec(pool),
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn(exec(client));
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    },
    async exec(sql) {
      await pool.query(sql);
    },
    close: () => pool.end(),
  };
}
