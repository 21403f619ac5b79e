// The session never imports an algorithm: this suite is assembled here,
// straight from @noble/*, without @qsp/crypto-suite's engines, and a full
// session (handshake, data, rekey, close) runs on it.
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { expand, extract } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { ml_dsa44 } from '@noble/post-quantum/ml-dsa.js';
import { ml_kem768 } from '@noble/post-quantum/ml-kem.js';
import type { Aead, CryptoSuite, Hash, Kdf, Kem, Signature } from '@qsp/crypto-suite';
import { CloseReason } from '@qsp/wire';
import { describe, expect, it } from 'vitest';
import { ClientConnection, ServerConnection, type SessionEvent } from '../src/index.js';

const hash: Hash = {
  id: 'SHA-256',
  outputLength: 32,
  blockLength: 64,
  digest: (d) => sha256(d),
  create() {
    const h = sha256.create();
    const state = {
      update(d: Uint8Array) {
        h.update(d);
        return state;
      },
      digest: () => h.digest(),
    };
    return state;
  },
};

const utf8 = new TextEncoder();
const kdf: Kdf = {
  id: 'HKDF-SHA-256',
  hash,
  extract: (salt, ikm) => extract(sha256, ikm, salt ?? new Uint8Array(32)),
  expand: (prk, info, length) => expand(sha256, prk, info, length),
  expandLabel(secret, label, context, length, prefix = 'qsp1 ') {
    const full = utf8.encode(prefix + label);
    const info = new Uint8Array([
      length >> 8,
      length & 0xff,
      full.length,
      ...full,
      context.length,
      ...context,
    ]);
    return expand(sha256, secret, info, length);
  },
};

const aead: Aead = {
  id: 'ChaCha20-Poly1305',
  keyLength: 32,
  nonceLength: 12,
  tagLength: 16,
  seal: (key, nonce, pt, aad) => chacha20poly1305(key, nonce, aad).encrypt(pt),
  open: (key, nonce, ct, aad) => chacha20poly1305(key, nonce, aad).decrypt(ct),
};

const kem: Kem = {
  id: 'ML-KEM-768',
  publicKeyLength: 1184,
  secretKeyLength: 2400,
  ciphertextLength: 1088,
  sharedSecretLength: 32,
  keygen: (seed) => ml_kem768.keygen(seed),
  encapsulate(pk, seed) {
    const { cipherText, sharedSecret } = ml_kem768.encapsulate(pk, seed);
    return { ciphertext: cipherText, sharedSecret };
  },
  decapsulate: (ct, sk) => ml_kem768.decapsulate(ct, sk),
};

const signature: Signature = {
  id: 'ML-DSA-44',
  publicKeyLength: 1312,
  secretKeyLength: 2560,
  signatureLength: 2420,
  keygen: (seed) => ml_dsa44.keygen(seed),
  sign: (msg, sk, opts) =>
    ml_dsa44.sign(msg, sk, {
      context: opts?.context ?? new Uint8Array(0),
      ...(opts?.extraEntropy === undefined ? {} : { extraEntropy: opts.extraEntropy }),
    }),
  verify: (sig, msg, pk, opts) =>
    ml_dsa44.verify(sig, msg, pk, { context: opts?.context ?? new Uint8Array(0) }),
};

const outside: CryptoSuite = {
  id: 'outside-mlkem768-mldsa44-chacha',
  codePoint: 0x7ff0,
  hash,
  kdf,
  aead,
  kem,
  signature,
};

describe('a CryptoSuite assembled outside @qsp/crypto-suite', () => {
  it('runs a whole session', () => {
    const identity = ml_dsa44.keygen(new Uint8Array(32).fill(4));
    const client = new ClientConnection({ suites: outside, now: 0, serverKeys: [identity.publicKey] });
    const server = new ServerConnection({ suites: outside, now: 0, identity });
    const events: SessionEvent[] = [];
    const pump = () => {
      for (let i = 0; i < 10; i++) {
        for (const f of client.takeOutput()) server.receive(f, 0);
        for (const f of server.takeOutput()) client.receive(f, 0);
      }
      events.push(...client.takeEvents(), ...server.takeEvents());
    };
    pump();
    expect(server.suiteId).toBe(outside.id);
    client.send(utf8.encode('over an outside suite'));
    server.rekey();
    pump();
    expect(client.sendEpoch).toBe(2);
    server.close();
    pump();
    expect(events.some((e) => e.type === 'data')).toBe(true);
    expect(client.closeReason).toBe(CloseReason.NORMAL);
  });
});
