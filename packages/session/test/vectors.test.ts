import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildVector, seededStream, type Vector } from './vectors/build.js';

const recorded = JSON.parse(
  readFileSync(new URL('./vectors/handshake-v1.json', import.meta.url), 'utf8'),
) as {
  vectors: Vector[];
};

describe('derandomized handshake vectors (known answers)', () => {
  it('the seeded stream is SHA-256(label || u32 counter) blocks, taken in order', () => {
    const block = (i: number) =>
      createHash('sha256')
        .update('abc')
        .update(Uint8Array.of(0, 0, 0, i))
        .digest('hex');
    const s = seededStream('abc');
    expect(Buffer.from(s(20)).toString('hex')).toBe(block(0).slice(0, 40));
    expect(Buffer.from(s(20)).toString('hex')).toBe(block(0).slice(40) + block(1).slice(0, 16));
  });
  for (const v of recorded.vectors) {
    it(`${v.name}: every frame matches the recorded bytes`, () => {
      const fresh = buildVector({
        name: v.name,
        suite: v.suite,
        mutual: v.mutual,
        ...(v.qkdKey ? { qkdKey: v.qkdKey } : {}),
      });
      expect(fresh.sessionId).toBe(v.sessionId);
      expect(fresh.frames.map((f) => `${f.from} ${f.step}`)).toEqual(
        v.frames.map((f) => `${f.from} ${f.step}`),
      );
      fresh.frames.forEach((f, i) => {
        expect(f.hex, `${f.from} ${f.step}`).toBe(v.frames[i]!.hex);
      });
    });
  }
});
