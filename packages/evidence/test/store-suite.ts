// One store test suite, run against every engine (PGlite always, PostgreSQL when QSP_PG_URL is set).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EvidenceBundle, isEvidenceError, type JobRecord, pack } from '../src/index.js';
import { EvidenceStore, type Retention, type SqlClient, type SqlExecutor } from '../src/store.js';
import { artifacts, JOB, PACKAGED_AT, SIGNER } from './fixtures.js';

const code = (c: string) => (e: unknown) => isEvidenceError(e) && e.code === c;

/** A client whose transactions fail at their `failAt`-th statement, as a crash between statements would. */
function crashingClient(inner: SqlClient, failAt: { n: number }): SqlClient {
  return {
    ...inner,
    query: inner.query.bind(inner),
    exec: inner.exec.bind(inner),
    close: inner.close.bind(inner),
    transaction: (fn) =>
      inner.transaction((tx) => {
        let i = 0;
        const wrapped: SqlExecutor = {
          query: (sql, params) => {
            i++;
            if (i === failAt.n) throw new Error(`injected crash before statement ${i}`);
            return tx.query(sql, params);
          },
        };
        return fn(wrapped);
      }),
  };
}

export function storeSuite(engine: string, connect: () => Promise<SqlClient>): void {
  describe(`EvidenceStore on ${engine}`, () => {
    let client: SqlClient;
    let store: EvidenceStore;
    const schema = `qsp_evidence_test_${Math.random().toString(36).slice(2, 10)}`;
    let n = 0;

    beforeAll(async () => {
      client = await connect();
      store = await EvidenceStore.open(client, { schema });
    });

    afterAll(async () => {
      await client?.exec(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await client?.close();
    });

    const record = (tenant: string, jobId: string): JobRecord => ({
      ...JOB,
      tenant_id: tenant,
      job_id: jobId,
      bundle_id: `bundle_${jobId}`,
    });

    async function packagingJob(
      tenant: string,
      s: EvidenceStore = store,
    ): Promise<{ jobId: string; bundle: EvidenceBundle }> {
      const jobId = `job_${++n}`;
      await s.createJob(tenant, { job_id: jobId, backend_id: 'ibm_washington', shots_requested: 1000 });
      await s.advance(tenant, jobId, 'JobRunning');
      await s.completeJob(tenant, jobId, record(tenant, jobId));
      await s.requestEvidence(tenant, jobId);
      await s.beginPackaging(tenant, jobId);
      const { bundle } = await pack(record(tenant, jobId), artifacts(), SIGNER, { now: () => PACKAGED_AT });
      return { jobId, bundle };
    }

    async function signed(tenant: string, retention: Retention = { class: 'standard' }) {
      const { jobId, bundle } = await packagingJob(tenant);
      const stored = await store.storeBundle(tenant, { bundle, storageUri: 'memory:x', retention });
      return { jobId, bundle, stored };
    }

    it('runs the whole lifecycle and keeps the bundle byte-for-byte', async () => {
      const { jobId, bundle, stored } = await signed('tenant_a');
      expect(stored.status).toBe('BundleSigned');
      expect(stored.bundle).toEqual(bundle);
      expect((await store.getJob('tenant_a', jobId))?.status).toBe('BundleSigned');
      expect(await store.listArtifacts('tenant_a', jobId)).toHaveLength(3);
      expect((await store.findBundleByHash('tenant_a', stored.bundle_hash))?.bundle.bundle_id).toBe(
        bundle.bundle_id,
      );
      await store.recordVerification('tenant_a', bundle.bundle_id, true);
      await store.recordVerification('tenant_a', bundle.bundle_id, true);
      const after = await store.getBundle('tenant_a', jobId);
      expect(after?.status).toBe('BundleVerified');
      expect(after?.verification_count).toBe(2);
      expect((await store.getJob('tenant_a', jobId))?.status).toBe('BundleVerified');
    });

    it('refuses illegal transitions, in TypeScript and in the database', async () => {
      await store.createJob('tenant_a', { job_id: 'job_illegal', backend_id: 'sim' });
      await expect(store.requestEvidence('tenant_a', 'job_illegal')).rejects.toSatisfy(
        code('ILLEGAL_TRANSITION'),
      );
      await expect(store.advance('tenant_a', 'job_illegal', 'BundleSigned')).rejects.toSatisfy(
        code('ILLEGAL_TRANSITION'),
      );
      await expect(
        client.query(`UPDATE "${schema}".jobs SET status = 'BundleSigned' WHERE id = 'job_illegal'`),
      ).rejects.toMatchObject({ code: 'QE002' });
      await expect(
        client.query(
          `INSERT INTO "${schema}".jobs (id, tenant_id, backend_id, status) VALUES ('j', 't', 'b', 'BundleSigned')`,
        ),
      ).rejects.toMatchObject({ code: 'QE002' });
    });

    it('a failed job never gets evidence', async () => {
      await store.createJob('tenant_a', { job_id: 'job_failed', backend_id: 'sim' });
      await store.advance('tenant_a', 'job_failed', 'JobRunning');
      await store.failJob('tenant_a', 'job_failed', 'calibration drift');
      await expect(store.requestEvidence('tenant_a', 'job_failed')).rejects.toSatisfy(
        code('ILLEGAL_TRANSITION'),
      );
      expect((await store.getJob('tenant_a', 'job_failed'))?.failure_reason).toBe('calibration drift');
    });

    it('isolates tenants on every read and write', async () => {
      const { jobId, bundle, stored } = await signed('tenant_iso');
      expect(await store.getJob('tenant_other', jobId)).toBeUndefined();
      expect(await store.getBundle('tenant_other', jobId)).toBeUndefined();
      expect(await store.findBundleByHash('tenant_other', stored.bundle_hash)).toBeUndefined();
      expect(await store.listArtifacts('tenant_other', jobId)).toEqual([]);
      await expect(store.advance('tenant_other', jobId, 'BundleVerified')).rejects.toSatisfy(
        code('NOT_FOUND'),
      );
      await expect(store.recordVerification('tenant_other', bundle.bundle_id, true)).rejects.toSatisfy(
        code('NOT_FOUND'),
      );
      await expect(store.deleteBundle('tenant_other', bundle.bundle_id)).rejects.toSatisfy(code('NOT_FOUND'));
      // The same job id may exist in another tenant without colliding.
      await store.createJob('tenant_other', { job_id: jobId, backend_id: 'sim' });
      expect((await store.getJob('tenant_iso', jobId))?.status).toBe('BundleSigned');
      await expect(
        store.storeBundle('tenant_other', { bundle, storageUri: 'x', retention: { class: 'standard' } }),
      ).rejects.toSatisfy(code('INVALID_ARGUMENT'));
    });

    it('WORM: a compliance bundle cannot be changed or deleted, even with plain SQL', async () => {
      const { bundle, stored } = await signed('tenant_worm', { class: 'compliance' });
      expect(stored.immutable).toBe(true);
      expect(Date.parse(stored.retain_until) - Date.parse(stored.created_at)).toBeGreaterThan(
        7 * 365 * 86400_000,
      );
      await expect(store.deleteBundle('tenant_worm', bundle.bundle_id)).rejects.toSatisfy(
        code('RETENTION_LOCKED'),
      );
      const t = `"${schema}".evidence_bundles`;
      for (const sql of [
        `UPDATE ${t} SET manifest = '{}'::jsonb WHERE bundle_id = $1`,
        `UPDATE ${t} SET signature_value = 'AAAA' WHERE bundle_id = $1`,
        `UPDATE ${t} SET retain_until = now() WHERE bundle_id = $1`,
        `UPDATE ${t} SET immutable = false WHERE bundle_id = $1`,
        `DELETE FROM ${t} WHERE bundle_id = $1`,
        `DELETE FROM "${schema}".artifacts WHERE job_id = (SELECT job_id FROM ${t} WHERE bundle_id = $1)`,
      ]) {
        await expect(client.query(sql, [bundle.bundle_id]), sql).rejects.toMatchObject({ code: 'QE001' });
      }
      await expect(client.query(`TRUNCATE ${t}`)).rejects.toBeDefined();
      // Verification bookkeeping is not content, and still works.
      await store.recordVerification('tenant_worm', bundle.bundle_id, true);
      expect((await store.getBundle('tenant_worm', bundle.job_id))?.bundle).toEqual(bundle);
    });

    it('a standard bundle can be deleted; an immutable enterprise bundle only after its retention', async () => {
      const std = await signed('tenant_ret', { class: 'standard' });
      await store.deleteBundle('tenant_ret', std.bundle.bundle_id);
      expect(await store.getBundle('tenant_ret', std.jobId)).toBeUndefined();
      const locked = await signed('tenant_ret', { class: 'enterprise', days: 30, immutable: true });
      await expect(store.deleteBundle('tenant_ret', locked.bundle.bundle_id)).rejects.toSatisfy(
        code('RETENTION_LOCKED'),
      );
      const zero = await signed('tenant_ret', { class: 'enterprise', days: 0, immutable: true });
      expect((await store.expiredBundles('tenant_ret')).map((b) => b.bundle.bundle_id)).toEqual([
        zero.bundle.bundle_id,
      ]);
      expect(await store.expiredBundles('tenant_other')).toEqual([]);
      await store.deleteBundle('tenant_ret', zero.bundle.bundle_id);
      expect(await store.expiredBundles('tenant_ret')).toEqual([]);
    });

    it('the audit log is append-only and its hash chain verifies', async () => {
      await signed('tenant_audit');
      const ok = await store.verifyAuditLog('tenant_audit');
      expect(ok.valid).toBe(true);
      expect(ok.rows).toBeGreaterThan(5);
      const log = await store.auditLog('tenant_audit');
      expect(log[0]!.prev_hash).toBe('0'.repeat(64));
      for (let i = 1; i < log.length; i++) expect(log[i]!.prev_hash).toBe(log[i - 1]!.row_hash);
      const t = `"${schema}".evidence_audit_log`;
      await expect(
        client.query(`UPDATE ${t} SET action = 'x' WHERE tenant_id = 'tenant_audit'`),
      ).rejects.toMatchObject({ code: 'QE003' });
      await expect(client.query(`DELETE FROM ${t} WHERE tenant_id = 'tenant_audit'`)).rejects.toMatchObject({
        code: 'QE003',
      });
      await expect(client.query(`TRUNCATE ${t}`)).rejects.toMatchObject({ code: 'QE003' });
      // A client-chosen hash or id is ignored: the trigger computes the chain.
      await client.query(
        `INSERT INTO ${t} (id, prev_hash, row_hash, tenant_id, action, details) VALUES (1, $1, $1, 'tenant_audit', 'forged', '{}')`,
        ['f'.repeat(64)],
      );
      expect((await store.verifyAuditLog('tenant_audit')).valid).toBe(true);
    });

    it('a chain longer than 9 rows verifies and lists in numeric id order (not 1, 10, 2)', async () => {
      await signed('tenant_long');
      for (let i = 0; i < 12; i++) await store.appendAudit('tenant_long', 'note', null, null, { i });
      const log = await store.auditLog('tenant_long');
      expect(log.length).toBeGreaterThan(12);
      for (let i = 1; i < log.length; i++) expect(log[i]!.id).toBeGreaterThan(log[i - 1]!.id);
      const r = await store.verifyAuditLog('tenant_long');
      expect(r).toMatchObject({ valid: true, rows: log.length, head: log.at(-1)!.row_hash });
    });

    it('an edit that bypasses the triggers breaks the chain at that row', async () => {
      await signed('tenant_tamper');
      const log = await store.auditLog('tenant_tamper');
      const victim = log[2]!;
      const t = `"${schema}".evidence_audit_log`;
      await client.exec(`ALTER TABLE ${t} DISABLE TRIGGER audit_no_change`);
      try {
        await client.query(`UPDATE ${t} SET details = '{"valid":false}'::jsonb WHERE id = $1`, [victim.id]);
      } finally {
        await client.exec(`ALTER TABLE ${t} ENABLE TRIGGER audit_no_change`);
      }
      const r = await store.verifyAuditLog('tenant_tamper');
      expect(r.valid).toBe(false);
      expect(r.brokenAt).toBe(victim.id);
      await expect(store.assertAuditLog('tenant_tamper')).rejects.toSatisfy(code('AUDIT_CHAIN_BROKEN'));
    });

    it('a crash at any statement of storeBundle leaves nothing visible', async () => {
      const failAt = { n: 0 };
      const crashing = await EvidenceStore.open(crashingClient(client, failAt), { schema });
      const { jobId, bundle } = await packagingJob('tenant_crash', crashing);
      const auditBefore = (await store.auditLog('tenant_crash')).length;
      let crashes = 0;
      for (failAt.n = 1; failAt.n < 40; failAt.n++) {
        try {
          await crashing.storeBundle('tenant_crash', {
            bundle,
            storageUri: 'x',
            retention: { class: 'compliance' },
          });
          break;
        } catch (e) {
          crashes++;
          expect(String(e)).toMatch(/injected crash/);
        }
        expect(await store.getBundle('tenant_crash', jobId)).toBeUndefined();
        expect(await store.listArtifacts('tenant_crash', jobId)).toEqual([]);
        expect((await store.getJob('tenant_crash', jobId))?.status).toBe('BundlePackaging');
        expect(await store.auditLog('tenant_crash')).toHaveLength(auditBefore);
      }
      expect(crashes).toBeGreaterThan(5);
      expect((await store.getBundle('tenant_crash', jobId))?.bundle).toEqual(bundle);
      expect((await store.verifyAuditLog('tenant_crash')).valid).toBe(true);
    });

    it('refuses a second bundle for a job and artifacts that disagree with the registered ones', async () => {
      const { bundle } = await signed('tenant_dup');
      await expect(
        store.storeBundle('tenant_dup', { bundle, storageUri: 'x', retention: { class: 'standard' } }),
      ).rejects.toSatisfy((e) => isEvidenceError(e));
      const { jobId, bundle: b2 } = await packagingJob('tenant_dup');
      await client.query(`ALTER TABLE "${schema}".jobs DISABLE TRIGGER job_lifecycle`);
      try {
        await client.query(`UPDATE "${schema}".jobs SET status = 'JobCompleted' WHERE id = $1`, [jobId]);
      } finally {
        await client.query(`ALTER TABLE "${schema}".jobs ENABLE TRIGGER job_lifecycle`);
      }
      await store.addArtifact('tenant_dup', jobId, {
        name: 'other.bin',
        hash: `sha256:${'a'.repeat(64)}`,
        size_bytes: 1,
        content_type: 'application/octet-stream',
        storage_uri: 'x',
      });
      await store.requestEvidence('tenant_dup', jobId);
      await store.beginPackaging('tenant_dup', jobId);
      await expect(
        store.storeBundle('tenant_dup', { bundle: b2, storageUri: 'x', retention: { class: 'standard' } }),
      ).rejects.toSatisfy(code('CONFLICT'));
    });
  });
}
