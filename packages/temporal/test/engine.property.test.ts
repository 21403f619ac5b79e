// Model-based properties of the whole engine over random operation
// sequences, with a fake clock that jumps forward and back, and restarts
// (clean, and kill -9 without close) on the crash-safe file journal.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TemporalBoundary } from '../src/boundary.js';
import { ManualClock } from '../src/clock.js';
import { TemporalEngine } from '../src/engine.js';
import { isTemporalError } from '../src/errors.js';
import { FileJournalStore } from '../src/file-store.js';
import { approveRenewal } from '../src/renewal.js';
import { approverKeys } from './helpers.js';

const keys = approverKeys();
const CHECKPOINT_MS = 1000;

type Op =
  | { readonly op: 'advance'; readonly ms: number }
  | { readonly op: 'jumpWall'; readonly ms: number }
  | { readonly op: 'call' }
  | { readonly op: 'renew'; readonly period?: number }
  | { readonly op: 'shutdown' }
  | { readonly op: 'restart' }
  | { readonly op: 'crash' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({ op: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 25_000 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      op: fc.constant('jumpWall' as const),
      ms: fc.oneof(fc.integer({ min: -86_400_000, max: -1 }), fc.integer({ min: 1, max: 30_000 })),
    }),
  },
  { weight: 4, arbitrary: fc.constant({ op: 'call' as const }) },
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.constant({ op: 'renew' as const }),
      fc.record({ op: fc.constant('renew' as const), period: fc.integer({ min: 1, max: 90 }) }),
    ),
  },
  { weight: 1, arbitrary: fc.constant({ op: 'shutdown' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'restart' as const }) },
  { weight: 1, arbitrary: fc.constant({ op: 'crash' as const }) },
);

const policyArb = fc
  .record({
    initial: fc.integer({ min: 2, max: 60 }),
    warningShare: fc.double({ min: 0, max: 0.9, noNaN: true }),
    grace: fc.integer({ min: 0, max: 20 }),
    ext: fc.integer({ min: 0, max: 120 }),
  })
  .map(({ initial, warningShare, grace, ext }) => ({
    initial_period: initial,
    warning_phase: Math.floor(initial * warningShare),
    grace_period: grace,
    maximum_extension: ext,
  }));

