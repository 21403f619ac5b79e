import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Coalescer } from '../../src/node/coalescer.js';

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function recorder(capacity: number) {
  const sent: Uint8Array[] = [];
  // The session seals synchronously; a copy stands in for the sealed record.
  const coalescer = new Coalescer(capacity, (data) => sent.push(Uint8Array.from(data)));
  return { coalescer, sent };
}

const concat = (parts: readonly Uint8Array[]) => new Uint8Array(Buffer.concat(parts));

describe('Coalescer', () => {
  it('gathers a synchronous burst into full records and sends the rest in a microtask', async () => {
    const { coalescer, sent } = recorder(64);
    for (let i = 0; i < 5; i++) coalescer.push(new Uint8Array(16).fill(i));
    expect(sent.map((s) => s.length)).toEqual([64]);
    expect(coalescer.pending).toBe(16);
    await Promise.resolve();
    expect(sent.map((s) => s.length)).toEqual([64, 16]);
    expect(concat(sent)).toEqual(concat([0, 1, 2, 3, 4].map((i) => new Uint8Array(16).fill(i))));
  });

  it('sends whole records from the caller memory and copies only the remainder', () => {
    const { coalescer, sent } = recorder(64);
    const data = new Uint8Array(64 * 3 + 10).map((_, i) => i);
    coalescer.push(data);
    expect(sent.map((s) => s.length)).toEqual([192]);
    expect(coalescer.pending).toBe(10);
    coalescer.flush();
    expect(concat(sent)).toEqual(data);
  });

  it('copies held bytes: the writer may reuse its chunk once push returns', async () => {
    const { coalescer, sent } = recorder(64);
    const chunk = new Uint8Array(8).fill(7);
    coalescer.push(chunk);
    chunk.fill(9);
    await Promise.resolve();
    expect(sent).toEqual([new Uint8Array(8).fill(7)]);
  });

  it('passes a refusal from send to the pushing caller', () => {
    const coalescer = new Coalescer(4, () => {
      throw new Error('refused');
    });
    expect(() => coalescer.push(new Uint8Array(4))).toThrow('refused');
    coalescer.push(new Uint8Array(2));
    expect(() => coalescer.flush()).toThrow('refused');
    coalescer.push(new Uint8Array(2));
    expect(() => coalescer.settle()).not.toThrow();
    expect(coalescer.pending).toBe(0);
  });

  it('discard drops and wipes held bytes', async () => {
    const { coalescer, sent } = recorder(64);
    coalescer.push(new Uint8Array(10).fill(5));
    coalescer.discard();
    await tick();
    expect(sent).toEqual([]);
    expect(coalescer.pending).toBe(0);
  });

  it('property: bytes out equal bytes in, in order; no record exceeds capacity unless sent whole from the caller', async () => {
    const op = fc.oneof(
      fc.record({ push: fc.uint8Array({ maxLength: 300 }) }),
      fc.constant({ flush: true as const }),
      fc.constant({ tick: true as const }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 128 }),
        fc.array(op, { maxLength: 40 }),
        async (capacity, ops) => {
          const { coalescer, sent } = recorder(capacity);
          const pushed: Uint8Array[] = [];
          for (const o of ops) {
            if ('push' in o) {
              const copy = Uint8Array.from(o.push);
              coalescer.push(o.push);
              o.push.fill(0xee);
              pushed.push(copy);
              expect(coalescer.pending).toBeLessThan(capacity);
            } else if ('flush' in o) {
              coalescer.flush();
              expect(coalescer.pending).toBe(0);
            } else {
              await Promise.resolve();
              expect(coalescer.pending).toBe(0);
            }
          }
          await Promise.resolve();
          expect(coalescer.pending).toBe(0);
          expect(concat(sent)).toEqual(concat(pushed));
          for (const s of sent) {
            expect(s.length).toBeGreaterThan(0);
            if (s.length > capacity) expect(s.length % capacity).toBe(0);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
