import { describe, it } from 'vitest';
import { pgClient, pgliteClient } from '../src/store.js';
import { storeSuite } from './store-suite.js';

storeSuite('PGlite (embedded)', () => pgliteClient());

const url = process.env.QSP_PG_URL;
if (url) {
  storeSuite('PostgreSQL server (pg)', async () => pgClient(url));
} else {
  describe('EvidenceStore on a PostgreSQL server', () => {
    it.skipIf(true)(
      'skipped: set QSP_PG_URL (e.g. postgres://postgres@127.0.0.1:5432/test) to run the suite on a server',
      () => {},
    );
  });
  console.log('skipped the PostgreSQL store suite: QSP_PG_URL is not set');
}
