// `auto` must take node:crypto wherever it has an algorithm (it is the faster
// there: see bench/engines.bench.ts), and on Node >= 24.7 that includes ML-KEM
// and ML-DSA. Checked two ways: what autoProvider reports, and which
// node:crypto functions actually run (node:crypto is wrapped with counters).
import { afterEach, describe, expect, it, vi } from 'vitest';

const calls = vi.hoisted(() => ({ encapsulate: 0, decapsulate: 0, sign: 0, verify: 0, createCipheriv: 0 }));
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<Record<string, unknown>>();
  const counted = (name: keyof typeof calls) =>
    typeof real[name] === 'function'
      ? (...args: unknown[]) => {
          calls[name]++;
          return (real[name] as (...a: unknown[]) => unknown)(...args);
        }
      : undefined;
  const wrapped = {
    ...real,
    encapsulate: counted('encapsulate'),
    decapsulate: counted('decapsulate'),
    sign: counted('sign'),
    verify: counted('verify'),
    createCipheriv: counted('createCipheriv'),
  };
  return { ...wrapped, default: wrapped };
});

const { noble } = await import('../src/index.js');
const { auto, autoProvider, node } = await import('../src/node.js');
const { AEAD_IDS, HASH_IDS, KDF_IDS, KEM_IDS, SIGNATURE_IDS } = await import('../src/params.js');

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
const nodeHasPq = major > 24 || (major === 24 && minor >= 7);
const delta = (before: typeof calls) =>
  Object.fromEntries(Object.entries(calls).map(([k, v]) => [k, v - before[k as keyof typeof calls]]));

afterEach(() => {
  vi.clearAllMocks();
});

describe('auto engine choice', () => {
  it('takes node:crypto for every primitive node:crypto has, noble for the rest (X-Wing always)', () => {
    for (const id of [...HASH_IDS, ...KDF_IDS, ...AEAD_IDS]) expect(autoProvider(id), id).toBe('node');
    for (const id of [...KEM_IDS, ...SIGNATURE_IDS]) {
      expect(autoProvider(id), id).toBe(node.supports(id) ? 'node' : 'noble');
    }
    expect(autoProvider('X-Wing')).toBe('noble');
  });

  it.runIf(nodeHasPq)(
    `Node ${process.version} (>= 24.7) has ML-KEM and ML-DSA, and auto chooses them`,
    () => {
      for (const id of ['ML-KEM-768', 'ML-KEM-1024', 'ML-DSA-44', 'ML-DSA-65', 'ML-DSA-87'] as const) {
        expect(node.supports(id), `node:crypto ${id} feature test`).toBe(true);
        expect(autoProvider(id), id).toBe('node');
      }
    },
  );

  it.runIf(!nodeHasPq)(
    `Node ${process.version} (< 24.7): the feature test finds no ML-KEM/ML-DSA, auto uses noble`,
    () => {
      for (const id of ['ML-KEM-768', 'ML-DSA-65'] as const) {
        expect(node.supports(id)).toBe(false);
        expect(autoProvider(id)).toBe('noble');
      }
    },
  );

  it('ML-KEM-768 and ML-DSA-65 through auto run in the engine it reports', () => {
    const kem = auto.kem('ML-KEM-768');
    const kp = kem.keygen();
    let before = { ...calls };
    const enc = kem.encapsulate(kp.publicKey);
    expect(kem.decapsulate(enc.ciphertext, kp.secretKey)).toEqual(enc.sharedSecret);
    const viaNode = autoProvider('ML-KEM-768') === 'node' ? 1 : 0;
    expect(delta(before)).toMatchObject({ encapsulate: viaNode, decapsulate: viaNode });
    // A seeded (derandomized) encapsulation is noble's, on every runtime.
    before = { ...calls };
    noble
      .kem('ML-KEM-768')
      .decapsulate(kem.encapsulate(kp.publicKey, new Uint8Array(32)).ciphertext, kp.secretKey);
    expect(delta(before)).toMatchObject({ encapsulate: 0 });

    const dsa = auto.signature('ML-DSA-65');
    const keys = dsa.keygen();
    const msg = new Uint8Array([1, 2, 3]);
    before = { ...calls };
    const sig = dsa.sign(msg, keys.secretKey, { context: new Uint8Array([9]) });
    expect(dsa.verify(sig, msg, keys.publicKey, { context: new Uint8Array([9]) })).toBe(true);
    const dsaViaNode = autoProvider('ML-DSA-65') === 'node' ? 1 : 0;
    expect(delta(before)).toMatchObject({ sign: dsaViaNode, verify: dsaViaNode });
    expect(
      noble.signature('ML-DSA-65').verify(sig, msg, keys.publicKey, { context: new Uint8Array([9]) }),
    ).toBe(true);
  });

  it('AEADs through auto run in node:crypto', () => {
    const before = { ...calls };
    for (const id of AEAD_IDS) auto.aead(id).seal(new Uint8Array(32), new Uint8Array(12), new Uint8Array(5));
    expect(delta(before)).toMatchObject({ createCipheriv: AEAD_IDS.length });
  });
});
