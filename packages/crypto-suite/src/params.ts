import type { AeadId, HashId, KdfId, KemId, SignatureId } from './types.js';

/** Byte sizes fixed by the standards (FIPS 180-4, 203, 204; RFC 5116, 8439; X-Wing draft). */
export const HASH_PARAMS: Record<HashId, { outputLength: number; blockLength: number }> = {
  'SHA-256': { outputLength: 32, blockLength: 64 },
  'SHA-384': { outputLength: 48, blockLength: 128 },
};

export const KDF_HASH: Record<KdfId, HashId> = {
  'HKDF-SHA-256': 'SHA-256',
  'HKDF-SHA-384': 'SHA-384',
};

export const AEAD_PARAMS: Record<AeadId, { keyLength: number; nonceLength: number; tagLength: number }> = {
  'AES-256-GCM': { keyLength: 32, nonceLength: 12, tagLength: 16 },
  'ChaCha20-Poly1305': { keyLength: 32, nonceLength: 12, tagLength: 16 },
};

export interface KemParams {
  readonly publicKeyLength: number;
  readonly secretKeyLength: number;
  readonly ciphertextLength: number;
  readonly sharedSecretLength: number;
  readonly keygenSeedLength: number;
  readonly encapsSeedLength: number;
}

export const KEM_PARAMS: Record<KemId, KemParams> = {
  'ML-KEM-768': {
    publicKeyLength: 1184,
    secretKeyLength: 2400,
    ciphertextLength: 1088,
    sharedSecretLength: 32,
    keygenSeedLength: 64,
    encapsSeedLength: 32,
  },
  'ML-KEM-1024': {
    publicKeyLength: 1568,
    secretKeyLength: 3168,
    ciphertextLength: 1568,
    sharedSecretLength: 32,
    keygenSeedLength: 64,
    encapsSeedLength: 32,
  },
  'X-Wing': {
    publicKeyLength: 1216,
    secretKeyLength: 32,
    ciphertextLength: 1120,
    sharedSecretLength: 32,
    keygenSeedLength: 32,
    encapsSeedLength: 64,
  },
};

export interface SignatureParams {
  readonly publicKeyLength: number;
  readonly secretKeyLength: number;
  readonly signatureLength: number;
}

export const SIGNATURE_PARAMS: Record<SignatureId, SignatureParams> = {
  'ML-DSA-44': { publicKeyLength: 1312, secretKeyLength: 2560, signatureLength: 2420 },
  'ML-DSA-65': { publicKeyLength: 1952, secretKeyLength: 4032, signatureLength: 3309 },
  'ML-DSA-87': { publicKeyLength: 2592, secretKeyLength: 4896, signatureLength: 4627 },
};

export const SIGNATURE_SEED_LENGTH = 32;
export const SIGNATURE_RND_LENGTH = 32;
export const MAX_CONTEXT_LENGTH = 255;

export const HASH_IDS = Object.keys(HASH_PARAMS) as HashId[];
export const KDF_IDS = Object.keys(KDF_HASH) as KdfId[];
export const AEAD_IDS = Object.keys(AEAD_PARAMS) as AeadId[];
export const KEM_IDS = Object.keys(KEM_PARAMS) as KemId[];
export const SIGNATURE_IDS = Object.keys(SIGNATURE_PARAMS) as SignatureId[];
