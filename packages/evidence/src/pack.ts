import type { Hash } from '@qsp/crypto-suite';
import { noble } from '@qsp/crypto-suite';
import {
  BUNDLE_VERSION,
  type BundleArtifact,
  type EvidenceBundle,
  type JobRecord,
  SIGNATURE_ALGORITHM,
} from './bundle.js';
import { ARTIFACT_NAME_PATTERN } from './bundle-schema.js';
import { bundleHash, serializeBundle, signingBytes } from './canonical.js';
import { bytesToHex, formatDigest, parseDigest, toBase64 } from './encoding.js';
import { EvidenceError } from './errors.js';
import { merkleRoot } from './merkle.js';
import { mapLimit } from './pool.js';
import type { Signer } from './signer.js';
import { type ArtifactSource, digestSource } from './source.js';
import { assertBundle, assertJob } from './validate.js';

export interface ArtifactInput {
  readonly name: string;
  readonly content_type: string;
  readonly source: ArtifactSource;
}

export interface PackProgress {
  readonly artifact: string;
  /** Bytes of this artifact hashed so far. */
  readonly bytes: number;
  /** Bytes of all artifacts hashed so far. */
  readonly totalBytes: number;
}

export interface PackOptions {
  /** SHA-256 implementation; `@qsp/evidence/node` passes the node:crypto one. Defaults to noble. */
  readonly hash?: Hash;
  /** Artifacts hashed at once (default 4). */
  readonly concurrency?: number;
  /** The packaging instant (default: now). */
  readonly now?: () => Date;
  readonly onProgress?: (p: PackProgress) => void;
}

export interface PackResult {
  readonly bundle: EvidenceBundle;
  /** `sha256:<hex>` over the signed bytes. */
  readonly bundleHash: string;
  /** The bundle file: canonical JSON and a final LF. */
  readonly bytes: Uint8Array;
}

const NAME = new RegExp(ARTIFACT_NAME_PATTERN);
const CONTENT_TYPE = /^[!-~]{1,255}$/;

function newBundleId(at: Date): string {
  const day = at.toISOString().slice(0, 10).replaceAll('-', '');
  return `bundle_${day}_${bytesToHex(crypto.getRandomValues(new Uint8Array(6)))}`;
}

function checkArtifacts(artifacts: readonly ArtifactInput[]): void {
  const seen = new Set<string>();
  for (const a of artifacts) {
    if (typeof a?.name !== 'string' || !NAME.test(a.name)) {
      throw new EvidenceError(
        'INVALID_ARTIFACT',
        `artifact name ${JSON.stringify(a?.name)} is not a plain file name`,
      );
    }
    if (typeof a.content_type !== 'string' || !CONTENT_TYPE.test(a.content_type)) {
      throw new EvidenceError('INVALID_ARTIFACT', `artifact "${a.name}" has an invalid content_type`);
    }
    if (seen.has(a.name))
      throw new EvidenceError('INVALID_ARTIFACT', `artifact name "${a.name}" appears twice`);
    seen.add(a.name);
  }
}

/**
 * Builds a signed Evidence Bundle v1.0: streams every artifact through
 * SHA-256 (several at once, constant memory each), lists them in the given
 * order, computes the RFC 9162 Merkle root over their hashes and signs the
 * canonical bundle without its signature member.
 */
export async function pack(
  job: JobRecord,
  artifacts: readonly ArtifactInput[],
  signer: Signer,
  options: PackOptions = {},
): Promise<PackResult> {
  assertJob(job);
  checkArtifacts(artifacts);
  if (signer.algorithm !== SIGNATURE_ALGORITHM) {
    throw new EvidenceError('INVALID_ARGUMENT', `signer algorithm must be ${SIGNATURE_ALGORITHM}`);
  }
  const hash = options.hash ?? noble.hash('SHA-256');
  let total = 0;
  const digests = await mapLimit(artifacts, options.concurrency ?? 4, async (a) => {
    let done = 0;
    return digestSource(a.source, hash, (n) => {
      done += n;
      total += n;
      options.onProgress?.({ artifact: a.name, bytes: done, totalBytes: total });
    });
  });
  const listed: BundleArtifact[] = artifacts.map((a, i) => ({
    name: a.name,
    hash: digests[i]!.hash,
    hash_algorithm: 'sha256',
    size_bytes: digests[i]!.sizeBytes,
    content_type: a.content_type,
  }));
  const at = options.now?.() ?? new Date();
  const packagedAt = at.toISOString();
  const unsigned: Omit<EvidenceBundle, 'signature'> = {
    version: BUNDLE_VERSION,
    bundle_id: job.bundle_id ?? newBundleId(at),
    job_id: job.job_id,
    tenant_id: job.tenant_id,
    provenance: job.provenance,
    capabilities_snapshot: job.capabilities_snapshot,
    timeline: { ...job.timeline, packaged_at: packagedAt },
    cost: job.cost,
    execution: job.execution,
    artifacts: listed,
    results_summary: job.results_summary,
    merkle_root: formatDigest(
      merkleRoot(
        hash,
        listed.map((a) => parseDigest(a.hash)),
      ),
    ),
  };
  const signature = await signer.sign(signingBytes(unsigned));
  const bundle: EvidenceBundle = {
    ...unsigned,
    signature: {
      algorithm: SIGNATURE_ALGORITHM,
      key_id: signer.keyId,
      value: toBase64(signature),
      signed_at: packagedAt,
    },
  };
  assertBundle(bundle);
  return { bundle, bundleHash: bundleHash(bundle, hash), bytes: serializeBundle(bundle) };
}
