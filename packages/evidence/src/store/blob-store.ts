import type { ArtifactSource } from '../source.js';

export interface StoredBlob {
  /** `sha256:<hex>` of the content, which is also its address. */
  readonly hash: string;
  readonly sizeBytes: number;
  /** Where the blob lives, e.g. `file:///var/lib/evidence/sha256/ab/ab12…`. */
  readonly uri: string;
}

/** Content-addressed storage for artifacts and bundle files (filesystem by default; S3-like stores fit the same shape). */
export interface BlobStore {
  /** Streams `source` in, hashing as it goes; the blob becomes visible only once complete. */
  put(source: ArtifactSource): Promise<StoredBlob>;
  /** The blob's bytes, or undefined when absent. */
  get(hash: string): Promise<ArtifactSource | undefined>;
  has(hash: string): Promise<boolean>;
}
