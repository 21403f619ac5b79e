import { assertLength } from '../checks.js';
import { CryptoError, isCryptoError } from '../errors.js';
import { KEM_PARAMS } from '../params.js';
import type { Encapsulation, Kem, KemId, KeyPair } from '../types.js';

/** What an engine supplies for a KEM; every length is checked before these run. */
export interface RawKem {
  keygen(seed: Uint8Array | undefined): KeyPair;
  encapsulate(publicKey: Uint8Array, seed: Uint8Array | undefined): Encapsulation;
  decapsulate(ciphertext: Uint8Array, secretKey: Uint8Array): Uint8Array;
}

/** Errors from inside an implementation after the length checks mean the key bytes are not a valid key. */
function asInvalidKey(id: KemId, what: string, cause: unknown): CryptoError {
  if (cause instanceof CryptoError) return cause;
  return new CryptoError('INVALID_KEY', `${id} ${what} is not a valid key`, { cause });
}

export function defineKem(id: KemId, raw: RawKem): Kem {
  const p = KEM_PARAMS[id];
  return Object.freeze({
    id,
    publicKeyLength: p.publicKeyLength,
    secretKeyLength: p.secretKeyLength,
    ciphertextLength: p.ciphertextLength,
    sharedSecretLength: p.sharedSecretLength,
    keygen(seed?: Uint8Array): KeyPair {
      if (seed !== undefined)
        assertLength(seed, p.keygenSeedLength, 'INVALID_SEED_LENGTH', `${id} keygen seed`);
      return raw.keygen(seed);
    },
    encapsulate(publicKey: Uint8Array, seed?: Uint8Array): Encapsulation {
      assertLength(publicKey, p.publicKeyLength, 'INVALID_KEY_LENGTH', `${id} public key`);
      if (seed !== undefined)
        assertLength(seed, p.encapsSeedLength, 'INVALID_SEED_LENGTH', `${id} encapsulation seed`);
      try {
        return raw.encapsulate(publicKey, seed);
      } catch (cause) {
        throw asInvalidKey(id, 'public key', cause);
      }
    },
    decapsulate(ciphertext: Uint8Array, secretKey: Uint8Array): Uint8Array {
      assertLength(ciphertext, p.ciphertextLength, 'INVALID_CIPHERTEXT', `${id} ciphertext`);
      assertLength(secretKey, p.secretKeyLength, 'INVALID_KEY_LENGTH', `${id} secret key`);
      try {
        return raw.decapsulate(ciphertext, secretKey);
      } catch (cause) {
        if (isCryptoError(cause)) throw cause;
        throw asInvalidKey(id, 'secret key', cause);
      }
    },
  });
}
