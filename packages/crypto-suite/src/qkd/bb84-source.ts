import { CryptoError } from '../errors.js';
import type { KeyMaterial, KeySource } from '../types.js';
import { type Bb84Options, type Bb84Stats, runBb84 } from './bb84.js';
import { simRandom, uuidFrom } from './random.js';

export interface Bb84KeySource extends KeySource {
  /** Statistics of the last successful run (QBER, sifted and leaked bits...). */
  readonly lastStats: Bb84Stats | undefined;
}

/**
 * A KeySource backed by the BB84 simulator, holding both ends of the link:
 * `newKey` returns Alice's key and keeps Bob's under a fresh key id, which
 * `keyById` hands out once (then forgets), as a QKD key store does.
 */
export function bb84KeySource(options: Bb84Options & { readonly id?: string } = {}): Bb84KeySource {
  if (options.seed !== undefined && !(options.seed instanceof Uint8Array && options.seed.length === 32)) {
    throw new CryptoError('INVALID_SEED_LENGTH', 'BB84 seed must be 32 bytes');
  }
  const peerKeys = new Map<string, Uint8Array>();
  const ids = simRandom(options.seed === undefined ? undefined : options.seed.map((b) => b ^ 0x5c));
  let lastStats: Bb84Stats | undefined;
  return {
    id: options.id ?? 'bb84-sim',
    get lastStats() {
      return lastStats;
    },
    async newKey(lengthBytes: number): Promise<KeyMaterial> {
      // A seeded source gives a different, still reproducible, run per key.
      const seed = options.seed === undefined ? undefined : ids.bytes(32);
      const run = runBb84(lengthBytes, seed === undefined ? options : { ...options, seed });
      lastStats = run.stats;
      const keyId = uuidFrom(ids);
      peerKeys.set(keyId, run.bobKey);
      return { keyId, key: run.aliceKey };
    },
    async keyById(keyId: string): Promise<KeyMaterial> {
      const key = peerKeys.get(keyId);
      if (key === undefined) throw new CryptoError('KEY_NOT_FOUND', `no BB84 key with id ${String(keyId)}`);
      peerKeys.delete(keyId);
      return { keyId, key };
    },
  };
}
