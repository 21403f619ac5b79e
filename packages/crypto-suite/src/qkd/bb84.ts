import { CryptoError } from '../errors.js';
import { noble } from '../noble/engine.js';
import { cascade } from './cascade.js';
import { type SimRandom, simRandom } from './random.js';
import { toeplitzHash } from './toeplitz.js';

export interface Bb84Options {
  /** 32 bytes: a reproducible run (tests, demos). Keys from a seeded run are not secret. */
  readonly seed?: Uint8Array;
  /** Probability that the channel flips Bob's outcome (misalignment, dark counts). Default 0.02. */
  readonly channelErrorRate?: number;
  /**
   * An intercept-resend eavesdropper: `true` intercepts every qubit, or give
   * the fraction. Each intercepted qubit is measured in a random basis and
   * resent, which adds about 25% errors on intercepted sifted bits.
   */
  readonly eavesdropper?: boolean | { readonly interceptRate: number };
  /** Abort when the estimated QBER exceeds this. Default 0.11 (the BB84 Shor–Preskill limit). */
  readonly qberThreshold?: number;
  /** Fraction of sifted bits disclosed to estimate the QBER (then discarded). Default 0.25. */
  readonly sampleFraction?: number;
  /** Qubits sent in the first attempt; doubled while too few survive. Default from the requested length. */
  readonly qubits?: number;
  /** Give up (KEY_SOURCE_EXHAUSTED) rather than send more than this. Default 2^18. */
  readonly maxQubits?: number;
  /** Bits removed on top of the entropy estimate (2·log2(1/ε_PA)). Default 100. */
  readonly securityMarginBits?: number;
}

export interface Bb84Stats {
  readonly qubits: number;
  readonly siftedBits: number;
  readonly sampleBits: number;
  /** Errors in the disclosed sample / sample size. */
  readonly qber: number;
  /** The QBER bound privacy amplification assumes (estimate + 3 standard errors). */
  readonly qberBound: number;
  readonly errorsCorrected: number;
  /** Parity bits disclosed by Cascade plus the verification hash. */
  readonly leakedBits: number;
  /** Key bits the entropy estimate allows after privacy amplification. */
  readonly extractableBits: number;
  readonly finalBits: number;
  readonly attempts: number;
}

export interface Bb84Run {
  readonly stats: Bb84Stats;
  readonly aliceKey: Uint8Array;
  readonly bobKey: Uint8Array;
}

const VERIFY_BITS = 64;
const MAX_QUBITS = 1 << 20;

function h2(p: number): number {
  if (p <= 0 || p >= 1) return 0;
  return -p * Math.log2(p) - (1 - p) * Math.log2(1 - p);
}

function probability(value: number, what: string): number {
  if (!(typeof value === 'number' && value >= 0 && value <= 1)) {
    throw new CryptoError('INVALID_ARGUMENT', `${what} must be a number in [0, 1]`);
  }
  return value;
}

function pack(bits: Uint8Array): Uint8Array {
  const out = new Uint8Array(Math.ceil(bits.length / 8));
  for (let i = 0; i < bits.length; i++) out[i >>> 3] = out[i >>> 3]! | (bits[i]! << (7 - (i & 7)));
  return out;
}

type Attempt = { ok: true; run: Bb84Run } | { ok: false; extractableBits: number; hopeless: boolean };

