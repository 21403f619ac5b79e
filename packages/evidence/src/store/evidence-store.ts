import type { Hash } from '@qsp/crypto-suite';
import { noble } from '@qsp/crypto-suite';
import type { BundleArtifact, EvidenceBundle, JobRecord } from '../bundle.js';
import { bundleHash } from '../canonical.js';
import { bytesToHex, hexToBytes, utf8 } from '../encoding.js';
import { EvidenceError } from '../errors.js';
import { type LifecycleState, transition } from '../lifecycle.js';
import { assertBundle, assertJob } from '../validate.js';
import { storeError } from './errors-map.js';
import { type Retention, retentionSql } from './retention.js';
import { schemaIdent, schemaSql } from './schema-sql.js';
import type { SqlClient, SqlExecutor } from './sql-client.js';

const ts = (col: string) => `to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

export interface NewJob {
  readonly job_id: string;
  readonly backend_id: string;
  readonly shots_requested?: number;
  readonly submitted_at?: string;
  readonly cost_estimate?: number;
}

export interface JobRow {
  readonly job_id: string;
  readonly tenant_id: string;
  readonly backend_id: string;
  readonly status: LifecycleState;
  readonly record: JobRecord | null;
  readonly failure_reason: string | null;
  readonly created_at: string;
}

export interface ArtifactRow {
  readonly name: string;
  readonly hash: string;
  readonly size_bytes: number;
  readonly content_type: string;
  readonly storage_uri: string;
}

export interface StoredBundle {
  readonly bundle: EvidenceBundle;
  readonly bundle_hash: string;
  readonly storage_uri: string;
  readonly status: 'BundleSigned' | 'BundleVerified';
  readonly retention_class: 'standard' | 'compliance' | 'enterprise';
  readonly immutable: boolean;
  readonly created_at: string;
  readonly retain_until: string;
  readonly verification_count: number;
  readonly last_verified_at: string | null;
}

export interface AuditEntry {
  readonly id: number;
  readonly timestamp: string;
  readonly tenant_id: string;
  readonly action: string;
  readonly resource_type: string | null;
  readonly resource_id: string | null;
  readonly details: Record<string, unknown>;
  readonly prev_hash: string;
  readonly row_hash: string;
}

export interface AuditVerification {
  readonly valid: boolean;
  readonly rows: number;
  /** row_hash of the last row: publish or anchor it so a rewrite of the whole chain is detectable. */
  readonly head: string;
  /** id of the first row that does not verify. */
  readonly brokenAt?: number;
}

export interface StoreBundleInput {
  readonly bundle: EvidenceBundle;
  readonly storageUri: string;
  readonly retention: Retention;
}

export interface EvidenceStoreOptions {
  /** PostgreSQL schema holding the tables (default `qsp_evidence`). */
  readonly schema?: string;
  readonly hash?: Hash;
}

const ZERO = '0'.repeat(64);

/**
 * The seed's tables behind one interface; the same SQL runs on PGlite and
 * on a PostgreSQL server. Every query names the tenant, so one tenant's
 * ids never reach another's rows.
 */
export class EvidenceStore {
  readonly #db: SqlClient;
  readonly #s: string;
  readonly #schema: string;
  readonly #hash: Hash;

  private constructor(db: SqlClient, schema: string, hash: Hash) {
    this.#db = db;
    this.#schema = schema;
    this.#s = schemaIdent(schema);
    this.#hash = hash;
  }

  /** Opens the store, creating or upgrading its schema. */
  static async open(db: SqlClient, options: EvidenceStoreOptions = {}): Promise<EvidenceStore> {
    const store = new EvidenceStore(
      db,
      options.schema ?? 'qsp_evidence',
      options.hash ?? noble.hash('SHA-256'),
    );
    try {
      await db.exec(schemaSql(store.#schema));
    } catch (e) {
      throw storeError(e, 'migrating');
    }
    return store;
  }

  get schema(): string {
    return this.#schema;
  }

  async close(): Promise<void> {
    await this.#db.close();
  }

  async #run<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      throw storeError(e, what);
    }
  }

  async createJob(tenant: string, job: NewJob): Promise<JobRow> {
    return this.#run('creating job', async () => {
      await this.#db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO ${this.#s}.jobs (id, tenant_id, backend_id, shots_requested, submitted_at, cost_estimate)
           VALUES ($1, $2, $3, $4, $5, $6)`,
          [
            job.job_id,
            tenant,
            job.backend_id,
            job.shots_requested ?? null,
            job.submitted_at ?? null,
            job.cost_estimate ?? null,
          ],
        );
        await this.#audit(tx, tenant, 'job.created', 'job', job.job_id, { backend_id: job.backend_id });
      });
      return (await this.getJob(tenant, job.job_id))!;
    });
  }

  async getJob(tenant: string, jobId: string, tx: SqlExecutor = this.#db): Promise<JobRow | undefined> {
    const { rows } = await this.#run('reading job', () =>
      tx.query<JobRow>(
        `SELECT id AS job_id, tenant_id, backend_id, status, record, failure_reason, ${ts('created_at')} AS created_at
         FROM ${this.#s}.jobs WHERE tenant_id = $1 AND id = $2`,
        [tenant, jobId],
      ),
    );
    return rows[0];
  }

  /** Compare-and-set on the lifecycle state, inside `tx`. */
  async #move(
    tx: SqlExecutor,
    tenant: string,
    jobId: string,
    from: LifecycleState,
    to: LifecycleState,
    set = '',
    params: unknown[] = [],
  ) {
    transition(from, to);
    const { rows } = await tx.query(
      `UPDATE ${this.#s}.jobs SET status = $3${set} WHERE tenant_id = $1 AND id = $2 AND status = $4 RETURNING id`,
      [tenant, jobId, to, from, ...params],
    );
    if (rows.length === 0) {
      const job = await this.getJob(tenant, jobId, tx);
      if (!job) throw new EvidenceError('NOT_FOUND', `no job "${jobId}"`);
      throw new EvidenceError('ILLEGAL_TRANSITION', `job "${jobId}" is ${job.status}, not ${from}`);
    }
    await this.#audit(tx, tenant, 'job.transition', 'job', jobId, { from, to });
  }

  /** Moves a job along the lifecycle (from its current state), refusing illegal transitions. */
  async advance(tenant: string, jobId: string, to: LifecycleState): Promise<void> {
    await this.#run('moving job', () =>
      this.#db.transaction(async (tx) => {
        const job = await this.getJob(tenant, jobId, tx);
        if (!job) throw new EvidenceError('NOT_FOUND', `no job "${jobId}"`);
        await this.#move(tx, tenant, jobId, job.status, to);
      }),
    );
  }

  /** JobRunning -> JobCompleted, fixing the job record the bundle will carry. */
  async completeJob(tenant: string, jobId: string, record: JobRecord): Promise<void> {
    assertJob(record);
    if (record.tenant_id !== tenant || record.job_id !== jobId) {
      throw new EvidenceError('INVALID_ARGUMENT', 'job record names another tenant or job');
    }
    await this.#run('completing job', () =>
      this.#db.transaction((tx) =>
        this.#move(
          tx,
          tenant,
          jobId,
          'JobRunning',
          'JobCompleted',
          ', record = $5, completed_at = $6, cost_final = $7',
          [JSON.stringify(record), record.timeline.completed_at, record.cost.final_usd],
        ),
      ),
    );
  }

  /** JobRunning -> JobFailed: no evidence will ever be produced. */
  async failJob(tenant: string, jobId: string, reason: string): Promise<void> {
    await this.#run('failing job', () =>
      this.#db.transaction((tx) =>
        this.#move(tx, tenant, jobId, 'JobRunning', 'JobFailed', ', failure_reason = $5', [reason]),
      ),
    );
  }

  /** Registers an artifact (already in the blob store) before evidence is requested. */
  async addArtifact(tenant: string, jobId: string, a: ArtifactRow): Promise<void> {
    const hex = a.hash.startsWith('sha256:') ? a.hash.slice(7) : '';
    await this.#run('adding artifact', () =>
      this.#db.transaction(async (tx) => {
        const { rows } = await tx.query(
          `INSERT INTO ${this.#s}.artifacts (tenant_id, job_id, position, name, hash_value, size_bytes, content_type, storage_uri)
           SELECT tenant_id, id, (SELECT count(*) FROM ${this.#s}.artifacts a WHERE a.tenant_id = $1 AND a.job_id = $2),
                  $3, $4, $5, $6, $7
           FROM ${this.#s}.jobs WHERE tenant_id = $1 AND id = $2 AND status IN ('JobCreated', 'JobRunning', 'JobCompleted')
           RETURNING id`,
          [tenant, jobId, a.name, hex, a.size_bytes, a.content_type, a.storage_uri],
        );
        if (rows.length === 0) {
          const job = await this.getJob(tenant, jobId, tx);
          if (!job) throw new EvidenceError('NOT_FOUND', `no job "${jobId}"`);
          throw new EvidenceError(
            'ILLEGAL_TRANSITION',
            `job "${jobId}" is ${job.status}: its artifact list is closed`,
          );
        }
        await this.#audit(tx, tenant, 'artifact.added', 'job', jobId, { name: a.name, hash: a.hash });
      }),
    );
  }

  async listArtifacts(tenant: string, jobId: string, tx: SqlExecutor = this.#db): Promise<ArtifactRow[]> {
    const { rows } = await this.#run('listing artifacts', () =>
      tx.query<{
        name: string;
        hash_value: string;
        size_bytes: string | number;
        content_type: string;
        storage_uri: string;
      }>(
        `SELECT name, hash_value, size_bytes::text AS size_bytes, content_type, storage_uri
         FROM ${this.#s}.artifacts WHERE tenant_id = $1 AND job_id = $2 ORDER BY position`,
        [tenant, jobId],
      ),
    );
    return rows.map((r) => ({
      name: r.name,
      hash: `sha256:${r.hash_value}`,
      size_bytes: Number(r.size_bytes),
      content_type: r.content_type,
      storage_uri: r.storage_uri,
    }));
  }

  /** JobCompleted -> BundlePending. */
  async requestEvidence(tenant: string, jobId: string): Promise<void> {
    await this.#run('requesting evidence', () =>
      this.#db.transaction((tx) => this.#move(tx, tenant, jobId, 'JobCompleted', 'BundlePending')),
    );
  }

  /** BundlePending -> BundlePackaging (a worker took the job). */
  async beginPackaging(tenant: string, jobId: string): Promise<void> {
    await this.#run('starting packaging', () =>
      this.#db.transaction((tx) => this.#move(tx, tenant, jobId, 'BundlePending', 'BundlePackaging')),
    );
  }

  /**
   * Stores a signed bundle: bundle row, its artifacts, BundlePackaging ->
   * BundleSigned and the audit entry, all in one transaction, so a crash at
   * any point leaves either all of it or none of it.
   */
  async storeBundle(tenant: string, input: StoreBundleInput): Promise<StoredBundle> {
    const { bundle } = input;
    assertBundle(bundle);
    if (bundle.tenant_id !== tenant)
      throw new EvidenceError('INVALID_ARGUMENT', 'bundle belongs to another tenant');
    const r = retentionSql(input.retention);
    const hash = bundleHash(bundle, this.#hash);
    await this.#run('storing bundle', () =>
      this.#db.transaction(async (tx) => {
        const existing = await this.listArtifacts(tenant, bundle.job_id, tx);
        if (existing.length > 0) {
          if (!sameArtifacts(existing, bundle.artifacts)) {
            throw new EvidenceError(
              'CONFLICT',
              'bundle artifacts differ from the artifacts registered for the job',
            );
          }
        } else {
          for (const [i, a] of bundle.artifacts.entries()) {
            await tx.query(
              `INSERT INTO ${this.#s}.artifacts (tenant_id, job_id, position, name, hash_value, size_bytes, content_type, storage_uri)
               VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
              [
                tenant,
                bundle.job_id,
                i,
                a.name,
                a.hash.slice(7),
                a.size_bytes,
                a.content_type,
                `cas:${a.hash}`,
              ],
            );
          }
        }
        await tx.query(
          `INSERT INTO ${this.#s}.evidence_bundles (tenant_id, job_id, bundle_id, manifest, manifest_hash, merkle_root,
             signature_algorithm, signature_key_id, signature_value, storage_uri, retention_class, immutable, retain_until)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, now() + make_interval(years => $13, days => $14))`,
          [
            tenant,
            bundle.job_id,
            bundle.bundle_id,
            JSON.stringify(bundle),
            hash.slice(7),
            bundle.merkle_root.slice(7),
            bundle.signature.algorithm,
            bundle.signature.key_id,
            bundle.signature.value,
            input.storageUri,
            r.retentionClass,
            r.immutable,
            r.years,
            r.days,
          ],
        );
        await this.#move(tx, tenant, bundle.job_id, 'BundlePackaging', 'BundleSigned');
        await this.#audit(tx, tenant, 'bundle.signed', 'bundle', bundle.bundle_id, {
          job_id: bundle.job_id,
          bundle_hash: hash,
          key_id: bundle.signature.key_id,
          retention_class: r.retentionClass,
        });
      }),
    );
    return (await this.getBundle(tenant, bundle.job_id))!;
  }

  #bundleSelect(where: string): string {
    return `SELECT manifest, manifest_hash, storage_uri, status, retention_class, immutable,
              ${ts('created_at')} AS created_at, ${ts('retain_until')} AS retain_until,
              verification_count, ${ts('last_verified_at')} AS last_verified_at
            FROM ${this.#s}.evidence_bundles WHERE tenant_id = $1 AND ${where}`;
  }

  #toStored(r: Record<string, unknown>): StoredBundle {
    return {
      bundle: r.manifest as EvidenceBundle,
      bundle_hash: `sha256:${r.manifest_hash}`,
      storage_uri: r.storage_uri as string,
      status: r.status as StoredBundle['status'],
      retention_class: r.retention_class as StoredBundle['retention_class'],
      immutable: r.immutable as boolean,
      created_at: r.created_at as string,
      retain_until: r.retain_until as string,
      verification_count: Number(r.verification_count),
      last_verified_at: (r.last_verified_at as string | null) ?? null,
    };
  }

  async getBundle(tenant: string, jobId: string): Promise<StoredBundle | undefined> {
    const { rows } = await this.#run('reading bundle', () =>
      this.#db.query(this.#bundleSelect('job_id = $2'), [tenant, jobId]),
    );
    return rows[0] && this.#toStored(rows[0]);
  }

  async findBundleByHash(tenant: string, bundleHashValue: string): Promise<StoredBundle | undefined> {
    if (!/^sha256:[0-9a-f]{64}$/.test(bundleHashValue)) return undefined;
    const { rows } = await this.#run('reading bundle', () =>
      this.#db.query(this.#bundleSelect('manifest_hash = $2'), [tenant, bundleHashValue.slice(7)]),
    );
    return rows[0] && this.#toStored(rows[0]);
  }

  /** Counts a verification; the first successful one moves the bundle and job to BundleVerified. */
  async recordVerification(tenant: string, bundleId: string, valid: boolean): Promise<void> {
    await this.#run('recording verification', () =>
      this.#db.transaction(async (tx) => {
        const { rows } = await tx.query<{ job_id: string; status: string }>(
          `UPDATE ${this.#s}.evidence_bundles SET verification_count = verification_count + 1, last_verified_at = now()
           WHERE tenant_id = $1 AND bundle_id = $2 RETURNING job_id, status`,
          [tenant, bundleId],
        );
        const row = rows[0];
        if (!row) throw new EvidenceError('NOT_FOUND', `no bundle "${bundleId}"`);
        if (valid && row.status === 'BundleSigned') {
          await tx.query(
            `UPDATE ${this.#s}.evidence_bundles SET status = 'BundleVerified' WHERE tenant_id = $1 AND bundle_id = $2`,
            [tenant, bundleId],
          );
          await this.#move(tx, tenant, row.job_id, 'BundleSigned', 'BundleVerified');
        }
        await this.#audit(tx, tenant, 'bundle.verified', 'bundle', bundleId, { valid });
      }),
    );
  }

  /**
   * Jobs of every tenant waiting for the worker. The one query that spans
   * tenants: it serves the operator's worker, never an API caller.
   */
  async pendingJobs(): Promise<{ tenant_id: string; job_id: string }[]> {
    const { rows } = await this.#run('listing pending jobs', () =>
      this.#db.query<{ tenant_id: string; job_id: string }>(
        `SELECT tenant_id, id AS job_id FROM ${this.#s}.jobs
         WHERE status IN ('BundlePending', 'BundlePackaging') ORDER BY updated_at`,
      ),
    );
    return rows;
  }

  /**
   * The tenant's bundles whose retention has ended (by the database clock),
   * oldest first: what a retention job archives, then deletes.
   */
  async expiredBundles(tenant: string): Promise<StoredBundle[]> {
    const { rows } = await this.#run('listing expired bundles', () =>
      this.#db.query(`${this.#bundleSelect('retain_until <= now()')} ORDER BY retain_until`, [tenant]),
    );
    return rows.map((r) => this.#toStored(r));
  }

  /** Deletes a bundle; the database refuses while a WORM bundle is in retention. */
  async deleteBundle(tenant: string, bundleId: string): Promise<void> {
    await this.#run('deleting bundle', () =>
      this.#db.transaction(async (tx) => {
        const { rows } = await tx.query(
          `DELETE FROM ${this.#s}.evidence_bundles WHERE tenant_id = $1 AND bundle_id = $2 RETURNING id`,
          [tenant, bundleId],
        );
        if (rows.length === 0) throw new EvidenceError('NOT_FOUND', `no bundle "${bundleId}"`);
        await this.#audit(tx, tenant, 'bundle.deleted', 'bundle', bundleId, {});
      }),
    );
  }

  /** Appends an entry to the tenant's hash-chained audit log. */
  async appendAudit(
    tenant: string,
    action: string,
    resourceType: string | null,
    resourceId: string | null,
    details: Record<string, unknown> = {},
  ): Promise<void> {
    await this.#run('appending audit entry', () =>
      this.#audit(this.#db, tenant, action, resourceType, resourceId, details),
    );
  }

  async #audit(
    tx: SqlExecutor,
    tenant: string,
    action: string,
    resourceType: string | null,
    resourceId: string | null,
    details: Record<string, unknown>,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO ${this.#s}.evidence_audit_log (id, prev_hash, row_hash, tenant_id, action, resource_type, resource_id, details)
       VALUES (0, '', '', $1, $2, $3, $4, $5)`,
      [tenant, action, resourceType, resourceId, JSON.stringify(details)],
    );
  }

  async auditLog(tenant: string): Promise<AuditEntry[]> {
    const { rows } = await this.#run('reading audit log', () =>
      this.#db.query<AuditEntry & { id: string }>(
        // ORDER BY l.id, the bigint: a bare "id" would sort by the text alias (1, 10, 2, …).
        `SELECT l.id::text AS id, ${ts('l."timestamp"')} AS timestamp, l.tenant_id, l.action, l.resource_type,
                l.resource_id, l.details, l.prev_hash, l.row_hash
         FROM ${this.#s}.evidence_audit_log l WHERE l.tenant_id = $1 ORDER BY l.id`,
        [tenant],
      ),
    );
    return rows.map((r) => ({ ...r, id: Number(r.id) }));
  }

  /**
   * Recomputes the tenant's chain in TypeScript: each row's prev_hash must
   * be the previous row's row_hash, and row_hash = SHA-256(prev_hash bytes ||
   * UTF-8 of the row's material as the database renders it).
   */
  async verifyAuditLog(tenant: string): Promise<AuditVerification> {
    const { rows } = await this.#run('reading audit log', () =>
      this.#db.query<{ id: string; prev_hash: string; row_hash: string; material: string }>(
        `SELECT l.id::text AS id, l.prev_hash, l.row_hash,
                ${this.#s}.audit_material(l.id, l."timestamp", l.tenant_id, l.action, l.resource_type, l.resource_id, l.details)
                  AS material
         FROM ${this.#s}.evidence_audit_log l WHERE l.tenant_id = $1 ORDER BY l.id`,
        [tenant],
      ),
    );
    let prev = ZERO;
    for (const row of rows) {
      const expect = bytesToHex(
        this.#hash.create().update(hexToBytes(prev)).update(utf8(row.material)).digest(),
      );
      if (row.prev_hash !== prev || row.row_hash !== expect) {
        return {
          valid: false,
          rows: rows.length,
          head: rows.at(-1)?.row_hash ?? ZERO,
          brokenAt: Number(row.id),
        };
      }
      prev = row.row_hash;
    }
    return { valid: true, rows: rows.length, head: prev };
  }

  /** verifyAuditLog, throwing AUDIT_CHAIN_BROKEN when the chain does not verify. */
  async assertAuditLog(tenant: string): Promise<AuditVerification> {
    const r = await this.verifyAuditLog(tenant);
    if (!r.valid)
      throw new EvidenceError('AUDIT_CHAIN_BROKEN', `audit log of "${tenant}" breaks at row ${r.brokenAt}`);
    return r;
  }
}

function sameArtifacts(rows: readonly ArtifactRow[], listed: readonly BundleArtifact[]): boolean {
  return (
    rows.length === listed.length &&
    rows.every((r, i) => {
      const a = listed[i]!;
      return (
        r.name === a.name &&
        r.hash === a.hash &&
        r.size_bytes === a.size_bytes &&
        r.content_type === a.content_type
      );
    })
  );
}
