import { type Engine as CryptoEngine, noble, type SignatureId } from '@qsp/crypto-suite';
import { ContractError } from './errors.js';
import { sha256Hex } from './hash.js';

/** A public key the consumer trusts, for evidence attestations, approvals or contract signatures. */
export interface TrustedKey {
  readonly algorithm: SignatureId;
  readonly publicKey: Uint8Array;
}

/** A key pair that signs. */
export interface Signer extends TrustedKey {
  readonly secretKey: Uint8Array;
}

export const SIGNATURE_ALGORITHMS: readonly SignatureId[] = ['ML-DSA-44', 'ML-DSA-65', 'ML-DSA-87'];

/** ML-DSA context string for everything this package signs (FIPS 204 domain separation). */
export const SIGNING_CONTEXT = new TextEncoder().encode('qsp-contract/v1');

/** A key's id: lowercase hex SHA-256 of its public key bytes. */
export function keyId(publicKey: Uint8Array): string {
  return sha256Hex(publicKey);
}

/** Indexes trusted keys by id after checking each key's algorithm and length. */
export function keyIndex(keys: readonly TrustedKey[], crypto: CryptoEngine = noble): Map<string, TrustedKey> {
  const index = new Map<string, TrustedKey>();
  for (const key of keys) {
    if (!SIGNATURE_ALGORITHMS.includes(key.algorithm)) {
      throw new ContractError('INVALID_OPTION', `unsupported signature algorithm ${String(key.algorithm)}`);
    }
    if (
      !(key.publicKey instanceof Uint8Array) ||
      key.publicKey.length !== crypto.signature(key.algorithm).publicKeyLength
    ) {
      throw new ContractError('INVALID_OPTION', `${key.algorithm} public key has the wrong length`);
    }
    index.set(keyId(key.publicKey), key);
  }
  return index;
}

/**
 * A fresh ML-DSA key pair for signing contracts, evidence or approvals. With
 * a 32-byte seed the pair is deterministic (tests, demos; such keys are not
 * secret). Keep the secret key out of contracts and logs.
 */
export function generateSigner(
  algorithm: SignatureId = 'ML-DSA-65',
  options: { readonly seed?: Uint8Array; readonly crypto?: CryptoEngine } = {},
): Signer {
  if (!SIGNATURE_ALGORITHMS.includes(algorithm)) {
    throw new ContractError('INVALID_OPTION', `unsupported signature algorithm ${String(algorithm)}`);
  }
  if (options.seed !== undefined && (!(options.seed instanceof Uint8Array) || options.seed.length !== 32)) {
    throw new ContractError('INVALID_OPTION', 'seed must be 32 bytes');
  }
  const pair = (options.crypto ?? noble).signature(algorithm).keygen(options.seed);
  return { algorithm, publicKey: pair.publicKey, secretKey: pair.secretKey };
}

/** The public half of a signer, as a verifier or engine trusts it. */
export function trustedKey(key: TrustedKey): TrustedKey {
  return { algorithm: key.algorithm, publicKey: key.publicKey };
}
