import { assertBytes } from '../bytes.js';
import { assertLength } from '../checks.js';
import { CryptoError } from '../errors.js';
import {
  MAX_CONTEXT_LENGTH,
  SIGNATURE_PARAMS,
  SIGNATURE_RND_LENGTH,
  SIGNATURE_SEED_LENGTH,
} from '../params.js';
import type { KeyPair, Signature, SignatureId, SignOptions, VerifyOptions } from '../types.js';

/** What an engine supplies for ML-DSA; options are validated and normalised before these run. */
export interface RawSignature {
  keygen(seed: Uint8Array | undefined): KeyPair;
  /** extraEntropy: 32 bytes, false for deterministic, undefined for fresh randomness. */
  sign(
    message: Uint8Array,
    secretKey: Uint8Array,
    context: Uint8Array,
    extraEntropy: Uint8Array | false | undefined,
  ): Uint8Array;
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array, context: Uint8Array): boolean;
}

const EMPTY = new Uint8Array(0);

function contextOf(options: VerifyOptions | undefined): Uint8Array {
  const context = options?.context;
  if (context === undefined) return EMPTY;
  if (!(context instanceof Uint8Array))
    throw new CryptoError('INVALID_SIGNING_OPTION', 'context must be a Uint8Array');
  if (context.length > MAX_CONTEXT_LENGTH) {
    throw new CryptoError('INVALID_SIGNING_OPTION', `context must be at most ${MAX_CONTEXT_LENGTH} bytes`);
  }
  return context;
}

export function defineSignature(id: SignatureId, raw: RawSignature): Signature {
  const p = SIGNATURE_PARAMS[id];
  return Object.freeze({
    id,
    publicKeyLength: p.publicKeyLength,
    secretKeyLength: p.secretKeyLength,
    signatureLength: p.signatureLength,
    keygen(seed?: Uint8Array): KeyPair {
      if (seed !== undefined)
        assertLength(seed, SIGNATURE_SEED_LENGTH, 'INVALID_SEED_LENGTH', `${id} keygen seed`);
      return raw.keygen(seed);
    },
    sign(message: Uint8Array, secretKey: Uint8Array, options?: SignOptions): Uint8Array {
      assertBytes(message, 'message');
      assertLength(secretKey, p.secretKeyLength, 'INVALID_KEY_LENGTH', `${id} secret key`);
      const context = contextOf(options);
      const extraEntropy = options?.extraEntropy;
      if (extraEntropy !== undefined && extraEntropy !== false) {
        if (!(extraEntropy instanceof Uint8Array) || extraEntropy.length !== SIGNATURE_RND_LENGTH) {
          throw new CryptoError(
            'INVALID_SIGNING_OPTION',
            `extraEntropy must be ${SIGNATURE_RND_LENGTH} bytes or false`,
          );
        }
      }
      try {
        return raw.sign(message, secretKey, context, extraEntropy);
      } catch (cause) {
        if (cause instanceof CryptoError) throw cause;
        throw new CryptoError('INVALID_KEY', `${id} secret key is not a valid key`, { cause });
      }
    },
    verify(
      signature: Uint8Array,
      message: Uint8Array,
      publicKey: Uint8Array,
      options?: VerifyOptions,
    ): boolean {
      assertBytes(signature, 'signature');
      assertBytes(message, 'message');
      assertLength(publicKey, p.publicKeyLength, 'INVALID_KEY_LENGTH', `${id} public key`);
      const context = contextOf(options);
      if (signature.length !== p.signatureLength) return false;
      try {
        return raw.verify(signature, message, publicKey, context) === true;
      } catch (cause) {
        // An engine that cannot do this must say so; any other failure is a bad signature.
        if (cause instanceof CryptoError && cause.code.startsWith('UNSUPPORTED_')) throw cause;
        return false;
      }
    },
  });
}
