import { CryptoError } from './errors.js';
import { AEAD_IDS, HASH_IDS, KDF_IDS, KEM_IDS, SIGNATURE_IDS } from './params.js';
import type {
  Aead,
  AeadId,
  AlgorithmId,
  Engine,
  Hash,
  HashId,
  Kdf,
  KdfId,
  Kem,
  KemId,
  Signature,
  SignatureId,
} from './types.js';

/** Per-kind factories; a missing factory (or one returning undefined) means "not provided here". */
export interface EngineParts {
  hash(id: HashId): Hash | undefined;
  kdf(id: KdfId): Kdf | undefined;
  aead(id: AeadId): Aead | undefined;
  kem(id: KemId): Kem | undefined;
  signature(id: SignatureId): Signature | undefined;
}

type Kind = keyof EngineParts;

const KIND_OF = new Map<string, Kind>([
  ...HASH_IDS.map((id) => [id, 'hash'] as const),
  ...KDF_IDS.map((id) => [id, 'kdf'] as const),
  ...AEAD_IDS.map((id) => [id, 'aead'] as const),
  ...KEM_IDS.map((id) => [id, 'kem'] as const),
  ...SIGNATURE_IDS.map((id) => [id, 'signature'] as const),
]);

/** The kind of primitive an algorithm id names, or undefined for an unknown id. */
export function kindOf(id: string): Kind | undefined {
  return KIND_OF.get(id);
}

/**
 * Builds an Engine from factories, creating each primitive once and
 * refusing unknown or unprovided ids with UNSUPPORTED_ALGORITHM.
 */
export function defineEngine(name: string, parts: EngineParts): Engine {
  const cache = new Map<string, unknown>();
  const get = <T>(kind: Kind, id: string): T => {
    if (kindOf(id) !== kind)
      throw new CryptoError('UNSUPPORTED_ALGORITHM', `${id} is not a known ${kind} algorithm`);
    if (cache.has(id)) return cache.get(id) as T;
    const made = (parts[kind] as (id: string) => unknown)(id);
    if (made === undefined) {
      throw new CryptoError(
        'UNSUPPORTED_ALGORITHM',
        `engine "${name}" does not provide ${id} on this runtime`,
      );
    }
    cache.set(id, made);
    return made as T;
  };
  const supports = (id: AlgorithmId): boolean => {
    const kind = kindOf(id);
    if (kind === undefined) return false;
    try {
      get(kind, id);
      return true;
    } catch {
      return false;
    }
  };
  return Object.freeze({
    name,
    supports,
    hash: (id: HashId) => get<Hash>('hash', id),
    kdf: (id: KdfId) => get<Kdf>('kdf', id),
    aead: (id: AeadId) => get<Aead>('aead', id),
    kem: (id: KemId) => get<Kem>('kem', id),
    signature: (id: SignatureId) => get<Signature>('signature', id),
  });
}
