import { PGlite } from '@electric-sql/pglite';
import type { SqlClient, SqlExecutor } from './sql-client.js';

/**
 * Embedded PostgreSQL (PGlite, WASM) — the zero-setup default. `dataDir`
 * persists to a directory; without it the database lives in memory.
 */
export async function pgliteClient(dataDir?: string): Promise<SqlClient> {
  const db = dataDir === undefined ? new PGlite() : new PGlite(dataDir);
  await db.waitReady;
  const exec = (q: { query: PGlite['query'] }): SqlExecutor => ({
    async query<T>(sql: string, params: readonly unknown[] = []) {
      const r = await q.query<T>(sql, [...params]);
      return { rows: r.rows };
    },
  });
  return {
    ...exec(db),
    transaction: (fn) => db.transaction((tx) => fn(exec(tx))),
    async exec(sql) {
      await db.exec(sql);
    },
    close: () => db.close(),
  };
}
