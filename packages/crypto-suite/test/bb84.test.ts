import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bb84KeySource, CryptoError, runBb84 } from '../src/index.js';
import { cascade } from '../src/qkd/cascade.js';
import { simRandom } from '../src/qkd/random.js';
import { toeplitzHash } from '../src/qkd/toeplitz.js';
import { expectCode, expectCodeAsync } from './helpers.js';

const seed = (n: number) => new Uint8Array(32).fill(n);

describe('BB84 simulator', () => {
  it('an honest run with channel noise below the threshold succeeds, and both keys are equal', () => {
    const run = runBb84(32, { seed: seed(1), channelErrorRate: 0.03 });
    expect(run.aliceKey).toEqual(run.bobKey);
    expect(run.aliceKey.length).toBe(32);
    expect(run.stats.qber).toBeLessThan(0.11);
    expect(run.stats.qber).toBeGreaterThan(0.005);
    expect(run.stats.errorsCorrected).toBeGreaterThan(0);
    expect(run.stats.siftedBits / run.stats.qubits).toBeGreaterThan(0.45);
    expect(run.stats.siftedBits / run.stats.qubits).toBeLessThan(0.55);
    expect(run.stats.extractableBits).toBeGreaterThanOrEqual(256);
  });

  it('a full intercept-resend eavesdropper raises the QBER to about 25% and the run aborts', () => {
    let error: unknown;
    try {
      runBb84(32, { seed: seed(2), channelErrorRate: 0.01, eavesdropper: true });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(CryptoError);
    const e = error as CryptoError;
    expect(e.code).toBe('QBER_TOO_HIGH');
    expect(e.details.qber as number).toBeGreaterThan(0.2);
    expect(e.details.qber as number).toBeLessThan(0.32);
  });

  it('a partial eavesdropper (60% of qubits) also exceeds 11% and aborts', () => {
    expectCode(
      () => runBb84(32, { seed: seed(3), channelErrorRate: 0, eavesdropper: { interceptRate: 0.6 } }),
      'QBER_TOO_HIGH',
    );
  });

  it('is reproducible with a seed and different across seeds', () => {
    const a = runBb84(16, { seed: seed(4) });
    const b = runBb84(16, { seed: seed(4) });
    const c = runBb84(16, { seed: seed(5) });
    expect(a.aliceKey).toEqual(b.aliceKey);
    expect(a.aliceKey).not.toEqual(c.aliceKey);
  });

  it('agrees on the key across noise levels and lengths (property)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.double({ min: 0, max: 0.06, noNaN: true }),
        fc.integer({ min: 1, max: 64 }),
        (s, noise, len) => {
          const run = runBb84(len, { seed: s, channelErrorRate: noise });
          expect(run.aliceKey).toEqual(run.bobKey);
          expect(run.aliceKey.length).toBe(len);
        },
      ),
      { numRuns: 15 },
    );
  });

  it('a noisy channel near the threshold needs more qubits or gives up with a typed error', () => {
    expectCode(
      () => runBb84(32, { seed: seed(6), channelErrorRate: 0.1, qberThreshold: 0.2 }),
      'KEY_SOURCE_EXHAUSTED',
    );
    expectCode(() => runBb84(256, { seed: seed(6), qubits: 256, maxQubits: 1024 }), 'KEY_SOURCE_EXHAUSTED');
    const grown = runBb84(32, { seed: seed(6), qubits: 256 });
    expect(grown.stats.attempts).toBeGreaterThan(1);
  });

  it('refuses bad options with typed errors', () => {
    expectCode(() => runBb84(0), 'INVALID_ARGUMENT');
    expectCode(() => runBb84(1.5), 'INVALID_ARGUMENT');
    expectCode(() => runBb84(8, { channelErrorRate: 2 }), 'INVALID_ARGUMENT');
    expectCode(() => runBb84(8, { sampleFraction: 1 }), 'INVALID_ARGUMENT');
    expectCode(() => runBb84(8, { seed: new Uint8Array(3) }), 'INVALID_SEED_LENGTH');
  });
});

describe('BB84 key source', () => {
  it('the peer gets the same key by id, once', async () => {
    const source = bb84KeySource({ seed: seed(7) });
    const mine = await source.newKey(32);
    const theirs = await source.keyById(mine.keyId);
    expect(theirs.key).toEqual(mine.key);
    expect(mine.keyId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(source.lastStats?.finalBits).toBe(256);
    await expectCodeAsync(() => source.keyById(mine.keyId), 'KEY_NOT_FOUND');
    const next = await source.newKey(32);
    expect(next.key).not.toEqual(mine.key);
    expectCode(() => bb84KeySource({ seed: new Uint8Array(31) }), 'INVALID_SEED_LENGTH');
    await expectCodeAsync(() => source.newKey(0), 'INVALID_ARGUMENT');
  });

  it('an eavesdropped source fails closed', async () => {
    const source = bb84KeySource({ seed: seed(8), eavesdropper: true });
    await expectCodeAsync(() => source.newKey(32), 'QBER_TOO_HIGH');
  });
});

describe('post-processing parts', () => {
  it('Cascade corrects random errors and counts disclosed parities', () => {
    const random = simRandom(seed(9));
    const alice = random.bits(4000);
    const flips = random.bernoulli(4000, 0.05);
    const bob = alice.map((b, i) => b ^ flips[i]!);
    const r = cascade(alice, bob, 0.05, random);
    expect(r.corrected).toEqual(alice);
    expect(r.errorsCorrected).toBe(flips.reduce((a, b) => a + b, 0));
    // Cascade leaks somewhat more than the Shannon limit n·h(e) ≈ 1146 bits.
    expect(r.leakedBits).toBeGreaterThan(1146);
    expect(r.leakedBits).toBeLessThan(2.0 * 1146);
  });

  it('Toeplitz hashing is GF(2)-linear: T(x ^ y) = T(x) ^ T(y)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        fc.uint8Array({ minLength: 64, maxLength: 64 }),
        (x8, y8) => {
          const x = x8.map((v) => v & 1);
          const y = y8.map((v) => v & 1);
          const s = simRandom(seed(10)).bits(64 + 16 - 1);
          const xy = x.map((v, i) => v ^ y[i]!);
          const tx = toeplitzHash(x, s, 16);
          const ty = toeplitzHash(y, s, 16);
          expect(toeplitzHash(xy, s, 16)).toEqual(tx.map((v, i) => v ^ ty[i]!));
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('BB84 key source reliability', () => {
  it('a noisy but honest link delivers every key, equal on both ends (reconciliation sized from the QBER bound, failed blocks re-run)', async () => {
    const link = bb84KeySource({ channelErrorRate: 0.03, seed: seed(42) });
    for (let i = 0; i < 40; i++) {
      const alice = await link.newKey(32);
      const bob = await link.keyById(alice.keyId);
      expect(bob.key).toEqual(alice.key);
    }
  });

  it('reconcileAttempts must be a small positive integer', () => {
    for (const reconcileAttempts of [0, 1.5, 17, Number.NaN])
      expectCode(() => bb84KeySource({ reconcileAttempts }), 'INVALID_ARGUMENT');
  });

  it('an eavesdropper is never retried away', async () => {
    await expectCodeAsync(
      () => bb84KeySource({ eavesdropper: true, reconcileAttempts: 16 }).newKey(32),
      'QBER_TOO_HIGH',
    );
  });
});
