// The node engine carves small sealed records from a ciphertext-only slab
// (src/node/ciphertext-slab.ts). Records must never overlap, the slab must not
// be transferable, and plaintexts are never placed there.
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { node } from '../src/node.js';
import { AEAD_IDS } from '../src/params.js';

describe.each(AEAD_IDS)('node %s output memory', (id) => {
  const aead = node.aead(id);
  const key = new Uint8Array(32).fill(9);
  const nonce = new Uint8Array(12);

  it('small records are distinct memory: changing one leaves the others intact', () => {
    const pts = Array.from({ length: 600 }, (_, i) => new Uint8Array(1 + (i % 70)).fill(i & 0xff));
    const sealed = pts.map((pt) => aead.seal(key, nonce, pt));
    const copies = sealed.map((s) => Uint8Array.from(s));
    for (const s of sealed) s.fill(0xee);
    for (const [i, s] of sealed.entries()) {
      s.set(copies[i]!);
      expect(aead.open(key, nonce, s)).toEqual(pts[i]);
    }
    // 600 records of up to 86 bytes span several slabs.
    expect(new Set(sealed.map((s) => s.buffer)).size).toBeGreaterThan(1);
  });

  it('a pooled record cannot be transferred (other records would be detached); large records own their buffer', () => {
    const small = aead.seal(key, nonce, new Uint8Array(10));
    const neighbour = aead.seal(key, nonce, new Uint8Array(11));
    expect(neighbour.buffer).toBe(small.buffer);
    const { port1, port2 } = new MessageChannel();
    // Node >= 21 throws; Node 20 copies instead of transferring. Either way nothing is detached.
    try {
      port1.postMessage(small, [small.buffer as ArrayBuffer]);
    } catch {}
    port1.close();
    port2.close();
    expect(small.buffer.byteLength).toBeGreaterThan(0);
    expect(aead.open(key, nonce, small)).toEqual(new Uint8Array(10));
    expect(aead.open(key, nonce, neighbour)).toEqual(new Uint8Array(11));
    const large = aead.seal(key, nonce, new Uint8Array(4096));
    expect(large.byteOffset).toBe(0);
    expect(large.byteLength).toBe(large.buffer.byteLength);
  });

  it('opened plaintext owns its memory', () => {
    for (const n of [0, 1, 64, 5000]) {
      const pt = aead.open(key, nonce, aead.seal(key, nonce, new Uint8Array(n).fill(7)));
      expect(pt).toEqual(new Uint8Array(n).fill(7));
      expect(pt.byteLength).toBe(pt.buffer.byteLength);
      expect(Object.getPrototypeOf(pt)).toBe(Uint8Array.prototype);
      // Uint8Array semantics, not Buffer's: slice copies.
      if (n > 0) expect(pt.slice(0, 1).buffer).not.toBe(pt.buffer);
    }
  });
});
