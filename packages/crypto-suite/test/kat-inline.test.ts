// Minimal known-answer tests that every clone runs (no ../shared needed).
// Sources: FIPS 180-2 Appendix B ("abc"), RFC 5869 A.1, RFC 8439 §2.8.2 (as
// Wycheproof tcId 1), Wycheproof aes_gcm tcId 91 and hkdf_sha384 tcId 1,
// NIST ACVP ML-KEM/ML-DSA keyGen (first case per parameter set; outputs
// compared by SHA-256), and the X-Wing draft's first vector. Encapsulation
// with a fixed m and deterministic ML-DSA signatures are regression values
// (noble 0.7.1), checked here against every engine that can decapsulate/verify.

import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { type Engine, type KemId, noble, type SignatureId } from '../src/index.js';
import { auto, node } from '../src/node.js';
import { utf8 } from './helpers.js';

const engines: Engine[] = [noble, node, auto];
const h = (b: Uint8Array) => bytesToHex(sha256(b));

describe.each(engines)('inline KATs, engine $name', (engine) => {
  it('SHA-256 and SHA-384 of "abc"', () => {
    expect(bytesToHex(engine.hash('SHA-256').digest(utf8('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(bytesToHex(engine.hash('SHA-384').digest(utf8('abc')))).toBe(
      'cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7',
    );
  });

  it('HKDF-SHA-256 (RFC 5869 A.1) and HKDF-SHA-384 (Wycheproof tcId 1)', () => {
    const k = engine.kdf('HKDF-SHA-256');
    const prk = k.extract(hexToBytes('000102030405060708090a0b0c'), new Uint8Array(22).fill(0x0b));
    expect(bytesToHex(prk)).toBe('077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5');
    expect(bytesToHex(k.expand(prk, hexToBytes('f0f1f2f3f4f5f6f7f8f9'), 42))).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    );
    const k384 = engine.kdf('HKDF-SHA-384');
    const prk384 = k384.extract(undefined, hexToBytes('24aeff2645e3e0f5494a9a102778c43a'));
    expect(bytesToHex(k384.expand(prk384, new Uint8Array(), 20))).toBe(
      '4b7045423d9156424b0b85d95a7d602fba3924b1',
    );
  });

  it('HKDF-Expand-Label: the TLS 1.3 "derived" secret of RFC 8448 §3 with prefix "tls13 ", and the qsp1 info bytes', () => {
    const k = engine.kdf('HKDF-SHA-256');
    const early = k.extract(undefined, new Uint8Array(32));
    expect(bytesToHex(early)).toBe('33ad0a1c607ec03b09e6cd9893680ce210adf300aa1f2660e1b22e10f170f92a');
    const emptyHash = engine.hash('SHA-256').digest(new Uint8Array(0));
    expect(bytesToHex(k.expandLabel(early, 'derived', emptyHash, 32, 'tls13 '))).toBe(
      '6f2615a108c702c5678f54fc9dbab69716c076189c48250cebeac3576c3611ba',
    );
    // docs/crypto-suite.md spells these info bytes out: u16 length, u8 label length, "qsp1 derived", u8 context length, context.
    const info = hexToBytes(
      '00200c71737031206465726976656420e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
    const viaLabel = k.expandLabel(early, 'derived', emptyHash, 32);
    expect(viaLabel).toEqual(k.expand(early, info, 32));
    expect(bytesToHex(viaLabel)).toBe('a081dc915516ffa922bec3d1450aadf5479d50dca8ff224b59f0d98f41176007');
  });

  it('AES-256-GCM (Wycheproof tcId 91) and ChaCha20-Poly1305 (RFC 8439 §2.8.2)', () => {
    const gcm = engine.aead('AES-256-GCM');
    const key = hexToBytes('92ace3e348cd821092cd921aa3546374299ab46209691bc28b8752d17f123c20');
    const iv = hexToBytes('00112233445566778899aabb');
    const sealed = gcm.seal(key, iv, hexToBytes('00010203040506070809'), hexToBytes('00000000ffffffff'));
    expect(bytesToHex(sealed)).toBe('e27abdd2d2a53d2f136b' + '9a4a2579529301bcfb71c78d4060f52c');
    const chacha = engine.aead('ChaCha20-Poly1305');
    const ck = hexToBytes('808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f');
    const msg = utf8(
      "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.",
    );
    const ct = chacha.seal(
      ck,
      hexToBytes('070000004041424344454647'),
      msg,
      hexToBytes('50515253c0c1c2c3c4c5c6c7'),
    );
    expect(bytesToHex(ct.subarray(0, 16))).toBe('d31a8d34648e60db7b86afbc53ef7ec2');
    expect(bytesToHex(ct.subarray(msg.length))).toBe('1ae10b594f09e26a7e902ecbd0600691');
  });

  const KEM_KAT: Record<string, { seed: string; pk: string; ct: string; ss: string }> = {
    'ML-KEM-768': {
      seed:
        'E582B7D75E6C80B05AE392A1FC9F7153B12390FD99930368CC67A768BAEBC8A0' +
        '1CDACB8740C0B87C4A379575F187B367CBFA3B300BF591B109F79816E9CBE8F0',
      pk: '4158f6afb5e516c99f1da07da8c651348422b17c1f4e9a08ad73fb1f91249b3e',
      ct: '9b42e0c65f288aeacfb46c20c7b2e3310a37f92e0424140247ae316087bdd275',
      ss: 'a35ce1e0118fefd3e62f07198db9ce1f79bed87b4b32c861f09aa35ba965c1fb',
    },
    'ML-KEM-1024': {
      seed:
        'F3A706FAF090C03DB506863AB0B20BD8A1627956318E88C67EB875E8E7266009' +
        '35D2BC43DD1CC879F765BF2A0C5E297889DDE910E57E2BB0EAE417B90AB7A275',
      pk: 'b78619e4fceeeb86dee3fedb945eca6da61dae312771ef8fa871951d391bd7b6',
      ct: '046e384fc0c48ac1679cae3176ba55cdf997098626d14aa81d8565e46a65996f',
      ss: '67a99f14fbf6d60d463b645eb8be27a59b39769af6e06c7a3500ad58abbafba7',
    },
  };

  for (const [id, v] of Object.entries(KEM_KAT)) {
    it.runIf(engine.supports(id as KemId))(`${id}: ACVP keyGen, fixed-m encapsulation, decapsulation`, () => {
      const kem = engine.kem(id as KemId);
      const kp = kem.keygen(hexToBytes(v.seed));
      expect(h(kp.publicKey)).toBe(v.pk);
      const exact = noble.kem(id as KemId).encapsulate(kp.publicKey, new Uint8Array(32).fill(0x42));
      expect(h(exact.ciphertext)).toBe(v.ct);
      expect(bytesToHex(exact.sharedSecret)).toBe(v.ss);
      expect(bytesToHex(kem.decapsulate(exact.ciphertext, kp.secretKey))).toBe(v.ss);
    });
  }

  it('X-Wing: draft-connolly-cfrg-xwing-kem vector 1', () => {
    const kem = engine.supports('X-Wing') ? engine.kem('X-Wing') : noble.kem('X-Wing');
    const kp = kem.keygen(hexToBytes('7f9c2ba4e88f827d616045507605853ed73b8093f6efbc88eb1a6eacfa66ef26'));
    expect(h(kp.publicKey)).toBe('2e816deebcd76c5c80d0cd2d174478871658e8e2ff42bc9d4a6e486372e856bb');
    const enc = kem.encapsulate(
      kp.publicKey,
      hexToBytes(
        '3cb1eea988004b93103cfb0aeefd2a686e01fa4a58e8a3639ca8a1e3f9ae57e2' +
          '35b8cc873c23dc62b8d260169afa2f75ab916a58d974918835d25e6a435085b2',
      ),
    );
    expect(h(enc.ciphertext)).toBe('17cd532d657e44c897ca6583e548a5424fc70bf54f99515a4d2bcf99e3469f33');
    const ss = 'd2df0522128f09dd8e2c92b1e905c793d8f57a54c3da25861f10bf4ca613e384';
    expect(bytesToHex(enc.sharedSecret)).toBe(ss);
    expect(bytesToHex(kem.decapsulate(enc.ciphertext, kp.secretKey))).toBe(ss);
  });

  const DSA_KAT: Record<string, { seed: string; pk: string; sk: string; sig: string }> = {
    'ML-DSA-44': {
      seed: '7194B13C95231010AFD2C909992BD2003BA6F437C3886BDBE3F6B867A14BA161',
      pk: '838b88b6ac41e2c60698173e08ca173d0b0d2839205806e56a8a3d53195f3a03',
      sk: '1c911d163cd0a5563e06f22403f7e16334fee17c2abb66f11ddf39ca6307ec58',
      sig: '802624b8749f6c054fec8f5cb9e713da9f6519f14aab7851d07848c3e4092088',
    },
    'ML-DSA-65': {
      seed: 'A991FD42B071D49C48AE3E75C647459E0DAAD1E1BA356A04801912D3294BCFF8',
      pk: 'b1a7d0d2f0d7a04b9d5ffccd9bd578864dab4a01cdd7f70a05cd1f4f0672e43a',
      sk: '56c53ac82fbff7d81b7a8cfbbc73011ceccad677e16dc53f2ece66d49aa11edd',
      sig: '0a3de156d47171e79f49cb7e9adbd5ba2f9bd5ffe84b180f551091c7094aa7ba',
    },
    'ML-DSA-87': {
      seed: 'A16F5B0796703E2D1A0140A35CBF36EFABE70E752BA59B6A9A0E9C4B05302F73',
      pk: '33f49649f05ec2fc3b050007b18ade043bbc8d1c0ded03a269d540486daaa5f4',
      sk: 'c64e15742f27d7d8e2832f7d55a5c014f2c9536082f3a3181cfc6246908dd649',
      sig: '35e540c9f011b680bbc8b8a7daecbac8a9e16c34e8fdfa3b470c798dcf7c6062',
    },
  };

  for (const [id, v] of Object.entries(DSA_KAT)) {
    it.runIf(engine.supports(id as SignatureId))(
      `${id}: ACVP keyGen, deterministic signature, verify`,
      () => {
        const sig = engine.signature(id as SignatureId);
        const kp = sig.keygen(hexToBytes(v.seed));
        expect(h(kp.publicKey)).toBe(v.pk);
        expect(h(kp.secretKey)).toBe(v.sk);
        const m = utf8('QSP known-answer test');
        const context = utf8('qsp1');
        const s = noble.signature(id as SignatureId).sign(m, kp.secretKey, { context, extraEntropy: false });
        expect(h(s)).toBe(v.sig);
        expect(sig.verify(s, m, kp.publicKey, { context })).toBe(true);
      },
    );
  }
});
