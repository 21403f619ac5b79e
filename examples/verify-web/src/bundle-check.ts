// An evidence bundle through @qsp/evidence's verify(): each named check (and
// each artifact's presence, hash and size) becomes a row. What the verifier
// could not check with what it was given is "not checked", never a pass: no
// key means no signature check; a bare key has no revocation record or
// validity window; no files means the artifacts themselves were not seen.
import { noble } from '@qsp/crypto-suite';
import {
  digestSource,
  type EvidenceBundle,
  formatDigest,
  isBundle,
  KeyRegistry,
  merkleRoot,
  parseDigest,
  verify,
} from '@qsp/evidence';
import { formatBytes, isObject, jsonOf } from './bytes.js';
import type { KeyMaterial } from './keys.js';
import { type Fact, headlineOf, type Outcome, type Row, verdictOf } from './outcome.js';

export interface BundleInputs {
  /** The bundle file's bytes, exactly as published. */
  readonly bundle: Uint8Array;
  /** Artifact files by name (a browser File is a Blob, read in chunks). */
  readonly artifacts?: ReadonlyMap<string, Blob | Uint8Array>;
  readonly key?: KeyMaterial;
  readonly now?: Date;
}

// Keyed by string, not CheckName: a check the library adds later still gets a row, under its own name.
const LABELS: Readonly<Record<string, string>> = {
  well_formed: 'Parses as UTF-8 JSON',
  canonical_form: 'File is the canonical (RFC 8785) JSON of the bundle',
  schema_valid: 'Matches the Evidence Bundle v1.0 schema',
  bundle_hash_verified: 'Bundle hash recomputed',
  merkle_root_valid: 'Merkle root recomputed from the artifact list (RFC 9162)',
  signature_valid: 'ML-DSA-65 signature verifies',
  signed_at_bound: 'Signature time equals the signed packaging time',
  key_not_revoked: 'Signing key is not revoked',
  timestamp_within_validity: "Signed within the key's validity window",
  artifact_present: 'present',
  artifact_hash: 'SHA-256 matches the bundle',
  artifact_size: 'size matches the bundle',
};

const KEY_ROWS = new Set(['signature_valid', 'key_not_revoked', 'timestamp_within_validity']);
const NOT_CHECKED = /^not checked: /;
const sha256 = noble.hash('SHA-256');

interface Registry {
  readonly registry: KeyRegistry;
  /** Why a key-dependent row could not be checked, by row; absent when the registry answers it. */
  readonly unchecked: ReadonlyMap<string, string>;
  /** True when no usable key was given, so every key-dependent result is an artefact of an empty registry. */
  readonly noKey: boolean;
}

function registryFor(key: KeyMaterial | undefined, keyId: string | undefined): Registry {
  if (!key) {
    const why = 'no public key or key registry given';
    return {
      registry: new KeyRegistry(),
      unchecked: new Map([...KEY_ROWS].map((r) => [r, why])),
      noKey: true,
    };
  }
  if (key.kind === 'registry') return { registry: key.registry, unchecked: new Map(), noKey: false };
  if (key.algorithm !== 'ML-DSA-65' || keyId === undefined) {
    const why =
      key.algorithm !== 'ML-DSA-65'
        ? `the key you gave is ${key.algorithm}; evidence bundles are signed with ML-DSA-65`
        : 'the bundle names no signing key';
    return {
      registry: new KeyRegistry(),
      unchecked: new Map([...KEY_ROWS].map((r) => [r, why])),
      noKey: true,
    };
  }
  // A bare key is trusted for the key id the bundle names: the signature check is what binds them.
  const registry = new KeyRegistry([
    {
      keyId,
      algorithm: 'ML-DSA-65',
      publicKey: key.publicKey,
      notBefore: new Date(-8.64e15),
      notAfter: new Date(8.64e15),
      revokedAt: null,
    },
  ]);
  return {
    registry,
    noKey: false,
    unchecked: new Map([
      [
        'key_not_revoked',
        'a bare public key carries no revocation record: give the key registry to check it',
      ],
      [
        'timestamp_within_validity',
        'a bare public key carries no validity window: give the key registry to check it',
      ],
    ]),
  };
}

function signingKeyId(value: unknown): string | undefined {
  if (!isObject(value) || !isObject(value.signature)) return undefined;
  const id = value.signature.key_id;
  return typeof id === 'string' ? id : undefined;
}

