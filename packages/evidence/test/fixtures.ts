import type { JobRecord } from '../src/index.js';
import { generateKey, KeyRegistry, localSigner } from '../src/index.js';

const h = (c: string) => `sha256:${c.repeat(64)}`;

export const JOB: JobRecord = {
  bundle_id: 'bundle_20250104_abc123',
  job_id: 'job_xyz789',
  tenant_id: 'tenant_abc',
  provenance: {
    git_commit: 'a1b2c3d4e5f6',
    image_digest: h('1'),
    config_hash: h('2'),
    circuit_hash: h('3'),
    compiler_version: 'qiskit-1.0.0',
  },
  capabilities_snapshot: {
    backend_id: 'ibm_washington',
    backend_version: '2.1.0',
    backend_provider: 'IBM Quantum',
  },
  timeline: {
    submitted_at: '2025-01-04T10:00:00Z',
    queued_at: '2025-01-04T10:00:01Z',
    started_at: '2025-01-04T10:00:05Z',
    completed_at: '2025-01-04T10:01:00Z',
  },
  cost: {
    estimate_usd: 0.5,
    final_usd: 0.48,
    currency: 'USD',
    chargeback_tags: ['project:alpha', 'team:research'],
  },
  execution: { shots_requested: 1000, shots_completed: 1000, success_rate: 0.987, status: 'completed' },
  results_summary: { result_hash: h('4') },
};

export const PACKAGED_AT = new Date('2025-01-04T10:01:30Z');

export const KEY = generateKey('ql_key_prod_001', new Uint8Array(32).fill(7));
export const OTHER_KEY = generateKey('ql_key_other', new Uint8Array(32).fill(9));
export const SIGNER = localSigner({ keyId: KEY.keyId, secretKey: KEY.secretKey });

export function registry(overrides: { revokedAt?: Date | null; notAfter?: Date } = {}): KeyRegistry {
  return new KeyRegistry([
    {
      keyId: KEY.keyId,
      algorithm: 'ML-DSA-65',
      publicKey: KEY.publicKey,
      notBefore: new Date('2024-01-01T00:00:00Z'),
      notAfter: overrides.notAfter ?? new Date('2030-01-01T00:00:00Z'),
      revokedAt: overrides.revokedAt ?? null,
    },
    {
      keyId: OTHER_KEY.keyId,
      algorithm: 'ML-DSA-65',
      publicKey: OTHER_KEY.publicKey,
      notBefore: new Date('2024-01-01T00:00:00Z'),
      notAfter: new Date('2030-01-01T00:00:00Z'),
      revokedAt: null,
    },
  ]);
}

export const enc = (s: string) => new TextEncoder().encode(s);

export function artifacts() {
  return [
    {
      name: 'circuit.qasm',
      content_type: 'application/qasm',
      source: enc('OPENQASM 3.0;\nqubit[2] q;\nh q[0];\n'),
    },
    { name: 'results.json', content_type: 'application/json', source: enc('{"counts":{"00":507,"11":493}}') },
    { name: 'run.log', content_type: 'text/plain', source: enc('started\nfinished\n') },
  ];
}
