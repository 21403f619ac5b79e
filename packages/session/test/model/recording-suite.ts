import type { Aead, CryptoSuite } from '@qsp/crypto-suite';

/**
 * Wraps a suite's AEAD so every seal's (key, nonce) pair is recorded. The
 * wrapper is a plain CryptoSuite, which is all the session accepts.
 */
export function recordingSuite(suite: CryptoSuite): {
  suite: CryptoSuite;
  pairs: Set<string>;
  reused: string[];
} {
  const pairs = new Set<string>();
  const reused: string[] = [];
  const inner = suite.aead;
  const aead: Aead = {
    id: inner.id,
    keyLength: inner.keyLength,
    nonceLength: inner.nonceLength,
    tagLength: inner.tagLength,
    seal(key, nonce, plaintext, aad) {
      const id = `${Buffer.from(key).toString('hex')}/${Buffer.from(nonce).toString('hex')}`;
      if (pairs.has(id)) reused.push(id);
      pairs.add(id);
      return inner.seal(key, nonce, plaintext, aad);
    },
    open: (key, nonce, ciphertext, aad) => inner.open(key, nonce, ciphertext, aad),
  };
  return { suite: { ...suite, aead }, pairs, reused };
}
