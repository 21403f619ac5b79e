import { CryptoError } from './errors.js';
import { noble } from './noble/engine.js';
import type { AeadId, CryptoSuite, Engine, HashId, KdfId, KemId, SignatureId } from './types.js';

/** A registered suite by algorithm names; `getSuite` binds it to an engine. */
export interface SuiteDescriptor {
  readonly id: string;
  /** u16 wire code point. */
  readonly codePoint: number;
  readonly hash: HashId;
  readonly kdf: KdfId;
  readonly aead: AeadId;
  readonly kem: KemId;
  readonly signature: SignatureId;
}

/**
 * The QSP v1 suite registry. Code points are permanent: a suite may be
 * deprecated, never renumbered. 0x0000 and 0xFF00..0xFFFF are never assigned
 * (reserved for "none" and private use).
 */
const REGISTRY: SuiteDescriptor[] = [
  {
    id: 'QSP1-MLKEM768-MLDSA65-AES256GCM-SHA256',
    codePoint: 0x0001,
    hash: 'SHA-256',
    kdf: 'HKDF-SHA-256',
    aead: 'AES-256-GCM',
    kem: 'ML-KEM-768',
    signature: 'ML-DSA-65',
  },
  {
    id: 'QSP1-XWING-MLDSA65-AES256GCM-SHA256',
    codePoint: 0x0002,
    hash: 'SHA-256',
    kdf: 'HKDF-SHA-256',
    aead: 'AES-256-GCM',
    kem: 'X-Wing',
    signature: 'ML-DSA-65',
  },
  {
    id: 'QSP1-MLKEM768-MLDSA65-CHACHA20POLY1305-SHA256',
    codePoint: 0x0003,
    hash: 'SHA-256',
    kdf: 'HKDF-SHA-256',
    aead: 'ChaCha20-Poly1305',
    kem: 'ML-KEM-768',
    signature: 'ML-DSA-65',
  },
  {
    id: 'QSP1-MLKEM1024-MLDSA87-AES256GCM-SHA384',
    codePoint: 0x0004,
    hash: 'SHA-384',
    kdf: 'HKDF-SHA-384',
    aead: 'AES-256-GCM',
    kem: 'ML-KEM-1024',
    signature: 'ML-DSA-87',
  },
  {
    id: 'QSP1-XWING-MLDSA65-CHACHA20POLY1305-SHA256',
    codePoint: 0x0005,
    hash: 'SHA-256',
    kdf: 'HKDF-SHA-256',
    aead: 'ChaCha20-Poly1305',
    kem: 'X-Wing',
    signature: 'ML-DSA-65',
  },
];

export const SUITES: readonly SuiteDescriptor[] = Object.freeze(REGISTRY.map((s) => Object.freeze(s)));

/**
 * The default for pure-JS use (browsers, Node without native AES preference):
 * hybrid KEM and ChaCha20-Poly1305, whose noble implementation has no
 * secret-dependent table lookups, unlike noble's AES.
 */
export const DEFAULT_SUITE_ID = 'QSP1-XWING-MLDSA65-CHACHA20POLY1305-SHA256';

export function findSuite(idOrCodePoint: string | number): SuiteDescriptor | undefined {
  return SUITES.find((s) => s.id === idOrCodePoint || s.codePoint === idOrCodePoint);
}

/** Binds a registered suite to an engine's primitives; fails if the engine lacks one of them. */
export function getSuite(idOrCodePoint: string | number, engine: Engine = noble): CryptoSuite {
  const d = findSuite(idOrCodePoint);
  if (d === undefined) {
    const shown =
      typeof idOrCodePoint === 'number' ? `0x${idOrCodePoint.toString(16).padStart(4, '0')}` : idOrCodePoint;
    throw new CryptoError('UNKNOWN_SUITE', `no suite ${String(shown)}`);
  }
  return Object.freeze({
    id: d.id,
    codePoint: d.codePoint,
    hash: engine.hash(d.hash),
    kdf: engine.kdf(d.kdf),
    aead: engine.aead(d.aead),
    kem: engine.kem(d.kem),
    signature: engine.signature(d.signature),
  });
}
