import { CryptoError, isCryptoError } from '../errors.js';
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
export interface Bb84SourceOptions extends Bb84Options {
  readonly id?: string;
  /**
   * Runs per key when reconciliation leaves a residual error (default 3). As a
   * QKD link does, the failed block is discarded and a fresh one is run; a QBER
   * above the threshold is never retried (it signals an eavesdropper).
   */
  readonly reconcileAttempts?: number;
}

export function bb84KeySource(options: Bb84SourceOptions = {}): Bb84KeySource {
  if (options.seed !== undefined && !(options.seed instanceof Uint8Array && options.seed.length === 32)) {
    throw new CryptoError('INVALID_SEED_LENGTH', 'BB84 seed must be 32 bytes');
  }
  const attempts = options.reconcileAttempts ?? 3;
  if (!Number.isInteger(attempts) || attempts < 1 || attempts > 16) {
    throw new CryptoError('INVALID_ARGUMENT', 'reconcileAttempts must be an integer in [1, 16]');
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
      const run = (() => {
        for (let attempt = 1; ; attempt++) {
          // A seeded source gives a different, still reproducible, run per key and per attempt.
          const seed = options.seed === undefined ? undefined : ids.bytes(32);
          try {
            return runBb84(lengthBytes, seed === undefined ? options : { ...options, seed });
          } catch (error) {
            if (!isCryptoError(error, 'QKD_RECONCILIATION_FAILED') || attempt >= attempts) throw error;
          }
        }
      })();
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
