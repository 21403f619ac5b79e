import type { KeyObject } from 'node:crypto';
import * as nodeCrypto from 'node:crypto';
import { copyBytes } from '../bytes.js';
import { CryptoError } from '../errors.js';
import { KEM_PARAMS, SIGNATURE_PARAMS, SIGNATURE_SEED_LENGTH } from '../params.js';
import { defineKem } from '../primitives/kem.js';
import { defineSignature } from '../primitives/signature.js';
import type { Kem, KemId, KeyPair, Signature, SignatureId } from '../types.js';
import { adopt } from './bytes.js';
import {
  expandedKeyFromPkcs8,
  type OID_ARCS,
  pkcs8Expanded,
  pkcs8Seed,
  publicKeyFromSpki,
  spki,
} from './der.js';

type PqAlg = keyof typeof OID_ARCS;

/** The parts of node:crypto (>= 24.7) that @types/node 20 does not describe. */
interface PqCrypto {
  encapsulate?(key: KeyObject): { sharedKey: Buffer; ciphertext: Buffer };
  decapsulate?(key: KeyObject, ciphertext: Uint8Array): Buffer;
  generateKeyPairSync(type: string): { publicKey: KeyObject; privateKey: KeyObject };
  sign(alg: null, data: Uint8Array, key: { key: KeyObject; context?: Uint8Array }): Buffer;
  verify(
    alg: null,
    data: Uint8Array,
    key: { key: KeyObject; context?: Uint8Array },
    sig: Uint8Array,
  ): boolean;
}

const pq = nodeCrypto as unknown as PqCrypto;

const NODE_NAME: Record<PqAlg, string> = {
  'ML-KEM-768': 'ml-kem-768',
  'ML-KEM-1024': 'ml-kem-1024',
  'ML-DSA-44': 'ml-dsa-44',
  'ML-DSA-65': 'ml-dsa-65',
  'ML-DSA-87': 'ml-dsa-87',
};

/**
 * Feature tests, not version checks: the algorithm must generate a key, and
 * for ML-DSA a signature under one context must fail under another, which
 * proves the runtime honours FIPS 204 context strings instead of ignoring them.
 */
export function nodeProvides(alg: PqAlg): boolean {
  try {
    const { publicKey, privateKey } = pq.generateKeyPairSync(NODE_NAME[alg]);
    if (alg.startsWith('ML-KEM')) {
      if (typeof pq.encapsulate !== 'function' || typeof pq.decapsulate !== 'function') return false;
      const { sharedKey, ciphertext } = pq.encapsulate(publicKey);
      return nodeCrypto.timingSafeEqual(pq.decapsulate(privateKey, ciphertext), sharedKey);
    }
    const msg = new Uint8Array([1]);
    const sig = pq.sign(null, msg, { key: privateKey, context: new Uint8Array([1]) });
    return (
      pq.verify(null, msg, { key: publicKey, context: new Uint8Array([1]) }, sig) &&
      !pq.verify(null, msg, { key: publicKey, context: new Uint8Array([2]) }, sig)
    );
  } catch {
    return false;
  }
}

interface Cached {
  readonly bytes: Uint8Array;
  readonly key: KeyObject;
}

/**
 * Imported KeyObjects per key array. An entry is used only while the array
 * still holds the bytes it was imported from, so a wiped or rewritten key is
 * re-imported (and fails) rather than silently served from the cache.
 */
class KeyCache {
  private readonly map = new WeakMap<Uint8Array, Cached>();

  get(raw: Uint8Array, load: () => KeyObject): KeyObject {
    const hit = this.map.get(raw);
    // Native comparison: on every call, and for ML-KEM a JS loop over the key would cost ~10% of a decapsulation.
    if (hit !== undefined && hit.bytes.length === raw.length && nodeCrypto.timingSafeEqual(hit.bytes, raw))
      return hit.key;
    hit?.bytes.fill(0);
    const key = load();
    this.map.set(raw, { bytes: copyBytes(raw), key });
    return key;
  }

  put(raw: Uint8Array, key: KeyObject): void {
    this.map.set(raw, { bytes: copyBytes(raw), key });
  }
}

