import type { Signature } from '@qsp/crypto-suite';
import { noble } from '@qsp/crypto-suite';
import { SIGNATURE_ALGORITHM } from './bundle.js';
import { EvidenceError } from './errors.js';

/**
 * Whatever produces the bundle signature: a key in this process, or a remote
 * signing service. ML-DSA-65 with an empty context over `message`.
 */
export interface Signer {
  readonly algorithm: typeof SIGNATURE_ALGORITHM;
  readonly keyId: string;
  sign(message: Uint8Array): Promise<Uint8Array>;
}

export interface LocalSignerOptions {
  readonly keyId: string;
  readonly secretKey: Uint8Array;
  /** Defaults to noble's ML-DSA-65; pass `node.signature('ML-DSA-65')` for node:crypto where present. */
  readonly signature?: Signature;
}

/** A signer holding an ML-DSA-65 secret key in memory. */
export function localSigner(options: LocalSignerOptions): Signer {
  const sig = options.signature ?? noble.signature(SIGNATURE_ALGORITHM);
  if (sig.id !== SIGNATURE_ALGORITHM)
    throw new EvidenceError('INVALID_ARGUMENT', `signer must be ${SIGNATURE_ALGORITHM}`);
  if (options.secretKey.length !== sig.secretKeyLength) {
    throw new EvidenceError(
      'INVALID_ARGUMENT',
      `an ${SIGNATURE_ALGORITHM} secret key is ${sig.secretKeyLength} bytes`,
    );
  }
  const secretKey = options.secretKey.slice();
  return Object.freeze({
    algorithm: SIGNATURE_ALGORITHM,
    keyId: options.keyId,
    async sign(message: Uint8Array) {
      try {
        return sig.sign(message, secretKey);
      } catch (cause) {
        throw new EvidenceError('SIGNER_FAILED', (cause as Error).message, { cause });
      }
    },
  });
}

export interface GeneratedKey {
  readonly keyId: string;
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

/** A fresh ML-DSA-65 key pair (seeded when `seed` is 32 bytes, for reproducible fixtures). */
export function generateKey(keyId: string, seed?: Uint8Array, signature?: Signature): GeneratedKey {
  const sig = signature ?? noble.signature(SIGNATURE_ALGORITHM);
  const pair = sig.keygen(seed);
  return { keyId, publicKey: pair.publicKey, secretKey: pair.secretKey };
}
