import type { Hash, Signature } from '@qsp/crypto-suite';
import { noble } from '@qsp/crypto-suite';
import { type BundleArtifact, type EvidenceBundle, SIGNATURE_ALGORITHM } from './bundle.js';
import { canonicalJson, signingBytes } from './canonical.js';
import { formatDigest, fromBase64, parseDigest, utf8 } from './encoding.js';
import { isEvidenceError } from './errors.js';
import type { KeyRegistry, RegisteredKey } from './keys.js';
import { merkleRoot } from './merkle.js';
import type { PackProgress } from './pack.js';
import { mapLimit } from './pool.js';
import { type ArtifactSource, digestSource } from './source.js';
import { bundleProblems, parseJson } from './validate.js';

/** The named checks, in the order they run and appear in `checks`. */
export type CheckName =
  | 'well_formed'
  | 'canonical_form'
  | 'schema_valid'
  | 'bundle_hash_verified'
  | 'merkle_root_valid'
  | 'signature_valid'
  | 'signed_at_bound'
  | 'key_not_revoked'
  | 'timestamp_within_validity'
  | 'artifact_present'
  | 'artifact_hash'
  | 'artifact_size';

export interface CheckResult {
  readonly check: CheckName;
  readonly passed: boolean;
  /** Human-readable reason; not a stable interface (branch on `check` and `passed`). */
  readonly detail: string;
  /** Set on artifact_* checks: the artifact's `name`. */
  readonly artifact?: string;
}

export interface ArtifactCheck {
  readonly name: string;
  readonly present: boolean;
  readonly hash_verified: boolean;
  readonly size_verified: boolean;
}

/** One boolean per bundle-level check (the seed's `details`, extended). */
export interface VerificationDetails {
  readonly well_formed: boolean;
  /** null when verify was given a parsed object (there are no file bytes to compare). */
  readonly canonical_form: boolean | null;
  readonly schema_valid: boolean;
  readonly bundle_hash_verified: boolean;
  readonly merkle_root_valid: boolean;
  readonly signature_valid: boolean;
  readonly signed_at_bound: boolean;
  readonly key_not_revoked: boolean;
  readonly timestamp_within_validity: boolean;
  /** null when no artifacts were supplied (the verdict then covers the bundle alone). */
  readonly artifacts: readonly ArtifactCheck[] | null;
}

export interface VerificationReport {
  /** True only when every check passed. */
  readonly valid: boolean;
  readonly verified_at: string;
  readonly verification_method: typeof SIGNATURE_ALGORITHM;
  /** null when the input is not a schema-valid bundle. */
  readonly bundle_id: string | null;
  /** `sha256:<hex>` of the signed bytes; null when the input is not a schema-valid bundle. */
  readonly bundle_hash: string | null;
  readonly key_id: string | null;
  readonly details: VerificationDetails;
  /** Every check that ran, in order; a check that could not run is listed as failed ("not checked: …"). */
  readonly checks: readonly CheckResult[];
  /** Names of the failed checks, in order (artifact checks as `artifact_hash:<name>`). */
  readonly failed: readonly string[];
}

/** Finds an artifact's bytes by its bundle entry; undefined means missing. */
export type ArtifactResolver = (
  artifact: BundleArtifact,
) => ArtifactSource | undefined | Promise<ArtifactSource | undefined>;

export interface VerifyOptions {
  /** Trusted signing keys with their validity windows and revocations. */
  readonly keys: KeyRegistry;
  /**
   * The artifacts' bytes, by name or through a resolver. When given, every
   * listed artifact must be present and match; when absent, the verdict
   * covers the bundle alone and `details.artifacts` is null.
   */
  readonly artifacts?:
    | ArtifactResolver
    | ReadonlyMap<string, ArtifactSource>
    | Readonly<Record<string, ArtifactSource>>;
  /** Values the caller expects (e.g. from a verify request): each given one must match. */
  readonly expected?: {
    readonly bundle_hash?: string;
    readonly signature?: string;
    readonly key_id?: string;
  };
  /** Verification time (default: now). Revocation and "not in the future" are judged against it. */
  readonly now?: Date;
  /** Accepted clock skew for a signing time in the future (default 5 minutes). */
  readonly maxSkewMs?: number;
  /** SHA-256 engine (default: noble; `nodeSha256()` from `@qsp/evidence/node` is faster on Node). */
  readonly hash?: Hash;
  /** ML-DSA-65 engine (default: noble). */
  readonly signature?: Signature;
  /** Artifacts hashed at once (default 4). */
  readonly concurrency?: number;
  /** Called as artifact bytes are hashed (for a progress bar). */
  readonly onProgress?: (p: PackProgress) => void;
}

