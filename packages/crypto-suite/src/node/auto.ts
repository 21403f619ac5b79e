import { defineEngine, kindOf } from '../engine.js';
import { CryptoError } from '../errors.js';
import { noble } from '../noble/engine.js';
import { defineKem } from '../primitives/kem.js';
import { defineSignature } from '../primitives/signature.js';
import type { AlgorithmId, Engine, KemId, SignatureId } from '../types.js';
import { node } from './engine.js';

/**
 * Which engine `auto` uses for an algorithm on this runtime. Derived from the
 * same feature tests `auto` itself dispatches on, so tests and benchmarks can
 * hold it to "the fastest present" (node:crypto wherever it has the algorithm).
 * Seeded encapsulation and explicitly (de)randomized signing always go to
 * noble, whatever this says, because node:crypto cannot take caller randomness.
 */
export function autoProvider(id: AlgorithmId): 'node' | 'noble' {
  const kind = kindOf(id);
  if (kind === undefined)
    throw new CryptoError('UNSUPPORTED_ALGORITHM', `${String(id)} is not a known algorithm`);
  return node.supports(id) ? 'node' : 'noble';
}

/**
 * Per primitive, the faster engine present (measured by bench/engines.bench.ts):
 * node:crypto for SHA-2, HKDF and both AEADs everywhere, and for ML-KEM and
 * ML-DSA where the runtime has them; noble otherwise (X-Wing always).
 * node:crypto takes no caller-supplied randomness, so derandomized calls
 * (seeded encapsulation, deterministic or explicitly hedged signing) go to
 * noble, which gives the FIPS byte-exact results.
 */
function kem(id: KemId) {
  if (autoProvider(id) === 'noble') return noble.kem(id);
  const fast = node.kem(id);
  const exact = noble.kem(id);
  return defineKem(id, {
    keygen: (seed) => fast.keygen(seed),
    encapsulate: (publicKey, seed) =>
      seed === undefined ? fast.encapsulate(publicKey) : exact.encapsulate(publicKey, seed),
    decapsulate: (ciphertext, secretKey) => fast.decapsulate(ciphertext, secretKey),
  });
}

function signature(id: SignatureId) {
  if (autoProvider(id) === 'noble') return noble.signature(id);
  const fast = node.signature(id);
  const exact = noble.signature(id);
  return defineSignature(id, {
    keygen: (seed) => fast.keygen(seed),
    sign: (message, secretKey, context, extraEntropy) =>
      extraEntropy === undefined
        ? fast.sign(message, secretKey, { context })
        : exact.sign(message, secretKey, { context, extraEntropy }),
    verify: (sig, message, publicKey, context) => fast.verify(sig, message, publicKey, { context }),
  });
}

export const auto: Engine = defineEngine('auto', {
  hash: (id) => (autoProvider(id) === 'node' ? node.hash(id) : noble.hash(id)),
  kdf: (id) => (autoProvider(id) === 'node' ? node.kdf(id) : noble.kdf(id)),
  aead: (id) => (autoProvider(id) === 'node' ? node.aead(id) : noble.aead(id)),
  kem,
  signature,
});
