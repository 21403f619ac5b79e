import type { Hash } from '@qsp/crypto-suite';
import { EvidenceError, isEvidenceError } from '../errors.js';
import { type ArtifactInput, pack } from '../pack.js';
import type { Signer } from '../signer.js';
import type { BlobStore } from '../store/blob-store.js';
import type { EvidenceStore } from '../store/evidence-store.js';
import type { Retention } from '../store/retention.js';

export interface WorkerOptions {
  readonly store: EvidenceStore;
  readonly blobs: BlobStore;
  readonly signer: Signer;
  /** SHA-256 for artifact hashing (node:crypto's through `nodeSha256()` on Node). */
  readonly hash?: Hash;
  /** Retention class for a tenant's bundles (default: standard). */
  readonly retention?: (tenant: string) => Retention;
  readonly onError?: (tenant: string, jobId: string, error: unknown) => void;
}

/**
 * The seed's evidence worker: takes BundlePending jobs, packs their
 * artifacts from the blob store, signs, uploads the bundle file and stores
 * the bundle. One job at a time; enqueueing a queued job is a no-op.
 */
export class PackagingWorker {
  readonly #o: WorkerOptions;
  readonly #queue: { tenant: string; jobId: string }[] = [];
  readonly #queued = new Set<string>();
  #running: Promise<void> | undefined;

  constructor(options: WorkerOptions) {
    this.#o = options;
  }

  enqueue(tenant: string, jobId: string): void {
    const key = JSON.stringify([tenant, jobId]);
    if (this.#queued.has(key)) return;
    this.#queued.add(key);
    this.#queue.push({ tenant, jobId });
    this.#running ??= this.#drain().finally(() => {
      this.#running = undefined;
    });
  }

  /** Resolves once the queue is empty. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  async #drain(): Promise<void> {
    for (let next = this.#queue.shift(); next; next = this.#queue.shift()) {
      try {
        await this.process(next.tenant, next.jobId);
      } catch (e) {
        this.#o.onError?.(next.tenant, next.jobId, e);
        await this.#o.store
          .appendAudit(next.tenant, 'bundle.failed', 'job', next.jobId, {
            error: String((e as Error)?.message ?? e),
          })
          .catch(() => {});
      } finally {
        this.#queued.delete(JSON.stringify([next.tenant, next.jobId]));
      }
    }
  }

  /** Packages one job now. A job left in BundlePackaging by a crash is picked up again. */
  async process(tenant: string, jobId: string): Promise<void> {
    const { store, blobs, signer } = this.#o;
    let job = await store.getJob(tenant, jobId);
    if (!job) throw new EvidenceError('NOT_FOUND', `no job "${jobId}"`);
    if (job.status === 'BundlePending') {
      try {
        await store.beginPackaging(tenant, jobId);
      } catch (e) {
        // Another worker (another node on the same database) took the job first.
        if (isEvidenceError(e, 'ILLEGAL_TRANSITION')) return;
        throw e;
      }
      job = { ...job, status: 'BundlePackaging' };
    }
    if (job.status !== 'BundlePackaging') return;
    if (!job.record) throw new EvidenceError('INVALID_BUNDLE', `job "${jobId}" has no completed record`);
    const rows = await store.listArtifacts(tenant, jobId);
    const inputs: ArtifactInput[] = [];
    for (const r of rows) {
      const source = await blobs.get(r.hash);
      if (source === undefined)
        throw new EvidenceError('ARTIFACT_READ_FAILED', `blob ${r.hash} of "${r.name}" is missing`);
      inputs.push({ name: r.name, content_type: r.content_type, source });
    }
    const packed = await pack(job.record, inputs, signer, this.#o.hash ? { hash: this.#o.hash } : {});
    const listed = packed.bundle.artifacts;
    for (const [i, r] of rows.entries()) {
      if (listed[i]!.hash !== r.hash || listed[i]!.size_bytes !== r.size_bytes) {
        throw new EvidenceError('CONFLICT', `blob of "${r.name}" no longer matches its registered hash`);
      }
    }
    const file = await blobs.put(packed.bytes);
    await store.storeBundle(tenant, {
      bundle: packed.bundle,
      storageUri: file.uri,
      retention: this.#o.retention?.(tenant) ?? { class: 'standard' },
    });
  }

  /** Re-queues every job waiting in BundlePending or left in BundlePackaging (after a restart). */
  async resume(): Promise<number> {
    const pending = await this.#o.store.pendingJobs();
    for (const p of pending) this.enqueue(p.tenant_id, p.job_id);
    return pending.length;
  }
}
