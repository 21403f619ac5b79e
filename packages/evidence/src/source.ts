import type { Hash } from '@qsp/crypto-suite';
import { formatDigest } from './encoding.js';
import { EvidenceError } from './errors.js';

/**
 * Where artifact bytes come from. Anything but a Uint8Array is read chunk by
 * chunk, so an artifact of any size is hashed in constant memory. A function
 * is called once per read, so the same source can be hashed and stored.
 */
export type ArtifactSource =
  | Uint8Array
  | Blob
  | AsyncIterable<Uint8Array>
  | ReadableStream<Uint8Array>
  | (() => AsyncIterable<Uint8Array> | ReadableStream<Uint8Array>);

export interface SourceDigest {
  /** `sha256:<hex>` */
  readonly hash: string;
  readonly sizeBytes: number;
}

async function* readStream(stream: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/** The chunks of a source, in order. */
export function chunks(source: ArtifactSource): AsyncIterable<Uint8Array> {
  if (source instanceof Uint8Array) {
    return (async function* () {
      yield source;
    })();
  }
  if (typeof Blob !== 'undefined' && source instanceof Blob) return readStream(source.stream());
  const s = typeof source === 'function' ? source() : source;
  if (typeof ReadableStream !== 'undefined' && s instanceof ReadableStream) return readStream(s);
  return s as AsyncIterable<Uint8Array>;
}

/** Hashes a source in constant memory; `onBytes` sees each chunk's length (for progress). */
export async function digestSource(
  source: ArtifactSource,
  hash: Hash,
  onBytes?: (n: number) => void,
): Promise<SourceDigest> {
  const state = hash.create();
  let size = 0;
  try {
    for await (const chunk of chunks(source)) {
      if (!(chunk instanceof Uint8Array)) throw new TypeError('an artifact chunk is not a Uint8Array');
      state.update(chunk);
      size += chunk.length;
      onBytes?.(chunk.length);
    }
  } catch (cause) {
    throw new EvidenceError('ARTIFACT_READ_FAILED', (cause as Error)?.message ?? String(cause), { cause });
  }
  return { hash: formatDigest(state.digest()), sizeBytes: size };
}
