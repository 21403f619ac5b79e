import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { EffectiveClock, ManualClock } from '../src/clock.js';

type Step = { kind: 'advance'; ms: number } | { kind: 'jump'; ms: number } | { kind: 'restart' };

const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 100_000 }) }),
  fc.record({ kind: fc.constant('jump' as const), ms: fc.integer({ min: -10_000_000, max: 10_000_000 }) }),
  fc.constant({ kind: 'restart' as const }),
);

describe('EffectiveClock', () => {
  it('follows the wall clock forward, ignores it backward, and keeps counting on monotonic time', () => {
    const source = new ManualClock(1_000_000, 5);
    const clock = new EffectiveClock(source);
    expect(clock.now()).toBe(1_000_000);
    source.jumpWall(-500_000);
    expect(clock.now()).toBe(1_000_000);
    source.advance(250);
    expect(clock.now()).toBe(1_000_250);
    source.jumpWall(10_000_000);
    // The wall clock is looked at once per millisecond of monotonic time:
    // until then a forward jump (which only shortens leases) is not seen yet.
    expect(clock.now()).toBe(1_000_250);
    source.advance(1);
    expect(clock.now()).toBe(10_500_251);
    source.jumpWall(-10_000_000);
    source.advance(1);
    expect(clock.now()).toBe(10_500_252);
  });

  it('starts at the persisted high-water mark when the wall clock is behind it', () => {
    const source = new ManualClock(1_000, 77);
    const clock = new EffectiveClock(source, 5_000);
    expect(clock.now()).toBe(5_000);
    source.advance(10);
    expect(clock.now()).toBe(5_010);
    expect(new EffectiveClock(new ManualClock(9_000), 5_000).now()).toBe(9_000);
  });

  it('observe() raises the floor to another node’s time, never lowers it', () => {
    const source = new ManualClock(1_000);
    const clock = new EffectiveClock(source);
    clock.observe(50_000);
    expect(clock.now()).toBe(50_000);
    clock.observe(10);
    expect(clock.now()).toBe(50_000);
    source.advance(5);
    expect(clock.now()).toBe(50_005);
  });

  it('property: never backwards, never slower than monotonic time, across wall jumps and restarts', () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const source = new ManualClock(Date.UTC(2030, 0, 1), 1_000);
        let clock = new EffectiveClock(source);
        let last = clock.now();
        let persisted = clock.highWater;
        for (const s of steps) {
          if (s.kind === 'advance') {
            source.advance(s.ms);
            const now = clock.now();
            // Real elapsed time is at least fully counted.
            expect(now - last).toBeGreaterThanOrEqual(s.ms);
            last = now;
          } else if (s.kind === 'jump') {
            source.jumpWall(s.ms);
            const now = clock.now();
            expect(now).toBeGreaterThanOrEqual(last);
            last = now;
          } else {
            // A clean restart persisted the high-water mark; the new process's monotonic origin differs.
            persisted = clock.highWater;
            source.restart(Math.floor(Math.random() * 1000));
            clock = new EffectiveClock(source, persisted);
            const now = clock.now();
            expect(now).toBeGreaterThanOrEqual(last);
            last = now;
          }
          expect(clock.highWater).toBe(last);
          expect(Number.isSafeInteger(last)).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });
});
