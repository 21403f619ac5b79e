// Fixtures made at test time with the packages' real APIs and fresh ML-DSA
// keys: a signed contract decided by the PQC engine over attested evidence,
// and a signed evidence bundle over real artifact bytes with its registry.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  attestDimension,
  build,
  DIMENSIONS,
  generateSigner,
  type InputLayer,
  pqcEngine,
  STAGE286_SPEC,
  trustedKey,
} from '@qsp/contract';
import {
  type ArtifactInput,
  generateKey,
  type JobRecord,
  KeyRegistry,
  localSigner,
  pack,
} from '@qsp/evidence';
import { DIST } from '../scripts/serve.mjs';

const enc = (s: string) => new TextEncoder().encode(s);
const digest = (c: string) => `sha256:${c.repeat(64)}`;

export const NOW = new Date();
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export interface ContractFixture {
  readonly fileName: string;
  readonly bytes: Uint8Array;
  readonly sha256File: string;
  /** The signer's public key, raw bytes (ML-DSA-65). */
  readonly publicKey: Uint8Array;
  /** The same contract with exposure_layer.contract_sha256 changed by one hex digit. */
  readonly wrongDigest: Uint8Array;
}

export async function makeContract(): Promise<ContractFixture> {
  const evidenceSigner = generateSigner('ML-DSA-44');
  const contractSigner = generateSigner('ML-DSA-65');
  let input: InputLayer = {
    session_id: 'qsp-session-verify-web',
    subject: 'QSP session between alice.example and bob.example',
    policy: { policy_id: 'qsp-product-policy-v1', fail_closed_required: true },
    evidence: {
      integrity: { transcript_sha256: 'ab'.repeat(32) },
      execution: { epochs: 3, closed_cleanly: true },
      identity: { peer_key_fingerprint: 'cd'.repeat(32) },
      time: { started_at: ago(2 * HOUR).toISOString(), ended_at: ago(HOUR).toISOString() },
    },
  };
  for (const d of DIMENSIONS) input = attestDimension(input, d, evidenceSigner);
  const built = await build(STAGE286_SPEC, input, pqcEngine({ trustedKeys: [trustedKey(evidenceSigner)] }), {
    signer: contractSigner,
    now: ago(30 * 60_000),
  });
  if (built.contract.decision_layer.decision !== 'accept') {
    throw new Error(`fixture contract was not accepted: ${built.contract.decision_layer.reason}`);
  }
  const stated = built.contract.exposure_layer.contract_sha256;
  const flipped = `${stated[0] === '0' ? '1' : '0'}${stated.slice(1)}`;
  return {
    fileName: built.fileName,
    bytes: built.bytes,
    sha256File: built.sha256File,
    publicKey: contractSigner.publicKey,
    wrongDigest: enc(built.text.replace(stated, flipped)),
  };
}

export interface BundleFixture {
  readonly bytes: Uint8Array;
  readonly artifacts: readonly { readonly name: string; readonly bytes: Uint8Array }[];
  readonly registry: string;
  readonly revokedRegistry: string;
  readonly publicKey: Uint8Array;
  readonly merkleRoot: string;
}

export async function makeBundle(): Promise<BundleFixture> {
  const key = generateKey('ql_key_verify_web_001');
  const other = generateKey('ql_key_verify_web_002');
  const artifacts: ArtifactInput[] = [
    {
      name: 'circuit.qasm',
      content_type: 'application/qasm',
      source: enc('OPENQASM 3.0;\nqubit[2] q;\nh q[0];\ncx q[0], q[1];\n'),
    },
    {
      name: 'results.json',
      content_type: 'application/json',
      source: enc('{"counts":{"00":507,"11":493}}\n'),
    },
    { name: 'run.log', content_type: 'text/plain', source: enc('queued\nstarted\nfinished: 1000 shots\n') },
  ];
  const job: JobRecord = {
    job_id: 'job_verify_web',
    tenant_id: 'tenant_example',
    provenance: {
      git_commit: 'a1b2c3d4e5f6',
      image_digest: digest('1'),
      config_hash: digest('2'),
      circuit_hash: digest('3'),
      compiler_version: 'qiskit-1.0.0',
    },
    capabilities_snapshot: {
      backend_id: 'ibm_washington',
      backend_version: '2.1.0',
      backend_provider: 'IBM Quantum',
    },
    timeline: {
      submitted_at: ago(4 * HOUR).toISOString(),
      queued_at: ago(4 * HOUR - 1000).toISOString(),
      started_at: ago(3 * HOUR).toISOString(),
      completed_at: ago(2 * HOUR).toISOString(),
    },
    cost: { estimate_usd: 0.5, final_usd: 0.48, currency: 'USD', chargeback_tags: ['project:alpha'] },
    execution: { shots_requested: 1000, shots_completed: 1000, success_rate: 0.987, status: 'completed' },
    results_summary: { result_hash: digest('4') },
  };
  const packed = await pack(job, artifacts, localSigner({ keyId: key.keyId, secretKey: key.secretKey }), {
    now: () => ago(HOUR),
  });
  const entry = (k: typeof key, revokedAt: Date | null) => ({
    keyId: k.keyId,
    algorithm: 'ML-DSA-65' as const,
    publicKey: k.publicKey,
    notBefore: ago(30 * DAY),
    notAfter: new Date(NOW.getTime() + 365 * DAY),
    revokedAt,
  });
  const registry = new KeyRegistry([entry(key, null), entry(other, null)]);
  const revoked = new KeyRegistry([entry(key, ago(10 * 60_000)), entry(other, null)]);
  return {
    bytes: packed.bytes,
    artifacts: artifacts.map((a) => ({ name: a.name, bytes: a.source as Uint8Array })),
    registry: JSON.stringify(registry.toJSON(), null, 2),
    revokedRegistry: JSON.stringify(revoked.toJSON(), null, 2),
    publicKey: key.publicKey,
    merkleRoot: packed.bundle.merkle_root,
  };
}

/** A copy with one bit of one byte flipped. */
export function flipByte(bytes: Uint8Array, index = Math.floor(bytes.length / 2)): Uint8Array {
  const copy = bytes.slice();
  copy[index]! ^= 0x01;
  return copy;
}

/** The built page's folder; `pnpm test` builds first, a bare `vitest run` builds here. */
export async function builtPage(): Promise<string> {
  if (!existsSync(join(DIST, 'index.html'))) {
    const { build } = await import('vite');
    await build({
      configFile: fileURLToPath(new URL('../vite.config.ts', import.meta.url)),
      logLevel: 'warn',
    });
  }
  return DIST;
}