describe('TemporalEngine properties (fake clock, file journal)', () => {
  it('a guarded call never runs after expiry or shutdown, no renewal passes the cap, expiry and shutdown are final', async () => {
    await fc.assert(
      fc.asyncProperty(policyArb, fc.array(opArb, { minLength: 1, maxLength: 25 }), async (policy, ops) => {
        const dir = mkdtempSync(join(tmpdir(), 'qsafp-prop-'));
        const clock = new ManualClock();
        const open = () =>
          TemporalEngine.open({
            clock,
            store: new FileJournalStore({ dir }),
            checkpointIntervalMs: CHECKPOINT_MS,
          });
        let engine = await open();
        try {
          const reg = await engine.register({
            policy,
            approvers: { threshold: 2, publicKeys: keys.map((k) => k.publicKey) },
          });
          const id = reg.systemId;
          const initialMs = policy.initial_period * 1000;
          const graceMs = policy.grace_period * 1000;
          const capMs = initialMs + policy.maximum_extension * 1000;
          // The model runs on true (monotonic) time only.
          let trueNow = 0;
          let grantTrue = 0;
          let grantedPeriod = initialMs;
          let dead: 'EXPIRED' | 'SHUT_DOWN' | undefined;
          let calls = 0;
          const fn = () => ++calls;

          for (const step of ops) {
            switch (step.op) {
              case 'advance': {
                // Real time is continuous: the checkpoint timer fires once per
                // interval of true time (not after every step), so time handed
                // out since the last checkpoint is exposed to a crash.
                for (let left = step.ms; left > 0; ) {
                  const dt = Math.min(left, CHECKPOINT_MS - (trueNow % CHECKPOINT_MS));
                  clock.advance(dt);
                  trueNow += dt;
                  left -= dt;
                  if (trueNow % CHECKPOINT_MS === 0) await engine.checkpoint();
                }
                break;
              }
              case 'jumpWall':
                clock.jumpWall(step.ms);
                break;
              case 'call': {
                const guarded = new TemporalBoundary(engine, id).guard(fn);
                const before = calls;
                try {
                  guarded();
                } catch (error) {
                  expect(isTemporalError(error, 'EXPIRED') || isTemporalError(error, 'SHUT_DOWN')).toBe(true);
                  expect(calls).toBe(before);
                  if (isTemporalError(error, 'EXPIRED') && dead === undefined) dead = 'EXPIRED';
                  break;
                }
                // It ran: the lease must be live by true elapsed time, whatever the wall clock did.
                expect(dead).toBeUndefined();
                expect(trueNow - grantTrue).toBeLessThan(grantedPeriod + graceMs);
                expect(trueNow).toBeLessThan(capMs + graceMs);
                break;
              }
              case 'renew': {
                try {
                  const token = await engine.initiateRenewal(
                    id,
                    step.period === undefined ? {} : { period: step.period },
                  );
                  const result = await engine.renew(id, [
                    approveRenewal(token, keys[2]),
                    approveRenewal(token, keys[0]),
                  ]);
                  const s = result.status;
                  expect(dead).toBeUndefined();
                  expect(s.capAt).toBe(s.registeredAt + capMs);
                  expect(s.expiresAt).toBeLessThanOrEqual(s.capAt);
                  expect(s.expiresAt - s.grantedAt).toBeLessThanOrEqual(initialMs);
                  expect(result.grantedMs).toBe(s.expiresAt - s.grantedAt);
                  if (step.period !== undefined)
                    expect(result.grantedMs).toBeLessThanOrEqual(step.period * 1000);
                  grantTrue = trueNow;
                  grantedPeriod = s.expiresAt - s.grantedAt;
                } catch (error) {
                  const codes = ['EXPIRED', 'SHUT_DOWN', 'MAX_EXTENSION_REACHED', 'INVALID_ARGUMENT'];
                  expect(
                    codes.some((c) => isTemporalError(error, c as never)),
                    String(error),
                  ).toBe(true);
                  if (isTemporalError(error, 'EXPIRED') && dead === undefined) dead = 'EXPIRED';
                }
                break;
              }
              case 'shutdown':
                expect((await engine.shutdown(id)).state).toBe('shutdown');
                dead = 'SHUT_DOWN';
                break;
              case 'restart':
                await engine.close();
                clock.restart(Math.floor(Math.random() * 10_000));
                engine = await open();
                break;
              case 'crash': {
                // kill -9 now: whatever the file holds at this instant is what
                // survives; writes still queued or in flight are lost.
                const image = readFileSync(join(dir, 'journal.qsafp'));
                await engine.store.close();
                writeFileSync(join(dir, 'journal.qsafp'), image);
                clock.restart(Math.floor(Math.random() * 10_000));
                engine = await open();
                // An expiry seen only because the wall clock ran ahead, and not yet
                // written down, may be lost with the process: the lease is then
                // still live by true time, which is all the call check above needs.
                if (dead === 'EXPIRED' && engine.status(id).state !== 'expired') {
                  expect(trueNow - grantTrue).toBeLessThan(grantedPeriod + graceMs);
                  dead = undefined;
                }
                break;
              }
            }
            const s = engine.status(id);
            expect(s.expiresAt).toBeLessThanOrEqual(s.capAt);
            if (dead === 'SHUT_DOWN') expect(s.state).toBe('shutdown');
            if (dead === 'EXPIRED') expect(['expired', 'shutdown']).toContain(s.state);
          }
        } finally {
          await engine.close().catch(() => {});
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: 40 },
    );
  }, 60_000);

  it('kill -9 at any point of a journal write: recovery yields the state before that write or after it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('advance', 'renew', 'shutdown'), { minLength: 3, maxLength: 10 }),
        fc.nat(),
        fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
        async (ops, pick, where) => {
          const dir = mkdtempSync(join(tmpdir(), 'qsafp-torn-'));
          const journal = join(dir, 'journal.qsafp');
          const clock = new ManualClock();
          const engine = await TemporalEngine.open({
            clock,
            store: new FileJournalStore({ dir }),
            checkpointIntervalMs: 0,
          });
          const { systemId: id } = await engine.register({
            policy: { initial_period: 30, warning_phase: 10, grace_period: 5, maximum_extension: 300 },
            approvers: { threshold: 2, publicKeys: keys.map((k) => k.publicKey) },
          });
          const snap = () => {
            const s = engine.status(id);
            return { sequence: s.sequence, expiresAt: s.expiresAt, shut: s.state === 'shutdown' };
          };
          // After each acknowledged write: the journal's length and the state it must recover to.
          const points = [{ length: readFileSync(journal).length, state: snap() }];
          for (const op of ops) {
            if (op === 'advance') {
              clock.advance(7_000);
              continue;
            }
            try {
              if (op === 'renew') {
                const token = await engine.initiateRenewal(id);
                points.push({ length: readFileSync(journal).length, state: snap() });
                await engine.renew(id, [approveRenewal(token, keys[0]), approveRenewal(token, keys[1])]);
              } else {
                await engine.shutdown(id);
              }
            } catch {
              // Refusals (expired, shut down) write at most a sticky-expiry record.
            }
            points.push({ length: readFileSync(journal).length, state: snap() });
          }
          await engine.store.close();
          const full = readFileSync(journal);
          const writes = points.filter((p, i) => i > 0 && p.length > (points[i - 1]?.length ?? 0));
          try {
            if (writes.length === 0) return;
            const target = writes[pick % writes.length] as (typeof points)[number];
            const prev = points[points.indexOf(target) - 1] as (typeof points)[number];
            const cut = prev.length + Math.floor(where * (target.length - prev.length));
            writeFileSync(journal, full.subarray(0, cut));
            const reopened = await TemporalEngine.open({
              clock,
              store: new FileJournalStore({ dir }),
              checkpointIntervalMs: 0,
            });
            const s = reopened.status(id);
            expect({ sequence: s.sequence, expiresAt: s.expiresAt, shut: s.state === 'shutdown' }).toEqual(
              prev.state,
            );
            await reopened.close();
          } finally {
            rmSync(dir, { recursive: true, force: true });
          }
        },
      ),
      { numRuns: 30 },
    );
  }, 60_000);
});