function attempt(
  random: SimRandom,
  qubits: number,
  outBits: number,
  o: Required<Omit<Bb84Options, 'seed' | 'qubits' | 'maxQubits'>>,
  attempts: number,
): Attempt {
  const intercept =
    o.eavesdropper === true
      ? 1
      : o.eavesdropper === false
        ? 0
        : probability(o.eavesdropper.interceptRate, 'interceptRate');

  // Quantum phase: Alice prepares, Eve may intercept and resend, Bob measures; noise flips outcomes.
  const aliceBits = random.bits(qubits);
  const aliceBases = random.bits(qubits);
  const bobBases = random.bits(qubits);
  const eveActs = random.bernoulli(qubits, intercept);
  const eveBases = random.bits(qubits);
  const coin = random.bits(qubits);
  const coin2 = random.bits(qubits);
  const noise = random.bernoulli(qubits, o.channelErrorRate);
  const bobBits = new Uint8Array(qubits);
  for (let i = 0; i < qubits; i++) {
    let stateBit = aliceBits[i]!;
    let stateBasis = aliceBases[i]!;
    if (eveActs[i]) {
      // Measuring in the wrong basis gives a random outcome; Eve resends what she saw, in her basis.
      stateBit = eveBases[i] === stateBasis ? stateBit : coin2[i]!;
      stateBasis = eveBases[i]!;
    }
    const measured = bobBases[i] === stateBasis ? stateBit : coin[i]!;
    bobBits[i] = measured ^ noise[i]!;
  }

  // Sifting: keep the positions where the announced bases agree.
  const keep: number[] = [];
  for (let i = 0; i < qubits; i++) if (aliceBases[i] === bobBases[i]) keep.push(i);
  const sifted = keep.length;

  // Parameter estimation on a random disclosed sample.
  const order = random.permutation(sifted);
  const sampleBits = Math.max(1, Math.round(sifted * o.sampleFraction));
  let sampleErrors = 0;
  for (let s = 0; s < sampleBits; s++) {
    const i = keep[order[s]!]!;
    if (aliceBits[i] !== bobBits[i]) sampleErrors++;
  }
  const qber = sampleErrors / sampleBits;
  if (qber > o.qberThreshold) {
    throw new CryptoError(
      'QBER_TOO_HIGH',
      `estimated QBER ${(qber * 100).toFixed(2)}% exceeds the ${(o.qberThreshold * 100).toFixed(2)}% threshold; key discarded`,
      { details: { qber, threshold: o.qberThreshold, sampleBits, siftedBits: sifted, qubits } },
    );
  }
  const qberBound = Math.min(
    0.5,
    qber + 3 * Math.sqrt(Math.max(qber * (1 - qber), 1 / sampleBits) / sampleBits),
  );

  const rest = order.subarray(sampleBits);
  const n = rest.length;
  const a = new Uint8Array(n);
  const b = new Uint8Array(n);
  for (let j = 0; j < n; j++) {
    const i = keep[rest[j]!]!;
    a[j] = aliceBits[i]!;
    b[j] = bobBits[i]!;
  }
  aliceBits.fill(0);
  bobBits.fill(0);

  // Block sizes from the upper confidence bound: a low sample estimate would leave errors behind.
  const rec = cascade(a, b, qberBound, random);
  const leakedBits = rec.leakedBits + VERIFY_BITS;
  const extractableBits = Math.floor(n * (1 - h2(qberBound)) - leakedBits - o.securityMarginBits);
  if (extractableBits < outBits) {
    a.fill(0);
    b.fill(0);
    rec.corrected.fill(0);
    // When even the asymptotic rate at this QBER (with Cascade's ~1.1x Shannon leak) is
    // about nothing, more qubits will not help.
    const rate = 1 - 2.1 * h2(qber);
    return { ok: false, extractableBits, hopeless: rate < 0.02 };
  }

  // Verification: compare a hash of both reconciled keys; a residual error aborts.
  const sha = noble.hash('SHA-256');
  const tagA = sha.digest(pack(a)).subarray(0, VERIFY_BITS / 8);
  const tagB = sha.digest(pack(rec.corrected)).subarray(0, VERIFY_BITS / 8);
  if (!tagA.every((x, i) => x === tagB[i])) {
    throw new CryptoError(
      'QKD_RECONCILIATION_FAILED',
      'reconciled keys differ after Cascade; key discarded',
      {
        details: { qber, errorsCorrected: rec.errorsCorrected },
      },
    );
  }

  // Privacy amplification: a public random Toeplitz matrix compresses to the final length.
  const seedBits = random.bits(n + outBits - 1);
  const aliceKey = toeplitzHash(a, seedBits, outBits);
  const bobKey = toeplitzHash(rec.corrected, seedBits, outBits);
  a.fill(0);
  b.fill(0);
  rec.corrected.fill(0);
  return {
    ok: true,
    run: {
      aliceKey,
      bobKey,
      stats: {
        qubits,
        siftedBits: sifted,
        sampleBits,
        qber,
        qberBound,
        errorsCorrected: rec.errorsCorrected,
        leakedBits,
        extractableBits,
        finalBits: outBits,
        attempts,
      },
    },
  };
}

/**
 * Simulates one BB84 key exchange (prepare-and-measure, intercept-resend
 * eavesdropper, bit-flip channel) with honest post-processing: sifting, QBER
 * estimation on a disclosed sample with abort above the threshold, Cascade
 * reconciliation, hash verification and Toeplitz privacy amplification to
 * exactly `lengthBytes`. The entropy estimate is the asymptotic one
 * (n·(1 − h(e)) minus disclosed bits and a margin), not a finite-key proof.
 */
export function runBb84(lengthBytes: number, options: Bb84Options = {}): Bb84Run {
  if (!Number.isSafeInteger(lengthBytes) || lengthBytes < 1 || lengthBytes > 4096) {
    throw new CryptoError(
      'INVALID_ARGUMENT',
      'BB84 key length must be an integer number of bytes in 1..4096',
    );
  }
  if (options.seed !== undefined && !(options.seed instanceof Uint8Array && options.seed.length === 32)) {
    throw new CryptoError('INVALID_SEED_LENGTH', 'BB84 seed must be 32 bytes');
  }
  const o = {
    channelErrorRate: probability(options.channelErrorRate ?? 0.02, 'channelErrorRate'),
    eavesdropper: options.eavesdropper ?? false,
    qberThreshold: probability(options.qberThreshold ?? 0.11, 'qberThreshold'),
    sampleFraction: probability(options.sampleFraction ?? 0.25, 'sampleFraction'),
    securityMarginBits: options.securityMarginBits ?? 100,
  };
  if (o.sampleFraction === 0 || o.sampleFraction === 1) {
    throw new CryptoError('INVALID_ARGUMENT', 'sampleFraction must be strictly between 0 and 1');
  }
  const outBits = lengthBytes * 8;
  const random = simRandom(options.seed);
  const maxQubits = options.maxQubits ?? 1 << 18;
  let qubits = options.qubits ?? Math.min(maxQubits, Math.max(2048, outBits * 8));
  for (const [v, what] of [
    [qubits, 'qubits'],
    [maxQubits, 'maxQubits'],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 64 || v > MAX_QUBITS) {
      throw new CryptoError('INVALID_ARGUMENT', `${what} must be an integer in 64..${MAX_QUBITS}`);
    }
  }
  for (let attempts = 1; ; attempts++) {
    const result = attempt(random, qubits, outBits, o, attempts);
    if (result.ok) return result.run;
    if (result.hopeless || qubits * 2 > maxQubits) {
      throw new CryptoError(
        'KEY_SOURCE_EXHAUSTED',
        `BB84 cannot distil ${outBits} bits from ${qubits} qubits`,
        {
          details: { extractableBits: result.extractableBits, qubits, attempts },
        },
      );
    }
    qubits *= 2;
  }
}
