import { describe, expect, it } from 'vitest';
import { opsPerSecond } from '../src/index.js';

function busy(ms: number): void {
  const end = performance.now() + ms;
  while (performance.now() < end) {}
}

describe('opsPerSecond', () => {
  it('is runs over total time, not the mean of per-run rates', async () => {
    // Alternating 1 ms and 9 ms runs: 200 ops/s over the whole sample. The
    // mean of per-run rates would say about (1000 + 111) / 2 = 555.
    let i = 0;
    const uneven = await opsPerSecond({ name: 'uneven', fn: () => busy(i++ % 2 === 0 ? 1 : 9) }, 300);
    const steady = await opsPerSecond({ name: 'steady', fn: () => busy(5) }, 300);
    expect(uneven.ops).toBeGreaterThan(100);
    expect(uneven.ops).toBeLessThan(210);
    expect(uneven.ops / steady.ops).toBeGreaterThan(0.8);
    expect(uneven.ops / steady.ops).toBeLessThan(1.2);
  });
});
