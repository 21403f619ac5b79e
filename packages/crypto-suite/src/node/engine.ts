import { defineEngine } from '../engine.js';
import type { Engine } from '../types.js';
import { nodeKem, nodeProvides, nodeSignature } from './pq.js';
import { nodeAead, nodeHash, nodeKdf } from './symmetric.js';

/**
 * The node:crypto engine. SHA-2, HKDF, AES-256-GCM and ChaCha20-Poly1305 on
 * every supported Node; ML-KEM and ML-DSA where the runtime passes the
 * feature test (Node >= 24.7 with OpenSSL 3.5); X-Wing never (node:crypto has
 * no X-Wing, and this package does not assemble one from parts).
 */
export const node: Engine = defineEngine('node', {
  hash: nodeHash,
  kdf: nodeKdf,
  aead: nodeAead,
  kem: (id) => (id !== 'X-Wing' && nodeProvides(id) ? nodeKem(id) : undefined),
  signature: (id) => (nodeProvides(id) ? nodeSignature(id) : undefined),
});
