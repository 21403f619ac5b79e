// Public vectors from ../shared/vectors (Wycheproof, NIST ACVP, X-Wing draft),
// run against every engine. Skips with a message in a clone without ../shared;
// kat-inline.test.ts keeps a minimal KAT per algorithm there.
import { hexToBytes } from '@noble/hashes/utils.js';
import { NO_SHARED_MESSAGE, readSharedVector, sharedVectorsDir } from '@qsp/test-kit';
import { describe, expect, it } from 'vitest';
import { type AeadId, type Engine, type KemId, noble, type SignatureId } from '../src/index.js';
import { auto, node } from '../src/node.js';
import { expectCode } from './helpers.js';

const here = sharedVectorsDir();
if (!here) console.info(NO_SHARED_MESSAGE);

const engines: Engine[] = [noble, node, auto];
const hex = (s: string) => hexToBytes(s);
const concat = (a: Uint8Array, b: Uint8Array) => {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
};

interface WycheproofFile<G> {
  testGroups: G[];
}
interface AeadGroup {
  keySize: number;
  ivSize: number;
  tagSize: number;
  tests: {
    tcId: number;
    key: string;
    iv: string;
    aad: string;
    msg: string;
    ct: string;
    tag: string;
    result: string;
  }[];
}
interface HkdfGroup {
  tests: {
    tcId: number;
    ikm: string;
    salt: string;
    info: string;
    size: number;
    okm: string;
    result: string;
  }[];
}

describe.skipIf(!here)('Wycheproof AEAD', () => {
  const files: [AeadId, string][] = [
    ['AES-256-GCM', 'wycheproof_aes_gcm_test.json'],
    ['ChaCha20-Poly1305', 'wycheproof_chacha20_poly1305_test.json'],
  ];
  for (const [id, file] of files) {
    describe.each(engines)(`${id} (${file}), engine $name`, (engine) => {
      const groups = readSharedVector<WycheproofFile<AeadGroup>>(file)?.testGroups ?? [];
      const aead = engine.aead(id);

      it('matches every valid 256-bit-key, 96-bit-IV case and rejects every invalid one', () => {
        let valid = 0;
        let invalid = 0;
        for (const g of groups.filter((g) => g.keySize === 256 && g.ivSize === 96 && g.tagSize === 128)) {
          for (const t of g.tests) {
            const sealed = concat(hex(t.ct), hex(t.tag));
            if (t.result === 'valid') {
              expect(aead.seal(hex(t.key), hex(t.iv), hex(t.msg), hex(t.aad)), `tcId ${t.tcId}`).toEqual(
                sealed,
              );
              expect(aead.open(hex(t.key), hex(t.iv), sealed, hex(t.aad)), `tcId ${t.tcId}`).toEqual(
                hex(t.msg),
              );
              valid++;
            } else {
              expect(t.result, `tcId ${t.tcId}`).toBe('invalid');
              expectCode(() => aead.open(hex(t.key), hex(t.iv), sealed, hex(t.aad)), 'AEAD_OPEN_FAILED');
              invalid++;
            }
          }
        }
        expect(valid).toBeGreaterThan(30);
        expect(invalid).toBeGreaterThan(5);
      });

      it('refuses every other IV size with INVALID_NONCE_LENGTH (QSP nonces are 96-bit only)', () => {
        const other = groups.filter((g) => g.keySize === 256 && g.ivSize !== 96);
        expect(other.length).toBeGreaterThan(0);
        for (const g of other) {
          for (const t of g.tests) {
            expectCode(
              () => aead.seal(hex(t.key), hex(t.iv), hex(t.msg), hex(t.aad)),
              'INVALID_NONCE_LENGTH',
            );
            const sealed = concat(hex(t.ct), hex(t.tag));
            expectCode(() => aead.open(hex(t.key), hex(t.iv), sealed, hex(t.aad)), 'INVALID_NONCE_LENGTH');
          }
        }
      });

      it('refuses 128- and 192-bit keys with INVALID_KEY_LENGTH', () => {
        for (const g of groups.filter((g) => g.keySize !== 256 && g.ivSize === 96)) {
          for (const t of g.tests) {
            expectCode(() => aead.seal(hex(t.key), hex(t.iv), hex(t.msg), hex(t.aad)), 'INVALID_KEY_LENGTH');
          }
        }
      });
    });
  }
});

