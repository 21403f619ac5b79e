import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type KeyPair, noble } from '@qsp/crypto-suite';
import { TemporalBoundary } from './boundary.js';
import { ManualClock } from './clock.js';
import { TemporalEngine } from './engine.js';
import { isTemporalError } from './errors.js';
import { FileJournalStore } from './file-store.js';
import { FRAME_HEADER, MAGIC } from './journal-format.js';
import { approveRenewal } from './renewal.js';

// Self-tests the CLI runs (`qsafp test --scenario NAME`): each drives a real
// engine on a real journal in a temporary directory with a manual clock and
// reports every check it made.

export interface ScenarioResult {
  readonly name: ScenarioName;
  readonly passed: boolean;
  readonly checks: readonly { readonly check: string; readonly passed: boolean }[];
}

export const SCENARIOS = ['expiration_enforcement', 'renewal', 'clock_rollback', 'crash_recovery'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

const POLICY = { initial_period: 60, warning_phase: 20, grace_period: 10, maximum_extension: 60 };

class Checks {
  readonly list: { check: string; passed: boolean }[] = [];
  ok(check: string, passed: boolean): void {
    this.list.push({ check, passed });
  }
  async refused(check: string, code: string, fn: () => unknown): Promise<void> {
    try {
      await fn();
      this.ok(`${check} (no error)`, false);
    } catch (error) {
      this.ok(check, isTemporalError(error) && error.code === code);
    }
  }
}

interface Fixture {
  readonly dir: string;
  readonly clock: ManualClock;
  readonly approvers: KeyPair[];
  open(): Promise<TemporalEngine>;
}

async function withFixture(fn: (f: Fixture) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'qsafp-scenario-'));
  const clock = new ManualClock();
  const sig = noble.signature('ML-DSA-65');
  const approvers = [sig.keygen(), sig.keygen(), sig.keygen()];
  try {
    await fn({
      dir,
      clock,
      approvers,
      open: () =>
        TemporalEngine.open({ store: new FileJournalStore({ dir }), clock, checkpointIntervalMs: 0 }),
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function register(engine: TemporalEngine, approvers: KeyPair[]): Promise<string> {
  const status = await engine.register({
    policy: POLICY,
    approvers: { threshold: 2, publicKeys: approvers.map((k) => k.publicKey) },
  });
  return status.systemId;
}

async function expirationEnforcement(c: Checks): Promise<void> {
  await withFixture(async ({ clock, approvers, open }) => {
    const engine = await open();
    const id = await register(engine, approvers);
    const boundary = new TemporalBoundary(engine, id);
    const seen: string[] = [];
    for (const type of ['warning', 'grace', 'expired'] as const) boundary.on(type, (e) => seen.push(e.type));
    let calls = 0;
    const model = boundary.guard(async () => ++calls);
    c.ok('active: guarded call runs', (await model()) === 1);
    clock.advance(45_000);
    c.ok('warning: guarded call runs', (await model()) === 2 && engine.status(id).state === 'warning');
    clock.advance(20_000);
    c.ok('grace: guarded call runs', (await model()) === 3 && engine.status(id).state === 'grace');
    clock.advance(5_000);
    await c.refused('expired: guarded call refused with EXPIRED', 'EXPIRED', () => model());
    c.ok('expired: the function was never called', calls === 3);
    c.ok('warning, grace and expired events were emitted in order', seen.join() === 'warning,grace,expired');
    await c.refused('expired: renewal refused', 'EXPIRED', () => engine.initiateRenewal(id));
    await engine.close();
    const reopened = await open();
    await c.refused('expired survives a restart', 'EXPIRED', () => reopened.check(id));
    await reopened.close();
  });
}

async function renewal(c: Checks): Promise<void> {
  await withFixture(async ({ clock, approvers, open }) => {
    const engine = await open();
    const id = await register(engine, approvers);
    const [a, b] = approvers as [KeyPair, KeyPair, KeyPair];
    const outsider = noble.signature('ML-DSA-65').keygen();
    clock.advance(45_000);
    const token = await engine.initiateRenewal(id);
    await c.refused('one approval of 2-of-3 is refused', 'INSUFFICIENT_APPROVALS', () =>
      engine.renew(id, [approveRenewal(token, a)]),
    );
    await c.refused('an approval from an unknown key is refused', 'UNKNOWN_APPROVER', () =>
      engine.renew(id, [approveRenewal(token, a), approveRenewal(token, outsider)]),
    );
    const before = engine.status(id);
    c.ok('refused renewals changed nothing', before.sequence === 1 && before.state === 'warning');
    const result = await engine.renew(id, [approveRenewal(token, a), approveRenewal(token, b)]);
    c.ok(
      '2-of-3 renewal grants a new period',
      result.status.state === 'active' && result.grantedMs === 60_000,
    );
    await c.refused('the used token cannot renew again', 'NO_PENDING_RENEWAL', () =>
      engine.renew(id, [approveRenewal(token, a), approveRenewal(token, b)]),
    );
    clock.advance(50_000);
    const second = await engine.initiateRenewal(id);
    const capped = await engine.renew(id, [approveRenewal(second, a), approveRenewal(second, b)]);
    c.ok('a renewal never passes the cap', capped.status.expiresAt === capped.status.capAt);
    c.ok('the granted period is what remains under the cap', capped.grantedMs < 60_000);
    await c.refused('no renewal beyond the cap', 'MAX_EXTENSION_REACHED', () => engine.initiateRenewal(id));
    await engine.close();
  });
}

async function clockRollback(c: Checks): Promise<void> {
  await withFixture(async ({ clock, approvers, open }) => {
    let engine = await open();
    const id = await register(engine, approvers);
    const expiresAt = engine.status(id).expiresAt;
    clock.advance(50_000);
    clock.jumpWall(-3_600_000);
    c.ok('wall clock set back an hour: lease still in warning', engine.status(id).state === 'warning');
    clock.advance(12_000);
    c.ok('and it still reaches grace on monotonic time', engine.status(id).state === 'grace');
    c.ok('the expiration did not move', engine.status(id).expiresAt === expiresAt);
    await engine.close();
    clock.restart();
    clock.jumpWall(-86_400_000);
    engine = await open();
    c.ok('after a restart with the wall clock a day back: still grace', engine.status(id).state === 'grace');
    clock.advance(8_000);
    await c.refused('and it expires on time', 'EXPIRED', () => engine.check(id));
    await engine.close();
  });
}

async function crashRecovery(c: Checks): Promise<void> {
  await withFixture(async ({ dir, clock, approvers, open }) => {
    const engine = await open();
    const id = await register(engine, approvers);
    clock.advance(45_000);
    const token = await engine.initiateRenewal(id);
    const [a, b] = approvers as [KeyPair, KeyPair, KeyPair];
    const before = (await readFile(join(dir, 'journal.qsafp'))).length;
    await engine.renew(id, [approveRenewal(token, a), approveRenewal(token, b)]);
    const full = await readFile(join(dir, 'journal.qsafp'));
    // Simulate kill -9 by abandoning the engine without close(), then tear its last write.
    await engine.store.close();
    let allRecovered = true;
    for (let cut = before; cut < full.length; cut += Math.max(1, Math.floor((full.length - before) / 16))) {
      await writeFile(join(dir, 'journal.qsafp'), full.subarray(0, cut));
      const reopened = await open();
      const s = reopened.status(id);
      if (s.sequence !== 1 || s.state !== 'warning') allRecovered = false;
      await reopened.close();
    }
    c.ok('torn last write: state is the one before it, at every cut', allRecovered);
    await writeFile(join(dir, 'journal.qsafp'), full);
    const healed = await open();
    c.ok('complete journal: the acknowledged renewal is there', healed.status(id).sequence === 2);
    await healed.close();
    const damaged = new Uint8Array(full);
    const at = MAGIC.length + FRAME_HEADER + 3;
    damaged[at] = (damaged[at] ?? 0) ^ 0xff;
    await writeFile(join(dir, 'journal.qsafp'), damaged);
    await c.refused('damage before the tail is refused, not guessed', 'JOURNAL_CORRUPT', () => open());
    await truncate(join(dir, 'journal.qsafp'), 0);
  });
}

const RUNNERS: Record<ScenarioName, (c: Checks) => Promise<void>> = {
  expiration_enforcement: expirationEnforcement,
  renewal,
  clock_rollback: clockRollback,
  crash_recovery: crashRecovery,
};

export async function runScenario(name: ScenarioName): Promise<ScenarioResult> {
  const checks = new Checks();
  try {
    await RUNNERS[name](checks);
  } catch (error) {
    checks.ok(`unexpected error: ${error instanceof Error ? error.message : String(error)}`, false);
  }
  return { name, passed: checks.list.length > 0 && checks.list.every((x) => x.passed), checks: checks.list };
}