const BUNDLE_CHECKS: readonly CheckName[] = [
  'schema_valid',
  'bundle_hash_verified',
  'merkle_root_valid',
  'signature_valid',
  'signed_at_bound',
  'key_not_revoked',
  'timestamp_within_validity',
];

function resolverOf(a: NonNullable<VerifyOptions['artifacts']>): ArtifactResolver {
  if (typeof a === 'function') return a;
  if (a instanceof Map) return (x) => a.get(x.name);
  const rec = a as Readonly<Record<string, ArtifactSource>>;
  return (x) => (Object.hasOwn(rec, x.name) ? rec[x.name] : undefined);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A bundle file is its canonical JSON, optionally followed by one LF (as `serializeBundle` writes it). */
function isCanonicalFile(raw: Uint8Array, value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  try {
    const expect = utf8(canonicalJson(value));
    if (sameBytes(raw, expect)) return true;
    return (
      raw.length === expect.length + 1 &&
      raw[raw.length - 1] === 0x0a &&
      sameBytes(raw.subarray(0, -1), expect)
    );
  } catch {
    return false;
  }
}

class Checks {
  readonly list: CheckResult[] = [];

  add(check: CheckName, passed: boolean, detail: string, artifact?: string): boolean {
    this.list.push(artifact === undefined ? { check, passed, detail } : { check, passed, detail, artifact });
    return passed;
  }

  skip(why: string, names: readonly CheckName[]): void {
    for (const n of names) this.add(n, false, `not checked: ${why}`);
  }
}

/**
 * Verifies a bundle (a parsed object, or the bytes/text of a bundle file)
 * and, when supplied, its artifacts. Never throws for bad input: every
 * problem is a failed, named check, and `valid` is their conjunction.
 * Browser-safe: with the default noble engines it needs no Node API.
 */
export async function verify(input: unknown, options: VerifyOptions): Promise<VerificationReport> {
  const now = options.now ?? new Date();
  const hash = options.hash ?? noble.hash('SHA-256');
  const sig = options.signature ?? noble.signature(SIGNATURE_ALGORITHM);
  const checks = new Checks();
  const wantArtifacts = options.artifacts !== undefined;
  const early = () => report(checks.list, now, null, wantArtifacts ? [] : null);

  let value: unknown = input;
  let raw: Uint8Array | undefined;
  if (typeof input === 'string' || input instanceof Uint8Array) {
    raw = typeof input === 'string' ? utf8(input) : input;
    try {
      value = parseJson(raw);
      checks.add('well_formed', true, 'valid UTF-8 JSON');
    } catch (e) {
      checks.add('well_formed', false, isEvidenceError(e) ? e.message : 'not JSON');
      checks.skip('the bundle is not JSON', ['canonical_form', ...BUNDLE_CHECKS]);
      return early();
    }
  } else {
    checks.add('well_formed', true, 'parsed object');
  }

  let problems: string[];
  try {
    problems = bundleProblems(value);
  } catch (e) {
    // A hostile object (throwing getter, proxy) is a schema failure, not a crash.
    problems = [`cannot be inspected: ${(e as Error)?.message ?? String(e)}`];
  }
  if (raw) {
    const canonical = isCanonicalFile(raw, value);
    checks.add(
      'canonical_form',
      canonical,
      canonical ? 'file is RFC 8785 canonical JSON' : 'file bytes are not the canonical JSON of the bundle',
    );
  }
  if (
    !checks.add(
      'schema_valid',
      problems.length === 0,
      problems.length === 0 ? 'Evidence Bundle v1.0' : problems.join('; '),
    )
  ) {
    checks.skip('the bundle does not match the v1.0 schema', BUNDLE_CHECKS.slice(1));
    return early();
  }
  const bundle = value as EvidenceBundle;
  let signed: Uint8Array;
  try {
    signed = signingBytes(bundle);
  } catch (e) {
    checks.skip(`no canonical form: ${(e as Error)?.message ?? String(e)}`, BUNDLE_CHECKS.slice(1));
    return early();
  }

  const computedHash = formatDigest(hash.digest(signed));
  const expected = options.expected ?? {};
  checks.add(
    'bundle_hash_verified',
    expected.bundle_hash === undefined || expected.bundle_hash === computedHash,
    expected.bundle_hash === undefined
      ? `computed ${computedHash}`
      : expected.bundle_hash === computedHash
        ? `matches ${computedHash}`
        : `expected ${expected.bundle_hash}, computed ${computedHash}`,
  );

  const root = formatDigest(
    merkleRoot(
      hash,
      bundle.artifacts.map((a) => parseDigest(a.hash)),
    ),
  );
  checks.add(
    'merkle_root_valid',
    root === bundle.merkle_root,
    root === bundle.merkle_root ? 'root matches the artifact list' : `artifact list gives ${root}`,
  );

  const key = options.keys.get(bundle.signature.key_id);
  checks.add('signature_valid', ...signatureCheck(bundle, signed, key, sig, expected));

  // The signature member is outside the signed bytes, so signed_at on its own
  // is attacker-controlled. It is bound by requiring it to equal the signed
  // timeline.packaged_at (pack writes them equal), so no byte of it can change.
  const bound = bundle.signature.signed_at === bundle.timeline.packaged_at;
  checks.add(
    'signed_at_bound',
    bound,
    bound
      ? 'signature.signed_at equals the signed timeline.packaged_at'
      : `signature.signed_at ${bundle.signature.signed_at} differs from the signed timeline.packaged_at ${bundle.timeline.packaged_at}`,
  );

  if (!key) {
    checks.add('key_not_revoked', false, 'unknown key');
    checks.add('timestamp_within_validity', false, 'unknown key');
  } else {
    const revoked = key.revokedAt !== null && key.revokedAt.getTime() <= now.getTime();
    checks.add(
      'key_not_revoked',
      !revoked,
      revoked ? `revoked at ${key.revokedAt!.toISOString()}` : 'not revoked',
    );
    checks.add(
      'timestamp_within_validity',
      ...validityCheck(bundle, key, now, options.maxSkewMs ?? 5 * 60_000),
    );
  }

  let artifactChecks: ArtifactCheck[] | null = null;
  if (options.artifacts !== undefined) {
    artifactChecks = await checkArtifacts(bundle, resolverOf(options.artifacts), options, hash, checks);
  }
  return report(checks.list, now, { bundle, hash: computedHash }, artifactChecks);
}

function signatureCheck(
  bundle: EvidenceBundle,
  signed: Uint8Array,
  key: RegisteredKey | undefined,
  sig: Signature,
  expected: NonNullable<VerifyOptions['expected']>,
): [boolean, string] {
  if (!key) return [false, `key "${bundle.signature.key_id}" is not in the registry`];
  if (expected.key_id !== undefined && expected.key_id !== bundle.signature.key_id) {
    return [false, `expected key "${expected.key_id}"`];
  }
  if (expected.signature !== undefined && expected.signature !== bundle.signature.value) {
    return [false, 'signature differs from the expected one'];
  }
  let value: Uint8Array;
  try {
    value = fromBase64(bundle.signature.value);
  } catch {
    return [false, 'signature value is not canonical standard base64'];
  }
  if (value.length !== sig.signatureLength)
    return [false, `signature is ${value.length} bytes, not ${sig.signatureLength}`];
  let ok = false;
  try {
    ok = sig.verify(value, signed, key.publicKey);
  } catch {
    ok = false;
  }
  return ok ? [true, `ML-DSA-65 under "${key.keyId}"`] : [false, `does not verify under "${key.keyId}"`];
}

function validityCheck(
  bundle: EvidenceBundle,
  key: RegisteredKey,
  now: Date,
  skewMs: number,
): [boolean, string] {
  const at = Date.parse(bundle.timeline.packaged_at);
  const window = `[${key.notBefore.toISOString()}, ${key.notAfter.toISOString()}]`;
  if (!(at >= key.notBefore.getTime() && at <= key.notAfter.getTime())) {
    return [false, `signed ${bundle.timeline.packaged_at}, outside the key's validity ${window}`];
  }
  if (at > now.getTime() + skewMs) return [false, `signed ${bundle.timeline.packaged_at}, in the future`];
  return [true, `signed ${bundle.timeline.packaged_at}, inside ${window}`];
}

async function checkArtifacts(
  bundle: EvidenceBundle,
  resolve: ArtifactResolver,
  options: VerifyOptions,
  hash: Hash,
  checks: Checks,
): Promise<ArtifactCheck[]> {
  let total = 0;
  const results = await mapLimit(bundle.artifacts, options.concurrency ?? 4, async (a) => {
    let source: ArtifactSource | undefined;
    try {
      source = await resolve(a);
    } catch {
      source = undefined;
    }
    if (source === undefined) return { a, why: 'missing' } as const;
    try {
      let done = 0;
      const got = await digestSource(source, hash, (n) => {
        done += n;
        total += n;
        options.onProgress?.({ artifact: a.name, bytes: done, totalBytes: total });
      });
      return { a, got } as const;
    } catch (e) {
      return { a, why: `unreadable: ${(e as Error)?.message ?? String(e)}` } as const;
    }
  });
  // Checks are added after all hashing finished, so their order is the bundle's, not completion order.
  return results.map((r) => {
    const { a } = r;
    if (!('got' in r)) {
      checks.add('artifact_present', false, r.why, a.name);
      return { name: a.name, present: false, hash_verified: false, size_verified: false };
    }
    const hashOk = r.got.hash === a.hash;
    const sizeOk = r.got.sizeBytes === a.size_bytes;
    checks.add('artifact_present', true, 'found', a.name);
    checks.add('artifact_hash', hashOk, hashOk ? a.hash : `listed ${a.hash}, got ${r.got.hash}`, a.name);
    checks.add(
      'artifact_size',
      sizeOk,
      sizeOk ? `${a.size_bytes} bytes` : `listed ${a.size_bytes} bytes, got ${r.got.sizeBytes}`,
      a.name,
    );
    return { name: a.name, present: true, hash_verified: hashOk, size_verified: sizeOk };
  });
}

function report(
  checks: readonly CheckResult[],
  now: Date,
  subject: { bundle: EvidenceBundle; hash: string } | null,
  artifacts: ArtifactCheck[] | null,
): VerificationReport {
  const passed = (name: CheckName) => checks.some((c) => c.check === name && c.passed);
  const failed = checks
    .filter((c) => !c.passed)
    .map((c) => (c.artifact === undefined ? c.check : `${c.check}:${c.artifact}`));
  const ranCanonical = checks.some((c) => c.check === 'canonical_form');
  return {
    valid: failed.length === 0 && checks.length > 0,
    verified_at: now.toISOString(),
    verification_method: SIGNATURE_ALGORITHM,
    bundle_id: subject?.bundle.bundle_id ?? null,
    bundle_hash: subject?.hash ?? null,
    key_id: subject?.bundle.signature.key_id ?? null,
    details: {
      well_formed: passed('well_formed'),
      canonical_form: ranCanonical ? passed('canonical_form') : null,
      schema_valid: passed('schema_valid'),
      bundle_hash_verified: passed('bundle_hash_verified'),
      merkle_root_valid: passed('merkle_root_valid'),
      signature_valid: passed('signature_valid'),
      signed_at_bound: passed('signed_at_bound'),
      key_not_revoked: passed('key_not_revoked'),
      timestamp_within_validity: passed('timestamp_within_validity'),
      artifacts,
    },
    checks,
    failed,
  };
}
