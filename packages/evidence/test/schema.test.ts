import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { bundleProblems, bundleSchema, jobSchema, keyRegistrySchema, pack } from '../src/index.js';
import { artifacts, JOB, PACKAGED_AT, SIGNER } from './fixtures.js';

const packed = await pack(JOB, artifacts(), SIGNER, { now: () => PACKAGED_AT });

/** Every key path of a JSON value (array items as []). */
function keyPaths(v: unknown, prefix = ''): string[] {
  if (Array.isArray(v)) return v.flatMap((x) => keyPaths(x, `${prefix}[]`));
  if (v !== null && typeof v === 'object') {
    return Object.entries(v).flatMap(([k, c]) => [`${prefix}.${k}`, ...keyPaths(c, `${prefix}.${k}`)]);
  }
  return [];
}

// The seed's example bundle (qcos-evidence-flow.md, "Evidence Bundle Schema (v1.0)"), field for field.
const SEED_PATHS = [
  '.version',
  '.bundle_id',
  '.job_id',
  '.tenant_id',
  '.provenance',
  '.provenance.git_commit',
  '.provenance.image_digest',
  '.provenance.config_hash',
  '.provenance.circuit_hash',
  '.provenance.compiler_version',
  '.capabilities_snapshot',
  '.capabilities_snapshot.backend_id',
  '.capabilities_snapshot.backend_version',
  '.capabilities_snapshot.backend_provider',
  '.timeline',
  '.timeline.submitted_at',
  '.timeline.queued_at',
  '.timeline.started_at',
  '.timeline.completed_at',
  '.timeline.packaged_at',
  '.cost',
  '.cost.estimate_usd',
  '.cost.final_usd',
  '.cost.currency',
  '.cost.chargeback_tags',
  '.execution',
  '.execution.shots_requested',
  '.execution.shots_completed',
  '.execution.success_rate',
  '.execution.status',
  '.artifacts',
  '.artifacts[].name',
  '.artifacts[].hash',
  '.artifacts[].hash_algorithm',
  '.artifacts[].size_bytes',
  '.artifacts[].content_type',
  '.results_summary',
  '.results_summary.result_hash',
  '.merkle_root',
  '.signature',
  '.signature.algorithm',
  '.signature.key_id',
  '.signature.value',
  '.signature.signed_at',
];

describe('Evidence Bundle v1.0 schema', () => {
  it('a packed bundle has exactly the seed’s field names and nesting', () => {
    expect([...new Set(keyPaths(packed.bundle))].sort()).toEqual([...SEED_PATHS].sort());
  });

  it('the published schema files are the exported schemas', () => {
    const file = (n: string) => JSON.parse(readFileSync(new URL(`../schema/${n}`, import.meta.url), 'utf8'));
    expect(file('evidence-bundle-1.0.schema.json')).toEqual(bundleSchema);
    expect(file('evidence-job-1.0.schema.json')).toEqual(jobSchema);
    expect(file('evidence-key-registry-1.0.schema.json')).toEqual(keyRegistrySchema);
  });

  it('compiles in ajv strict mode and accepts a packed bundle', () => {
    const validate = new Ajv2020({ strict: true, allErrors: true }).compile(bundleSchema);
    expect(validate(packed.bundle), JSON.stringify(validate.errors)).toBe(true);
  });

  const b = packed.bundle as unknown as Record<string, Record<string, unknown>>;
  const cases: [string, unknown][] = [
    ['an unknown top-level field', { ...b, extra: 1 }],
    ['an unknown nested field', { ...b, cost: { ...b.cost, discount: 0 } }],
    ['a missing field', (({ merkle_root: _m, ...rest }) => rest)(b)],
    ['version 1.1', { ...b, version: '1.1' }],
    [
      'an uppercase digest',
      { ...b, merkle_root: String(b.merkle_root).toUpperCase().replace('SHA256', 'sha256') },
    ],
    ['a sha512 digest', { ...b, merkle_root: `sha512:${'0'.repeat(128)}` }],
    ['a non-RFC 3339 time', { ...b, timeline: { ...b.timeline, queued_at: '2025-01-04 10:00:01' } }],
    ['an impossible date', { ...b, timeline: { ...b.timeline, queued_at: '2025-13-45T10:00:01Z' } }],
    [
      'a negative size',
      { ...b, artifacts: [{ ...(b.artifacts as unknown as object[])[0], size_bytes: -1 }] },
    ],
    [
      'a path as artifact name',
      { ...b, artifacts: [{ ...(b.artifacts as unknown as object[])[0], name: '../etc/passwd' }] },
    ],
    ['a success rate above 1', { ...b, execution: { ...b.execution, success_rate: 1.5 } }],
    ['a failed execution', { ...b, execution: { ...b.execution, status: 'failed' } }],
    ['another signature algorithm', { ...b, signature: { ...b.signature, algorithm: 'Ed25519' } }],
    ['a url-safe base64 signature', { ...b, signature: { ...b.signature, value: 'ab-_' } }],
    [
      'duplicate artifact names',
      { ...b, artifacts: [...(b.artifacts as unknown as object[]), (b.artifacts as unknown as object[])[0]] },
    ],
  ];
  for (const [name, value] of cases) {
    it(`refuses ${name}`, () => {
      expect(bundleProblems(value).length).toBeGreaterThan(0);
    });
  }
});
