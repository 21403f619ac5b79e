// Node-only entry: storage engines (PGlite, PostgreSQL via pg) and blob stores.
export type { BlobStore, StoredBlob } from './store/blob-store.js';
export {
  type ArtifactRow,
  type AuditEntry,
  type AuditVerification,
  EvidenceStore,
  type EvidenceStoreOptions,
  type JobRow,
  type NewJob,
  type StoreBundleInput,
  type StoredBundle,
} from './store/evidence-store.js';
export { fsBlobStore, memoryBlobStore } from './store/fs-blob-store.js';
export { pgClient } from './store/pg.js';
export { pgliteClient } from './store/pglite.js';
export { type Retention, retentionSql } from './store/retention.js';
export { SQLSTATE, schemaSql } from './store/schema-sql.js';
export type { SqlClient, SqlExecutor } from './store/sql-client.js';