describe.skipIf(!here)('Wycheproof HKDF', () => {
  const files = [
    ['HKDF-SHA-256', 'wycheproof_hkdf_sha256_test.json'],
    ['HKDF-SHA-384', 'wycheproof_hkdf_sha384_test.json'],
  ] as const;
  for (const [id, file] of files) {
    it.each(engines)(`${id}, engine $name`, (engine) => {
      const kdf = engine.kdf(id);
      let n = 0;
      for (const g of readSharedVector<WycheproofFile<HkdfGroup>>(file)?.testGroups ?? []) {
        for (const t of g.tests) {
          const salt = t.salt === '' ? undefined : hex(t.salt);
          const prk = kdf.extract(salt, hex(t.ikm));
          if (t.result === 'valid') {
            expect(kdf.expand(prk, hex(t.info), t.size), `tcId ${t.tcId}`).toEqual(hex(t.okm));
          } else {
            expectCode(() => kdf.expand(prk, hex(t.info), t.size), 'KDF_LENGTH');
          }
          n++;
        }
      }
      expect(n).toBeGreaterThan(80);
    });
  }
});

interface AcvpFile<T> {
  testGroups: ({ parameterSet: string; function?: string; deterministic?: boolean; tests: T[] } & Record<
    string,
    unknown
  >)[];
}
type Hexes = Record<string, string> & { tcId: number };
type Case = Hexes & { testPassed?: boolean; reason?: string };

describe.skipIf(!here)('NIST ACVP ML-KEM (FIPS 203)', () => {
  describe.each(engines)('engine $name', (engine) => {
    const usable = (id: string) => engine.supports(id as KemId);

    it('keyGen from d || z', () => {
      const f = readSharedVector<AcvpFile<Case>>('acvp_mlkem_keygen_fips203_subset.json')!;
      for (const g of f.testGroups.filter((g) => usable(g.parameterSet))) {
        const kem = engine.kem(g.parameterSet as KemId);
        for (const t of g.tests) {
          const kp = kem.keygen(hex(t.d! + t.z!));
          expect(kp.publicKey, `tcId ${t.tcId}`).toEqual(hex(t.ek!));
          expect(kp.secretKey, `tcId ${t.tcId}`).toEqual(hex(t.dk!));
        }
      }
    });

    const encapDecap = () => readSharedVector<AcvpFile<Case>>('acvp_mlkem_encapdecap_fips203_subset.json')!;

    it('encapsulation with m (derandomized; node:crypto cannot, and says so)', () => {
      for (const g of encapDecap().testGroups.filter(
        (g) => g.function === 'encapsulation' && usable(g.parameterSet),
      )) {
        const kem = engine.kem(g.parameterSet as KemId);
        for (const t of g.tests) {
          if (engine.name === 'node') {
            expectCode(() => kem.encapsulate(hex(t.ek!), hex(t.m!)), 'UNSUPPORTED_OPTION');
            continue;
          }
          const enc = kem.encapsulate(hex(t.ek!), hex(t.m!));
          expect(enc.ciphertext, `tcId ${t.tcId}`).toEqual(hex(t.c!));
          expect(enc.sharedSecret, `tcId ${t.tcId}`).toEqual(hex(t.k!));
          expect(kem.decapsulate(hex(t.c!), hex(t.dk!)), `tcId ${t.tcId}`).toEqual(hex(t.k!));
        }
      }
    });

    it('decapsulation, valid and modified ciphertexts (implicit rejection)', () => {
      let modified = 0;
      for (const g of encapDecap().testGroups.filter(
        (g) => g.function === 'decapsulation' && usable(g.parameterSet),
      )) {
        const kem = engine.kem(g.parameterSet as KemId);
        for (const t of g.tests) {
          expect(kem.decapsulate(hex(t.c!), hex(t.dk!)), `tcId ${t.tcId} ${t.reason}`).toEqual(hex(t.k!));
          if (t.reason === 'modified ciphertext') modified++;
        }
      }
      if (usable('ML-KEM-768')) expect(modified).toBeGreaterThan(0);
    });

    it('encapsulation-key and decapsulation-key checks: a bad key is INVALID_KEY, a good one works', () => {
      for (const g of encapDecap().testGroups.filter(
        (g) => g.function?.endsWith('KeyCheck') && usable(g.parameterSet),
      )) {
        const kem = engine.kem(g.parameterSet as KemId);
        for (const t of g.tests) {
          const use =
            g.function === 'encapsulationKeyCheck'
              ? () => kem.encapsulate(hex(t.ek!))
              : () => kem.decapsulate(new Uint8Array(kem.ciphertextLength), hex(t.dk!));
          if (t.testPassed) use();
          else expectCode(use, 'INVALID_KEY');
        }
      }
    });
  });
});

