import {
  bb84KeySource,
  constantTimeEqual,
  etsi014Client,
  getSuite,
  isCryptoError,
  type KeyMaterial,
  wipe,
} from '@qsp/crypto-suite';
import { startKmeSimulator } from '@qsp/crypto-suite/kme-simulator';
import { auto, autoProvider } from '@qsp/crypto-suite/node';
import type { DemoContext } from '../context.js';

const hex = (b: Uint8Array, n = 8) => `${Buffer.from(b.subarray(0, n)).toString('hex')}…`;
const utf8 = (s: string) => new TextEncoder().encode(s);

/** u16 length || bytes for each part, so no part can be shifted into its neighbour. */
function lengthPrefixed(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + 2 + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out[at] = p.length >>> 8;
    out[at + 1] = p.length & 0xff;
    out.set(p, at + 2);
    at += 2 + p.length;
  }
  return out;
}

/**
 * Alice and Bob derive one 256-bit key from three independent sources: an
 * X-Wing (X25519 + ML-KEM-768) encapsulation, a BB84 QKD simulation, and a
 * key delivered by ETSI GS QKD 014 KMEs (a local simulator on loopback).
 * Breaking the key needs all three. Then the key protects a message, and an
 * eavesdropped BB84 run aborts.
 */
export async function run(log: (line: string) => void, context: DemoContext): Promise<void> {
  const suite = getSuite('QSP1-XWING-MLDSA65-CHACHA20POLY1305-SHA256', auto);
  log(`suite ${suite.id} (code point 0x${suite.codePoint.toString(16).padStart(4, '0')})`);
  log(
    `auto engine on Node ${process.version}: X-Wing ${autoProvider('X-Wing')}, ML-DSA-65 ${autoProvider('ML-DSA-65')}, ` +
      `ChaCha20-Poly1305 ${autoProvider('ChaCha20-Poly1305')}, HKDF ${autoProvider('HKDF-SHA-256')}`,
  );

  // 1. Post-quantum/classical hybrid KEM.
  const bob = suite.kem.keygen();
  const { ciphertext, sharedSecret: aliceKem } = suite.kem.encapsulate(bob.publicKey);
  const bobKem = suite.kem.decapsulate(ciphertext, bob.secretKey);
  log(
    `X-Wing: public key ${bob.publicKey.length} B, ciphertext ${ciphertext.length} B, secret ${hex(aliceKem)}`,
  );

  // 2. BB84 link: sifting, QBER on a disclosed sample, Cascade, privacy amplification.
  const link = bb84KeySource({ channelErrorRate: 0.02 });
  const aliceBb84 = await link.newKey(32);
  const bobBb84 = await link.keyById(aliceBb84.keyId);
  const s = link.lastStats!;
  log(
    `BB84: ${s.qubits} qubits, ${s.siftedBits} sifted, QBER ${(s.qber * 100).toFixed(2)}% on ${s.sampleBits} sample bits, ` +
      `${s.errorsCorrected} errors corrected, ${s.leakedBits} bits leaked, ${s.finalBits}-bit key ${aliceBb84.keyId}`,
  );

  // 3. ETSI GS QKD 014 key delivery from two KMEs on loopback.
  const kme = await startKmeSimulator({ saeIds: ['sae-alice', 'sae-bob'] });
  let aliceEtsi: KeyMaterial;
  let bobEtsi: KeyMaterial;
  try {
    const aliceSae = etsi014Client({ baseUrl: kme.url('sae-alice'), peerSaeId: 'sae-bob' });
    const bobSae = etsi014Client({ baseUrl: kme.url('sae-bob'), peerSaeId: 'sae-alice', keyLengthBytes: 32 });
    const status = await aliceSae.status();
    log(
      `KME ${status.source_KME_ID} -> ${status.target_KME_ID} at ${kme.url('sae-alice')}, key_size ${status.key_size}`,
    );
    aliceEtsi = await aliceSae.newKey(32);
    log(`ETSI 014: enc_keys gave key_ID ${aliceEtsi.keyId}; Bob fetches it with dec_keys`);
    bobEtsi = await bobSae.keyById(aliceEtsi.keyId);
  } finally {
    await kme.close();
  }
  log('KME simulator closed');

  // 4. Mix: HKDF-Extract over the length-prefixed secrets, salted with what both sides saw in public.
  const transcript = suite.hash.digest(
    lengthPrefixed(bob.publicKey, ciphertext, utf8(aliceBb84.keyId), utf8(aliceEtsi.keyId)),
  );
  const derive = (kem: Uint8Array, bb84: Uint8Array, etsi: Uint8Array) => {
    const ikm = lengthPrefixed(kem, bb84, etsi);
    const prk = suite.kdf.extract(transcript, ikm);
    const key = suite.kdf.expandLabel(prk, 'demo hybrid key', transcript, 32);
    wipe(ikm, prk);
    return key;
  };
  const aliceKey = derive(aliceKem, aliceBb84.key, aliceEtsi.key);
  const bobKey = derive(bobKem, bobBb84.key, bobEtsi.key);
  if (!constantTimeEqual(aliceKey, bobKey)) throw new Error('Alice and Bob derived different keys');
  log(`hybrid key (X-Wing + BB84 + ETSI 014): ${hex(aliceKey)} — equal on both sides`);
  const withoutQkd = derive(aliceKem, new Uint8Array(0), new Uint8Array(0));
  if (constantTimeEqual(withoutQkd, aliceKey)) throw new Error('the QKD keys did not change the derived key');
  log(`without the QKD keys it would be ${hex(withoutQkd)}: both key sources count`);

  // 5. Use it: the suite's AEAD; a flipped bit is refused, never returned as garbage.
  const nonce = new Uint8Array(12);
  const sealed = suite.aead.seal(aliceKey, nonce, utf8('hello from Alice'), transcript);
  const opened = new TextDecoder().decode(suite.aead.open(bobKey, nonce, sealed, transcript));
  log(`${suite.aead.id}: Bob opened "${opened}"`);
  sealed[0] = sealed[0]! ^ 1;
  try {
    suite.aead.open(bobKey, nonce, sealed, transcript);
    throw new Error('a tampered ciphertext opened');
  } catch (e) {
    if (!isCryptoError(e, 'AEAD_OPEN_FAILED')) throw e;
    log(`tampered ciphertext: ${e.code}`);
  }

  // 6. An intercept-resend eavesdropper on the BB84 link pushes the QBER past 11%: the key is discarded.
  try {
    await bb84KeySource({ eavesdropper: true }).newKey(32);
    throw new Error('an eavesdropped BB84 run produced a key');
  } catch (e) {
    if (!isCryptoError(e, 'QBER_TOO_HIGH')) throw e;
    log(`eavesdropped BB84 run: ${e.code}, QBER ${((e.details.qber as number) * 100).toFixed(1)}% — no key`);
  }

  wipe(
    aliceKem,
    bobKem,
    bob.secretKey,
    aliceBb84.key,
    bobBb84.key,
    aliceEtsi.key,
    bobEtsi.key,
    aliceKey,
    bobKey,
    withoutQkd,
  );
  // The pipeline goes on over the same BB84 link: the session mixes its next key.
  context.qkd = { label: 'BB84 link (2% channel noise)', source: link };
  context.signals.push({
    step: 'crypto-suite',
    decision: 'ALLOW',
    score: s.qber,
    code: 'HYBRID_KEY_AGREED',
    reason: `hybrid key agreed, BB84 QBER ${(s.qber * 100).toFixed(2)}%`,
  });
}