const publicKeys = new KeyCache();
const privateKeys = new KeyCache();

function importKey(kind: 'public' | 'private', alg: PqAlg, raw: Uint8Array): KeyObject {
  const cache = kind === 'public' ? publicKeys : privateKeys;
  return cache.get(raw, () => {
    try {
      return kind === 'public'
        ? nodeCrypto.createPublicKey({ key: Buffer.from(spki(alg, raw)), format: 'der', type: 'spki' })
        : nodeCrypto.createPrivateKey({
            key: Buffer.from(pkcs8Expanded(alg, raw)),
            format: 'der',
            type: 'pkcs8',
          });
    } catch (cause) {
      throw new CryptoError('INVALID_KEY', `node:crypto refused the ${alg} ${kind} key`, { cause });
    }
  });
}

/** Keygen through a seed-only PKCS#8 import, so a seed gives the same keys as FIPS 203/204 KeyGen (and noble). */
function keygenFromSeed(
  alg: PqAlg,
  seed: Uint8Array,
  publicKeyLength: number,
  secretKeyLength: number,
): KeyPair {
  const privateKey = nodeCrypto.createPrivateKey({
    key: Buffer.from(pkcs8Seed(alg, seed)),
    format: 'der',
    type: 'pkcs8',
  });
  const der = privateKey.export({ format: 'der', type: 'pkcs8' });
  const secretKey = expandedKeyFromPkcs8(alg, der, secretKeyLength);
  der.fill(0);
  const pub = nodeCrypto.createPublicKey(privateKey);
  const publicKey = publicKeyFromSpki(pub.export({ format: 'der', type: 'spki' }), publicKeyLength);
  privateKeys.put(secretKey, privateKey);
  publicKeys.put(publicKey, pub);
  return { publicKey, secretKey };
}

function noCallerRandomness(alg: string, what: string): CryptoError {
  return new CryptoError(
    'UNSUPPORTED_OPTION',
    `node:crypto ${alg} cannot take caller-supplied ${what}; use the noble or auto engine for derandomized operations`,
  );
}

export function nodeKem(id: Exclude<KemId, 'X-Wing'>): Kem {
  const p = KEM_PARAMS[id];
  const { encapsulate, decapsulate } = pq;
  if (encapsulate === undefined || decapsulate === undefined) {
    throw new CryptoError('UNSUPPORTED_ALGORITHM', 'node:crypto has no encapsulate/decapsulate');
  }
  return defineKem(id, {
    keygen: (seed) => {
      const s = seed ?? nodeCrypto.randomBytes(p.keygenSeedLength);
      try {
        return keygenFromSeed(id, s, p.publicKeyLength, p.secretKeyLength);
      } finally {
        if (seed === undefined) s.fill(0);
      }
    },
    encapsulate: (publicKey, seed) => {
      if (seed !== undefined) throw noCallerRandomness(id, 'encapsulation randomness');
      const { sharedKey, ciphertext } = encapsulate(importKey('public', id, publicKey));
      return { ciphertext: adopt(ciphertext), sharedSecret: adopt(sharedKey) };
    },
    decapsulate: (ciphertext, secretKey) => {
      return adopt(decapsulate(importKey('private', id, secretKey), ciphertext));
    },
  });
}

export function nodeSignature(id: SignatureId): Signature {
  const p = SIGNATURE_PARAMS[id];
  return defineSignature(id, {
    keygen: (seed) => {
      const s = seed ?? nodeCrypto.randomBytes(SIGNATURE_SEED_LENGTH);
      try {
        return keygenFromSeed(id, s, p.publicKeyLength, p.secretKeyLength);
      } finally {
        if (seed === undefined) s.fill(0);
      }
    },
    sign: (message, secretKey, context, extraEntropy) => {
      if (extraEntropy !== undefined)
        throw noCallerRandomness(id, 'signing randomness (or deterministic signing)');
      return adopt(pq.sign(null, message, { key: importKey('private', id, secretKey), context }));
    },
    verify: (signature, message, publicKey, context) =>
      pq.verify(null, message, { key: importKey('public', id, publicKey), context }, signature),
  });
}
