import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe } from 'vitest';
import { FileJournalStore } from '../src/file-store.js';
import { MemoryStore } from '../src/memory-store.js';
import { PgStore } from '../src/pg-store.js';
import { storeCompliance } from './store-suite.js';

storeCompliance(
  'MemoryStore',
  () => {
    const store = new MemoryStore();
    return { create: async () => store, reopen: async () => store, concurrentHandles: false };
  },
  false,
);

storeCompliance(
  'FileJournalStore',
  () => {
    const dir = mkdtempSync(join(tmpdir(), 'qsafp-store-'));
    return {
      create: async () => new FileJournalStore({ dir }),
      reopen: async () => new FileJournalStore({ dir }),
      concurrentHandles: false,
    };
  },
  true,
);

const pgUrl = process.env.QSP_PG_URL;
if (!pgUrl)
  console.warn('skipped: QSP_PG_URL is not set, so the PostgreSQL store compliance tests do not run');
const schemas = new Set<string>();

afterAll(async () => {
  if (!pgUrl || schemas.size === 0) return;
  const admin = new PgStore({ connectionString: pgUrl, schema: 'qsafp_admin_unused' });
  for (const schema of schemas) await admin.pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  await admin.close();
});

describe.skipIf(!pgUrl)('PostgreSQL', () => {
  storeCompliance(
    'PgStore',
    () => {
      const schema = `qsafp_test_${Math.random().toString(36).slice(2, 10)}`;
      schemas.add(schema);
      const make = async () => new PgStore({ connectionString: pgUrl ?? '', schema });
      return { create: make, reopen: make, concurrentHandles: true };
    },
    true,
  );
});
