import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { type PackResult, pack, verify } from '../src/index.js';
import { artifacts, JOB, PACKAGED_AT, registry, SIGNER } from './fixtures.js';

const now = new Date('2026-06-01T00:00:00Z');
let packed: PackResult;
const files = () => Object.fromEntries(artifacts().map((a) => [a.name, a.source]));

beforeAll(async () => {
  packed = await pack(JOB, artifacts(), SIGNER, { now: () => PACKAGED_AT });
});

describe('tamper properties', () => {
  it('the untouched bundle file verifies', async () => {
    expect((await verify(packed.bytes, { keys: registry(), artifacts: files(), now })).valid).toBe(true);
  });

  it('any flipped bit anywhere in the bundle file fails verification, naming a check', async () => {
    const keys = registry();
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: packed.bytes.length - 1 }),
        fc.integer({ min: 0, max: 7 }),
        async (i, bit) => {
          const b = packed.bytes.slice();
          b[i]! ^= 1 << bit;
          const r = await verify(b, { keys, now });
          expect(r.valid).toBe(false);
          expect(r.failed.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 120 },
    );
  });

  // The signature member is the only part of the file outside the signed
  // bytes, so it is where a flip could go unnoticed (signed_at once did: a
  // flipped digit gave another instant inside the key's window and verified).
  // Every bit of it except the 4412-character value (which ML-DSA covers) is
  // flipped here, exhaustively.
  it('every flipped bit in the unsigned signature member (but its value) fails, naming a check', async () => {
    const keys = registry();
    const text = new TextDecoder().decode(packed.bytes);
    const start = text.indexOf('"signature":{');
    const valueAt = text.indexOf('"value":"', start) + '"value":"'.length;
    const valueEnd = text.indexOf('"', valueAt);
    const positions = [
      ...Array.from({ length: valueAt - start }, (_, i) => start + i),
      ...Array.from({ length: packed.bytes.length - valueEnd }, (_, i) => valueEnd + i),
    ];
    expect(positions.length).toBeGreaterThan(100);
    for (const i of positions) {
      for (let bit = 0; bit < 8; bit++) {
        const b = packed.bytes.slice();
        b[i]! ^= 1 << bit;
        const r = await verify(b, { keys, now });
        if (r.valid)
          throw new Error(
            `flip of bit ${bit} at byte ${i} verified: ${new TextDecoder().decode(b.subarray(start))}`,
          );
        expect(r.failed.length).toBeGreaterThan(0);
      }
    }
  });

  it('arbitrary values and arbitrary JSON text never throw and never verify', async () => {
    const keys = registry();
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.anything(), fc.json(), fc.string(), fc.uint8Array()), async (input) => {
        const r = await verify(input, { keys, now, artifacts: {} });
        expect(r.valid).toBe(false);
        expect(r.failed.length).toBeGreaterThan(0);
      }),
      { numRuns: 200 },
    );
    const hostile = new Proxy(
      {},
      {
        ownKeys: () => {
          throw new Error('trap');
        },
      },
    );
    expect((await verify(hostile, { keys, now })).failed).toContain('schema_valid');
  });

  it('any changed byte value anywhere fails', async () => {
    const keys = registry();
    await fc.assert(
      fc.asyncProperty(
        fc.nat({ max: packed.bytes.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        async (i, x) => {
          const b = packed.bytes.slice();
          b[i]! ^= x;
          expect((await verify(b, { keys, now })).valid).toBe(false);
        },
      ),
      { numRuns: 120 },
    );
  });

  it('any flipped byte in any artifact fails that artifact hash check only', async () => {
    const keys = registry();
    const names = packed.bundle.artifacts.map((a) => a.name);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...names),
        fc.nat(),
        fc.integer({ min: 1, max: 255 }),
        async (name, at, x) => {
          const f = files();
          const bytes = (f[name] as Uint8Array).slice();
          bytes[at % bytes.length]! ^= x;
          f[name] = bytes;
          const r = await verify(packed.bundle, { keys, artifacts: f, now });
          expect(r.failed).toEqual([`artifact_hash:${name}`]);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('any permutation of the artifact list other than the identity fails merkle_root_valid', async () => {
    const keys = registry();
    const list = packed.bundle.artifacts;
    await fc.assert(
      fc.asyncProperty(fc.shuffledSubarray([0, 1, 2], { minLength: 3, maxLength: 3 }), async (order) => {
        fc.pre(order.join() !== '0,1,2');
        const r = await verify({ ...packed.bundle, artifacts: order.map((i) => list[i]!) }, { keys, now });
        expect(r.failed).toContain('merkle_root_valid');
        expect(r.failed).toContain('signature_valid');
      }),
      { numRuns: 20 },
    );
  });

  it('changing any string leaf of the bundle object fails verification', async () => {
    const keys = registry();
    const paths: string[][] = [];
    const walk = (v: unknown, p: string[]) => {
      if (v !== null && typeof v === 'object') for (const [k, c] of Object.entries(v)) walk(c, [...p, k]);
      else paths.push(p);
    };
    walk(packed.bundle, []);
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.string({ minLength: 1, maxLength: 3 }),
        async (path, suffix) => {
          const copy = structuredClone(packed.bundle) as unknown as Record<string, unknown>;
          let at: Record<string, unknown> = copy;
          for (const k of path.slice(0, -1)) at = at[k] as Record<string, unknown>;
          const last = path.at(-1)!;
          const old = at[last];
          at[last] = typeof old === 'number' ? old + 1 : typeof old === 'string' ? `${old}${suffix}` : !old;
          expect((await verify(copy, { keys, now })).valid).toBe(false);
        },
      ),
      { numRuns: 80 },
    );
  });
});
