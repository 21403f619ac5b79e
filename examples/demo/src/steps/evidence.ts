import {
  generateKey,
  type JobRecord,
  KeyRegistry,
  localSigner,
  pack,
  type VerificationReport,
  verify,
} from '@qsp/evidence';
import { EvidenceStore, memoryBlobStore, pgliteClient } from '@qsp/evidence/store';
import type { DemoContext } from '../context.js';

const enc = (s: string) => new TextEncoder().encode(s);
const short = (digest: string) => `${digest.slice(0, 19)}…`;

function summary(r: VerificationReport): string {
  const passed = r.checks.filter((c) => c.passed).length;
  return `${r.valid ? 'VALID' : 'INVALID'} (${passed}/${r.checks.length} checks pass)`;
}

const TYPES: Record<string, string> = {
  qasm: 'application/qasm',
  json: 'application/json',
  log: 'text/plain',
  sha256: 'text/plain',
};
const typeOf = (name: string) => TYPES[name.slice(name.lastIndexOf('.') + 1)] ?? 'application/octet-stream';

/**
 * Packs a small quantum job's artifacts and every file the earlier steps
 * produced into a signed Evidence Bundle v1.0, stores it in
 * embedded PostgreSQL (PGlite) through the job lifecycle, verifies it with its
 * artifacts, then flips one byte of one artifact and shows the check that
 * catches it.
 */
export async function run(log: (line: string) => void, context: DemoContext): Promise<void> {
  const key = generateKey('ql_key_demo_001');
  const keys = new KeyRegistry([
    {
      keyId: key.keyId,
      algorithm: 'ML-DSA-65',
      publicKey: key.publicKey,
      notBefore: new Date(Date.now() - 86_400_000),
      notAfter: new Date(Date.now() + 365 * 86_400_000),
      revokedAt: null,
    },
  ]);
  const signer = localSigner({ keyId: key.keyId, secretKey: key.secretKey });
  log(`signing key ${key.keyId}: ML-DSA-65, ${key.publicKey.length}-byte public key in the registry`);

  const files = new Map<string, Uint8Array>([
    [
      'circuit.qasm',
      enc(
        'OPENQASM 3.0;\ninclude "stdgates.inc";\nqubit[2] q;\nbit[2] c;\nh q[0];\ncx q[0], q[1];\nc = measure q;\n',
      ),
    ],
    ['results.json', enc('{"counts":{"00":507,"11":493},"shots":1000}')],
    ['run.log', enc('10:00:05 started on softquantus_sim\n10:01:00 completed 1000/1000 shots\n')],
  ]);
  for (const a of context.artifacts) {
    if (!files.has(a.name)) files.set(a.name, a.bytes);
  }
  if (context.artifacts.length)
    log(`${context.artifacts.length} files from the earlier steps join the job's outputs`);

  const db = await pgliteClient();
  const store = await EvidenceStore.open(db);
  const blobs = memoryBlobStore();
  try {
    const tenant = 'tenant_demo';
    const jobId = 'job_bell_0001';
    await store.createJob(tenant, { job_id: jobId, backend_id: 'softquantus_sim', shots_requested: 1000 });
    for (const [name, bytes] of files) {
      const blob = await blobs.put(bytes);
      await store.addArtifact(tenant, jobId, {
        name,
        hash: blob.hash,
        size_bytes: blob.sizeBytes,
        content_type: typeOf(name),
        storage_uri: blob.uri,
      });
    }
    await store.advance(tenant, jobId, 'JobRunning');
    const record: JobRecord = {
      job_id: jobId,
      tenant_id: tenant,
      provenance: {
        git_commit: 'a1b2c3d4e5f6',
        image_digest: `sha256:${'1'.repeat(64)}`,
        config_hash: `sha256:${'2'.repeat(64)}`,
        circuit_hash: (await blobs.put(files.get('circuit.qasm')!)).hash,
        compiler_version: 'qiskit-1.0.0',
      },
      capabilities_snapshot: {
        backend_id: 'softquantus_sim',
        backend_version: '2.1.0',
        backend_provider: 'SoftQuantus',
      },
      timeline: {
        submitted_at: '2026-11-23T10:00:00Z',
        queued_at: '2026-11-23T10:00:01Z',
        started_at: '2026-11-23T10:00:05Z',
        completed_at: '2026-11-23T10:01:00Z',
      },
      cost: { estimate_usd: 0.5, final_usd: 0.48, currency: 'USD', chargeback_tags: ['project:alpha'] },
      execution: { shots_requested: 1000, shots_completed: 1000, success_rate: 0.987, status: 'completed' },
      results_summary: { result_hash: (await blobs.put(files.get('results.json')!)).hash },
    };
    await store.completeJob(tenant, jobId, record);
    await store.requestEvidence(tenant, jobId);
    await store.beginPackaging(tenant, jobId);

    const inputs = [...files].map(([name, bytes]) => ({ name, content_type: typeOf(name), source: bytes }));
    const packed = await pack(record, inputs, signer);
    log(
      `packed ${packed.bundle.bundle_id}: ${packed.bundle.artifacts.length} artifacts, ${packed.bytes.length}-byte bundle file`,
    );
    for (const a of packed.bundle.artifacts)
      log(`  ${a.name.padEnd(13)} ${String(a.size_bytes).padStart(4)} B  ${short(a.hash)}`);
    log(
      `merkle root (RFC 9162) ${short(packed.bundle.merkle_root)}, bundle hash ${short(packed.bundleHash)}`,
    );

    const file = await blobs.put(packed.bytes);
    const stored = await store.storeBundle(tenant, {
      bundle: packed.bundle,
      storageUri: file.uri,
      retention: { class: 'compliance' },
    });
    log(
      `stored in PGlite: job ${jobId} is ${(await store.getJob(tenant, jobId))?.status}, WORM until ${stored.retain_until.slice(0, 10)}`,
    );

    const sources = Object.fromEntries(files);
    const good = await verify(packed.bytes, { keys, artifacts: sources });
    if (!good.valid) throw new Error(`the untouched bundle failed: ${good.failed.join(', ')}`);
    await store.recordVerification(tenant, packed.bundle.bundle_id, good.valid);
    log(`verify: ${summary(good)}; job is now ${(await store.getJob(tenant, jobId))?.status}`);

    const tampered = files.get('results.json')!.slice();
    tampered[12]! ^= 0x01; // "507" becomes "517"
    const bad = await verify(packed.bytes, { keys, artifacts: { ...sources, 'results.json': tampered } });
    if (bad.valid || bad.failed.join() !== 'artifact_hash:results.json') {
      throw new Error(`a flipped artifact byte was not caught as expected: ${bad.failed.join(', ')}`);
    }
    log(`flipped one byte of results.json: ${summary(bad)}`);
    for (const c of bad.checks.filter((x) => !x.passed)) log(`  ✗ ${c.check} ${c.artifact}: ${c.detail}`);

    const audit = await store.verifyAuditLog(tenant);
    if (!audit.valid) throw new Error('the audit log hash chain does not verify');
    log(`audit log: ${audit.rows} hash-chained rows verify, head ${audit.head.slice(0, 16)}…`);
    context.artifacts.push({ name: 'evidence_bundle.json', bytes: packed.bytes });
    context.signals.push({
      step: 'evidence',
      decision: 'ALLOW',
      score: 0.05,
      code: 'VERIFIED',
      reason: `bundle of ${packed.bundle.artifacts.length} artifacts signed, stored WORM, verified; a flipped byte was caught`,
    });
  } finally {
    await store.close();
  }
}
