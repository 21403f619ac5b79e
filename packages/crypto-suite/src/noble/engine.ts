import { gcm } from '@noble/ciphers/aes.js';
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { expand, extract } from '@noble/hashes/hkdf.js';
import { sha256, sha384 } from '@noble/hashes/sha2.js';
import { ml_kem768_x25519 } from '@noble/post-quantum/hybrid.js';
import { ml_dsa44, ml_dsa65, ml_dsa87 } from '@noble/post-quantum/ml-dsa.js';
import { ml_kem768, ml_kem1024 } from '@noble/post-quantum/ml-kem.js';
import { defineEngine } from '../engine.js';
import { KDF_HASH } from '../params.js';
import { defineAead } from '../primitives/aead.js';
import { defineHash } from '../primitives/hash.js';
import { defineKdf } from '../primitives/kdf.js';
import { defineKem } from '../primitives/kem.js';
import { defineSignature } from '../primitives/signature.js';
import type { AeadId, Engine, HashId, KdfId, KemId, SignatureId } from '../types.js';

const HASHES = { 'SHA-256': sha256, 'SHA-384': sha384 } as const;
const CIPHERS = { 'AES-256-GCM': gcm, 'ChaCha20-Poly1305': chacha20poly1305 } as const;
const KEMS = { 'ML-KEM-768': ml_kem768, 'ML-KEM-1024': ml_kem1024, 'X-Wing': ml_kem768_x25519 } as const;
const DSAS = { 'ML-DSA-44': ml_dsa44, 'ML-DSA-65': ml_dsa65, 'ML-DSA-87': ml_dsa87 } as const;

function hash(id: HashId) {
  const h = HASHES[id];
  return defineHash(id, { digest: (data) => h(data), create: () => h.create() });
}

function kdf(id: KdfId) {
  const h = HASHES[KDF_HASH[id]];
  return defineKdf(id, hash(KDF_HASH[id]), {
    extract: (salt, ikm) => extract(h, ikm, salt),
    expand: (prk, info, length) => expand(h, prk, info, length),
  });
}

function aead(id: AeadId) {
  const cipher = CIPHERS[id];
  return defineAead(id, {
    seal: (key, nonce, plaintext, aad) => cipher(key, nonce, aad).encrypt(plaintext),
    open: (key, nonce, ciphertext, aad) => cipher(key, nonce, aad).decrypt(ciphertext),
  });
}

function kem(id: KemId) {
  const k = KEMS[id];
  return defineKem(id, {
    keygen: (seed) => k.keygen(seed),
    encapsulate: (publicKey, seed) => {
      const { cipherText, sharedSecret } = k.encapsulate(publicKey, seed);
      return { ciphertext: cipherText, sharedSecret };
    },
    decapsulate: (ciphertext, secretKey) => k.decapsulate(ciphertext, secretKey),
  });
}

function signature(id: SignatureId) {
  const s = DSAS[id];
  return defineSignature(id, {
    keygen: (seed) => s.keygen(seed),
    sign: (message, secretKey, context, extraEntropy) =>
      s.sign(message, secretKey, extraEntropy === undefined ? { context } : { context, extraEntropy }),
    verify: (sig, message, publicKey, context) => s.verify(sig, message, publicKey, { context }),
  });
}

/**
 * The pure-JS engine (noble): runs everywhere, including browsers and Node 20.
 * Its AES uses lookup tables (not constant-time against cache timing), which
 * is why the default pure-JS suite is the ChaCha20-Poly1305 one.
 */
export const noble: Engine = defineEngine('noble', { hash, kdf, aead, kem, signature });