describe.skipIf(!here)('NIST ACVP ML-DSA (FIPS 204, external pure)', () => {
  describe.each(engines)('engine $name', (engine) => {
    const usable = (id: string) => engine.supports(id as SignatureId);

    it('keyGen from xi', () => {
      const f = readSharedVector<AcvpFile<Case>>('acvp_mldsa_keygen_fips204_subset.json')!;
      for (const g of f.testGroups.filter((g) => usable(g.parameterSet))) {
        const sig = engine.signature(g.parameterSet as SignatureId);
        for (const t of g.tests) {
          const kp = sig.keygen(hex(t.seed!));
          expect(kp.publicKey, `tcId ${t.tcId}`).toEqual(hex(t.pk!));
          expect(kp.secretKey, `tcId ${t.tcId}`).toEqual(hex(t.sk!));
        }
      }
    });

    it('sigGen, deterministic and hedged with rnd (node:crypto cannot take rnd, and says so)', () => {
      const f = readSharedVector<AcvpFile<Case>>('acvp_mldsa_siggen_fips204_external_pure_subset.json')!;
      for (const g of f.testGroups.filter((g) => usable(g.parameterSet))) {
        const sig = engine.signature(g.parameterSet as SignatureId);
        for (const t of g.tests) {
          const extraEntropy = g.deterministic ? false : hex(t.rnd!);
          const sign = () =>
            sig.sign(hex(t.message!), hex(t.sk!), { context: hex(t.context!), extraEntropy });
          if (engine.name === 'node') expectCode(sign, 'UNSUPPORTED_OPTION');
          else expect(sign(), `tcId ${t.tcId}`).toEqual(hex(t.signature!));
        }
      }
    });

    it('sigVer: the valid case verifies, every modified one does not', () => {
      const f = readSharedVector<AcvpFile<Case>>('acvp_mldsa_sigver_fips204_external_pure_subset.json')!;
      for (const g of f.testGroups.filter((g) => usable(g.parameterSet))) {
        const sig = engine.signature(g.parameterSet as SignatureId);
        for (const t of g.tests) {
          const ok = sig.verify(hex(t.signature!), hex(t.message!), hex(t.pk!), { context: hex(t.context!) });
          expect(ok, `tcId ${t.tcId} ${t.reason}`).toBe(t.testPassed);
        }
      }
    });
  });
});

describe.skipIf(!here)('X-Wing draft vectors', () => {
  it.each(engines.filter((e) => e.supports('X-Wing')))('engine $name', (engine) => {
    const kem = engine.kem('X-Wing');
    const vectors = readSharedVector<Record<string, string>[]>(
      'xwing_draft_connolly_cfrg_xwing_kem_test_vectors.json',
    )!;
    expect(vectors.length).toBe(3);
    for (const v of vectors) {
      const kp = kem.keygen(hex(v.seed!));
      expect(kp.publicKey).toEqual(hex(v.pk!));
      expect(kp.secretKey).toEqual(hex(v.sk!));
      const enc = kem.encapsulate(kp.publicKey, hex(v.eseed!));
      expect(enc.ciphertext).toEqual(hex(v.ct!));
      expect(enc.sharedSecret).toEqual(hex(v.ss!));
      expect(kem.decapsulate(hex(v.ct!), hex(v.sk!))).toEqual(hex(v.ss!));
    }
  });
});