async function merkleFacts(
  bundle: EvidenceBundle,
  artifacts: ReadonlyMap<string, Blob | Uint8Array> | undefined,
): Promise<Fact[]> {
  const facts: Fact[] = [{ label: 'Merkle root (stated in the bundle)', value: bundle.merkle_root }];
  const listed = formatDigest(
    merkleRoot(
      sha256,
      bundle.artifacts.map((a) => parseDigest(a.hash)),
    ),
  );
  facts.push({
    label: 'Merkle root recomputed from the listed hashes',
    value: listed,
    mismatch: listed !== bundle.merkle_root,
  });
  if (artifacts && bundle.artifacts.every((a) => artifacts.has(a.name))) {
    const digests = await Promise.all(
      bundle.artifacts.map(async (a) =>
        parseDigest((await digestSource(artifacts.get(a.name)!, sha256)).hash),
      ),
    );
    const fromFiles = formatDigest(merkleRoot(sha256, digests));
    facts.push({
      label: 'Merkle root recomputed from your files',
      value: fromFiles,
      mismatch: fromFiles !== bundle.merkle_root,
    });
  }
  return facts;
}

export async function checkBundle(inputs: BundleInputs): Promise<Outcome> {
  const notes: string[] = [];
  const now = inputs.now ?? new Date();
  const parsed = jsonOf(inputs.bundle);
  const { registry, unchecked, noKey } = registryFor(inputs.key, signingKeyId(parsed));
  const artifacts = inputs.artifacts && inputs.artifacts.size > 0 ? inputs.artifacts : undefined;
  const report = await verify(inputs.bundle, { keys: registry, now, ...(artifacts ? { artifacts } : {}) });

  const rows: Row[] = report.checks.map((c) => {
    const id = c.artifact === undefined ? c.check : `${c.check}:${c.artifact}`;
    const name = LABELS[c.check] ?? c.check;
    const label = c.artifact === undefined ? name : `Artifact ${c.artifact}: ${name}`;
    if (NOT_CHECKED.test(c.detail))
      return { id, label, status: 'not-checked', reason: c.detail.replace(NOT_CHECKED, '') };
    const why = unchecked.get(c.check);
    // A pass the given key material could not have earned is withheld; a real failure stays a failure.
    if (why !== undefined && (noKey || c.passed)) {
      return { id, label, status: 'not-checked', reason: why };
    }
    return { id, label, status: c.passed ? 'pass' : 'fail', reason: c.detail };
  });
  if (!artifacts && isBundle(parsed)) {
    rows.push({
      id: 'artifacts',
      label: 'Artifact files match the bundle',
      status: 'not-checked',
      reason: `no artifact files given: the ${parsed.artifacts.length} listed hashes were checked against the Merkle root, not against the files`,
    });
  }

  const facts: Fact[] = [];
  if (isBundle(parsed)) {
    const listedNames = new Set(parsed.artifacts.map((a) => a.name));
    const extra = [...(artifacts?.keys() ?? [])].filter((n) => !listedNames.has(n));
    if (extra.length > 0) notes.push(`Not listed in the bundle, so not checked: ${extra.join(', ')}.`);
    facts.push({ label: 'Bundle id', value: parsed.bundle_id });
    facts.push({ label: 'Job / tenant', value: `${parsed.job_id} / ${parsed.tenant_id}` });
    facts.push({ label: 'Execution status', value: parsed.execution.status });
    facts.push({ label: 'Packaged at', value: parsed.timeline.packaged_at });
    facts.push({ label: 'Results hash', value: parsed.results_summary.result_hash });
    facts.push({
      label: 'Artifacts listed',
      value: parsed.artifacts.map((a) => `${a.name} (${formatBytes(a.size_bytes)})`).join(', ') || 'none',
    });
    if (report.bundle_hash) facts.push({ label: 'Bundle hash (recomputed)', value: report.bundle_hash });
    facts.push({ label: 'Signing key id', value: parsed.signature.key_id });
    try {
      facts.push(...(await merkleFacts(parsed, artifacts)));
    } catch (error) {
      notes.push(`The Merkle root could not be recomputed: ${(error as Error).message}`);
    }
  }
  return {
    kind: 'bundle',
    verdict: verdictOf(rows),
    headline: headlineOf('bundle', rows),
    rows,
    facts,
    notes,
  };
}
