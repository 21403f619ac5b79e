import { rngChacha20 } from '@noble/ciphers/chacha.js';
import { randomBytes } from '@noble/hashes/utils.js';

/** The randomness a QKD simulation draws from: bits, uniform reals, permutations. */
export interface SimRandom {
  bytes(n: number): Uint8Array;
  /** n independent uniform bits, one per array element. */
  bits(n: number): Uint8Array;
  /** n independent Bernoulli(p) outcomes, one per array element. */
  bernoulli(n: number, p: number): Uint8Array;
  /** A uniform integer in [0, bound). */
  below(bound: number): number;
  permutation(n: number): Uint32Array;
}

/**
 * ChaCha20 DRBG. With a seed the run is reproducible (tests, demos: such keys
 * are not secret); without one it is seeded from the platform CSPRNG.
 */
export function simRandom(seed?: Uint8Array): SimRandom {
  const prg = rngChacha20(seed ?? randomBytes(32));
  const u32 = (n: number): Uint32Array => {
    const b = prg.randomBytes(4 * n);
    return new Uint32Array(b.buffer, b.byteOffset, n);
  };
  const below = (bound: number): number => {
    // Rejection sampling: no modulo bias.
    const limit = 2 ** 32 - (2 ** 32 % bound);
    for (;;) {
      const v = u32(1)[0]!;
      if (v < limit) return v % bound;
    }
  };
  return {
    bytes: (n) => prg.randomBytes(n),
    bits(n) {
      const raw = prg.randomBytes(Math.ceil(n / 8));
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = (raw[i >>> 3]! >>> (i & 7)) & 1;
      return out;
    },
    bernoulli(n, p) {
      const r = u32(n);
      const cut = Math.floor(p * 2 ** 32);
      const out = new Uint8Array(n);
      for (let i = 0; i < n; i++) out[i] = r[i]! < cut ? 1 : 0;
      return out;
    },
    below,
    permutation(n) {
      const out = new Uint32Array(n);
      for (let i = 0; i < n; i++) out[i] = i;
      for (let i = n - 1; i > 0; i--) {
        const j = below(i + 1);
        const t = out[i]!;
        out[i] = out[j]!;
        out[j] = t;
      }
      return out;
    },
  };
}

/** A random (version 4) UUID, the key_ID form ETSI GS QKD 014 uses. */
export function uuidFrom(random: SimRandom): string {
  const b = random.bytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}
