/**
 * JSON Schema (2020-12) of Evidence Bundle v1.0. Closed objects everywhere:
 * a field the schema does not know would be signed without anyone checking
 * its meaning, so unknown fields are refused rather than carried along.
 */

const digest = { type: 'string', pattern: '^sha256:[0-9a-f]{64}$' } as const;
const timestamp = {
  type: 'string',
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$',
} as const;
const id = {
  type: 'string',
  minLength: 1,
  maxLength: 128,
  pattern: '^[A-Za-z0-9][A-Za-z0-9._:-]*$',
} as const;
const text = { type: 'string', minLength: 1, maxLength: 256 } as const;
const usd = { type: 'number', minimum: 0, maximum: 1e12 } as const;
const count = { type: 'integer', minimum: 0, maximum: 9007199254740991 } as const;

function closed<P extends Record<string, unknown>>(properties: P, optional: readonly string[] = []) {
  return {
    type: 'object',
    additionalProperties: false,
    required: Object.keys(properties).filter((k) => !optional.includes(k)),
    properties,
  } as const;
}

/** Artifact names are file names: no path separators, no control characters, not "." or "..". */
export const ARTIFACT_NAME_PATTERN = '^(?!\\.{1,2}$)[^/\\\\\\u0000-\\u001f\\u007f]{1,255}$';

export const artifactSchema = closed(
  {
    name: { type: 'string', pattern: ARTIFACT_NAME_PATTERN },
    hash: digest,
    hash_algorithm: { const: 'sha256' },
    size_bytes: count,
    content_type: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[!-~]+$' },
  },
  ['hash_algorithm'],
);

export const bundleSchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://qsp-toolkit.dev/schemas/evidence-bundle-1.0.json',
  title: 'QCOS Evidence Bundle v1.0',
  ...closed({
    version: { const: '1.0' },
    bundle_id: id,
    job_id: id,
    tenant_id: id,
    provenance: closed({
      git_commit: { type: 'string', pattern: '^[0-9a-f]{7,64}$' },
      image_digest: digest,
      config_hash: digest,
      circuit_hash: digest,
      compiler_version: text,
    }),
    capabilities_snapshot: closed({ backend_id: text, backend_version: text, backend_provider: text }),
    timeline: closed({
      submitted_at: timestamp,
      queued_at: timestamp,
      started_at: timestamp,
      completed_at: timestamp,
      packaged_at: timestamp,
    }),
    cost: closed({
      estimate_usd: usd,
      final_usd: usd,
      currency: { type: 'string', pattern: '^[A-Z]{3}$' },
      chargeback_tags: { type: 'array', maxItems: 64, items: text },
    }),
    execution: closed({
      shots_requested: count,
      shots_completed: count,
      success_rate: { type: 'number', minimum: 0, maximum: 1 },
      status: { const: 'completed' },
    }),
    artifacts: { type: 'array', maxItems: 100000, items: artifactSchema },
    results_summary: closed({ result_hash: digest }),
    merkle_root: digest,
    signature: closed({
      algorithm: { const: 'ML-DSA-65' },
      key_id: id,
      value: { type: 'string', minLength: 4, maxLength: 8192, pattern: '^[A-Za-z0-9+/]+={0,2}$' },
      signed_at: timestamp,
    }),
  }),
} as const;

/** The job description pack takes: a bundle without artifacts, merkle root, signature or packaged_at. */
export const jobSchema = (() => {
  const {
    artifacts: _a,
    merkle_root: _m,
    signature: _s,
    version: _v,
    timeline,
    ...rest
  } = bundleSchema.properties;
  const { packaged_at: _p, ...timelineProps } = timeline.properties;
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://qsp-toolkit.dev/schemas/evidence-job-1.0.json',
    title: 'QCOS evidence job record (input of pack)',
    ...closed({ ...rest, timeline: closed(timelineProps) }, ['bundle_id']),
  } as const;
})();
