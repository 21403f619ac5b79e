import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noble } from '@qsp/crypto-suite';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../src/clock.js';
import { type EngineEvent, TemporalEngine } from '../src/engine.js';
import { isTemporalError } from '../src/errors.js';
import { FileJournalStore } from '../src/file-store.js';
import type { LeaseStatus } from '../src/lease.js';
import { signMessage, verifyMessage } from '../src/message.js';
import { approveRenewal, type RenewalToken } from '../src/renewal.js';
import { approverKeys, mldsa, SHORT } from './helpers.js';

const keys = approverKeys();
const [a, b, c] = keys;

async function setup(options: { policy?: typeof SHORT; store?: FileJournalStore } = {}) {
  const clock = new ManualClock();
  const engine = await TemporalEngine.open({
    clock,
    checkpointIntervalMs: 0,
    ...(options.store ? { store: options.store } : {}),
  });
  const events: EngineEvent[] = [];
  engine.on((e) => events.push(e));
  const status = await engine.register({
    policy: options.policy ?? SHORT,
    approvers: { threshold: 2, publicKeys: keys.map((k) => k.publicKey) },
  });
  return { clock, engine, id: status.systemId, events };
}

async function expectRefused(code: string, promise: Promise<unknown> | (() => unknown)): Promise<void> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
  } catch (error) {
    expect(isTemporalError(error), String(error)).toBe(true);
    expect((error as { code: string }).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

/** The parts of a status that a refused operation must not change. */
const durable = (s: LeaseStatus) => ({
  state: s.state,
  sequence: s.sequence,
  expiresAt: s.expiresAt,
  capAt: s.capAt,
});

describe('TemporalEngine: lifecycle', () => {
  it('active -> warning -> grace -> expired at exactly the documented boundaries, with events', async () => {
    const { clock, engine, id, events } = await setup();
    const s0 = engine.status(id);
    expect(s0).toMatchObject({ state: 'active', sequence: 1, remainingMs: 70_000 });
    expect(s0.expiresAt - s0.registeredAt).toBe(60_000);
    expect(s0.warningAt).toBe(s0.expiresAt - 20_000);
    expect(s0.graceEndsAt).toBe(s0.expiresAt + 10_000);
    expect(s0.capAt).toBe(s0.registeredAt + 120_000);
    clock.advance(39_999);
    expect(engine.check(id)).toBe('active');
    clock.advance(1);
    expect(engine.check(id)).toBe('warning');
    clock.advance(19_999);
    expect(engine.check(id)).toBe('warning');
    clock.advance(1);
    expect(engine.check(id)).toBe('grace');
    clock.advance(9_999);
    expect(engine.check(id)).toBe('grace');
    clock.advance(1);
    await expectRefused('EXPIRED', () => engine.check(id));
    expect(engine.status(id)).toMatchObject({ state: 'expired', remainingMs: 0 });
    expect(events.map((e) => e.type)).toEqual(['registered', 'warning', 'grace', 'expired']);
    // Expired is final: the wall clock going back cannot revive it.
    clock.jumpWall(-3_600_000);
    await expectRefused('EXPIRED', () => engine.check(id));
    await expectRefused('EXPIRED', engine.initiateRenewal(id));
    await engine.close();
  });

  it('refuses bad registrations with typed errors and registers nothing', async () => {
    const { engine } = await setup();
    const pks = keys.map((k) => k.publicKey);
    const bad: [string, unknown][] = [
      [
        'INVALID_POLICY',
        { policy: { ...SHORT, warning_phase: 61 }, approvers: { threshold: 2, publicKeys: pks } },
      ],
      [
        'INVALID_POLICY',
        { policy: { ...SHORT, grace_period: -1 }, approvers: { threshold: 2, publicKeys: pks } },
      ],
      ['UNKNOWN_PRESET', { policy: 'lenient', approvers: { threshold: 2, publicKeys: pks } }],
      ['INVALID_REGISTRATION', { policy: SHORT, approvers: { threshold: 0, publicKeys: pks } }],
      ['INVALID_REGISTRATION', { policy: SHORT, approvers: { threshold: 4, publicKeys: pks } }],
      ['INVALID_REGISTRATION', { policy: SHORT, approvers: { threshold: 1.5, publicKeys: pks } }],
      ['INVALID_REGISTRATION', { policy: SHORT, approvers: { threshold: 1, publicKeys: [] } }],
      ['INVALID_REGISTRATION', { policy: SHORT, approvers: { threshold: 1, publicKeys: [pks[0], pks[0]] } }],
      [
        'INVALID_REGISTRATION',
        { policy: SHORT, approvers: { threshold: 1, publicKeys: [new Uint8Array(32)] } },
      ],
      [
        'INVALID_REGISTRATION',
        { policy: SHORT, approvers: { threshold: 1, publicKeys: pks, alg: 'Ed25519' } },
      ],
      ['INVALID_REGISTRATION', { policy: SHORT }],
      ['INVALID_REGISTRATION', null],
      [
        'INVALID_SYSTEM_ID',
        { policy: SHORT, systemId: 'not-a-uuid', approvers: { threshold: 1, publicKeys: pks } },
      ],
    ];
    for (const [code, input] of bad) await expectRefused(code, engine.register(input as never));
    expect(engine.size).toBe(1);
    const id = [...engine.systems()][0] as string;
    await expectRefused(
      'ALREADY_REGISTERED',
      engine.register({ policy: SHORT, systemId: id, approvers: { threshold: 1, publicKeys: pks } }),
    );
    await expectRefused('UNKNOWN_SYSTEM', async () => engine.status('0b7f8a7e-3c1d-4e5f-9a2b-1c2d3e4f5a6b'));
    await expectRefused('INVALID_SYSTEM_ID', async () => engine.status('x'));
    await engine.close();
    await expectRefused('ENGINE_CLOSED', () => engine.check(id));
    await expectRefused('ENGINE_CLOSED', engine.initiateRenewal(id));
  });

  it('shutdown is final and idempotent, also for an expired lease', async () => {
    const { clock, engine, id } = await setup();
    clock.advance(1_000);
    const token = await engine.initiateRenewal(id);
    const down = await engine.shutdown(id, 'operator');
    expect(down.state).toBe('shutdown');
    await expectRefused('SHUT_DOWN', () => engine.check(id));
    await expectRefused('SHUT_DOWN', engine.initiateRenewal(id));
    await expectRefused('SHUT_DOWN', engine.renew(id, [approveRenewal(token, a), approveRenewal(token, b)]));
    expect((await engine.shutdown(id)).sequence).toBe(down.sequence);
    clock.jumpWall(-86_400_000);
    expect(engine.status(id).state).toBe('shutdown');
    await expectRefused('INVALID_ARGUMENT', engine.shutdown(id, 'x'.repeat(300)));
    await engine.close();
  });
});

describe('TemporalEngine: k-of-n renewal', () => {
  it('2-of-3 renews; the period granted is at most initial_period and never past the cap', async () => {
    const { clock, engine, id, events } = await setup();
    clock.advance(45_000);
    const token = await engine.initiateRenewal(id);
    expect(token).toMatchObject({ type: 'qsafp/1.0 renewal-token', system_id: id, sequence: 1 });
    const r1 = await engine.renew(id, [approveRenewal(token, c), approveRenewal(token, a)]);
    expect(r1.grantedMs).toBe(60_000);
    expect(r1.status).toMatchObject({ state: 'active', sequence: 2 });
    expect(events.some((e) => e.type === 'renewed')).toBe(true);
    clock.advance(50_000);
    const t2 = await engine.initiateRenewal(id);
    const r2 = await engine.renew(id, [approveRenewal(t2, a), approveRenewal(t2, b), approveRenewal(t2, c)]);
    // Cap = registration + 60 s + 60 s = 120 s after registration; now is 95 s after it.
    expect(r2.status.expiresAt).toBe(r2.status.capAt);
    expect(r2.grantedMs).toBe(25_000);
    await expectRefused('MAX_EXTENSION_REACHED', engine.initiateRenewal(id));
    await engine.close();
  });

  it('a shorter period can be asked for; a renewal that would not extend is refused', async () => {
    const { clock, engine, id } = await setup();
    clock.advance(30_000);
    const token = await engine.initiateRenewal(id, { period: 45 });
    expect(Date.parse(token.new_expiration) - engine.status(id).now).toBe(45_000);
    await expectRefused('INVALID_ARGUMENT', engine.initiateRenewal(id, { period: 10 }));
    await expectRefused('INVALID_ARGUMENT', engine.initiateRenewal(id, { period: -1 }));
    await expectRefused('INVALID_ARGUMENT', engine.initiateRenewal(id, { period: Number.NaN }));
    await engine.close();
  });

  it('attacks on approvals are refused with their codes and change nothing', async () => {
    const { clock, engine, id } = await setup();
    const second = await engine.register({
      policy: SHORT,
      approvers: { threshold: 2, publicKeys: keys.map((k) => k.publicKey) },
    });
    clock.advance(41_000);
    await expectRefused('NO_PENDING_RENEWAL', engine.renew(id, [approveRenewal(fakeToken(id), a)]));
    const stale = await engine.initiateRenewal(id);
    const token = await engine.initiateRenewal(id); // replaces the first
    const otherToken = await engine.initiateRenewal(second.systemId);
    const outsider = mldsa.keygen();
    const before = durable(engine.status(id));
    const forged = { ...approveRenewal(token, b), signature: approveRenewal(token, c).signature };
    const attacks: [string, unknown][] = [
      ['INSUFFICIENT_APPROVALS', [approveRenewal(token, a)]],
      ['INSUFFICIENT_APPROVALS', []],
      ['DUPLICATE_APPROVAL', [approveRenewal(token, a), approveRenewal(token, a)]],
      ['UNKNOWN_APPROVER', [approveRenewal(token, a), approveRenewal(token, outsider)]],
      ['WRONG_TOKEN', [approveRenewal(token, a), approveRenewal(stale, b)]],
      ['WRONG_TOKEN', [approveRenewal(otherToken, a), approveRenewal(otherToken, b)]],
      [
        'WRONG_TOKEN',
        [
          approveRenewal({ ...token, new_expiration: '2099-01-01T00:00:00.000Z' }, a),
          approveRenewal(token, b),
        ],
      ],
      ['BAD_APPROVAL', [approveRenewal(token, a), forged]],
      ['BAD_APPROVAL', [approveRenewal(token, a), { ...approveRenewal(token, b), signature: 'AAAA' }]],
      ['BAD_APPROVAL', [approveRenewal(token, a), { ...approveRenewal(token, b), signature: '***' }]],
      // Signed with the message context instead of the approval context: not an approval.
      [
        'BAD_APPROVAL',
        [approveRenewal(token, a), { ...approveRenewal(token, b), signature: crossContext(token, b) }],
      ],
      ['INVALID_ARGUMENT', 'not an array'],
      ['INVALID_ARGUMENT', [null, approveRenewal(token, a)]],
      ['INVALID_ARGUMENT', [{ ...approveRenewal(token, a), token_id: 'ABC' }]],
      [
        'INVALID_ARGUMENT',
        [
          approveRenewal(token, a),
          approveRenewal(token, b),
          approveRenewal(token, c),
          approveRenewal(token, a),
        ],
      ],
    ];
    for (const [code, approvals] of attacks) {
      await expectRefused(code, engine.renew(id, approvals as never));
      expect(durable(engine.status(id))).toEqual(before);
    }
    // The legitimate renewal still goes through afterwards, and the token is single-use.
    await engine.renew(id, [approveRenewal(token, b), approveRenewal(token, c)]);
    await expectRefused(
      'NO_PENDING_RENEWAL',
      engine.renew(id, [approveRenewal(token, b), approveRenewal(token, c)]),
    );
    await engine.close();
  });

  it('an expired token is refused, and a token never outlives the grace period', async () => {
    const clock = new ManualClock();
    const engine = await TemporalEngine.open({ clock, checkpointIntervalMs: 0, renewalTokenTtl: 5 });
    const { systemId: id } = await engine.register({
      policy: SHORT,
      approvers: { threshold: 2, publicKeys: keys.map((k) => k.publicKey) },
    });
    clock.advance(1_000);
    const token = await engine.initiateRenewal(id);
    clock.advance(5_000);
    await expectRefused(
      'NO_PENDING_RENEWAL',
      engine.renew(id, [approveRenewal(token, a), approveRenewal(token, b)]),
    );
    clock.advance(61_000); // grace: 3 s left
    const late = await engine.initiateRenewal(id);
    expect(Date.parse(late.expires_at)).toBe(engine.status(id).graceEndsAt);
    clock.advance(3_000);
    await expectRefused('EXPIRED', engine.renew(id, [approveRenewal(late, a), approveRenewal(late, b)]));
    await engine.close();
  });

  it('a renewal in grace brings the lease back to active', async () => {
    const { clock, engine, id } = await setup();
    clock.advance(65_000);
    expect(engine.check(id)).toBe('grace');
    const token = await engine.initiateRenewal(id);
    const r = await engine.renew(id, [approveRenewal(token, a), approveRenewal(token, c)]);
    expect(r.status.state).toBe('active');
    expect(r.status.expiresAt).toBe(r.status.capAt - 0 - (r.status.capAt - r.status.expiresAt));
    expect(r.status.expiresAt).toBeLessThanOrEqual(r.status.capAt);
    await engine.close();
  });
});

describe('TemporalEngine: §1.1 messages', () => {
  it('accepts controller-signed status/renew/shutdown and refuses replays, other keys and dead leases', async () => {
    const controller = mldsa.keygen();
    const clock = new ManualClock();
    const engine = await TemporalEngine.open({ clock, checkpointIntervalMs: 0 });
    const { systemId: id } = await engine.register({
      policy: SHORT,
      controllerKey: controller.publicKey,
      approvers: { threshold: 2, publicKeys: keys.map((k) => k.publicKey) },
    });
    const msg = (
      operation: 'status' | 'renew' | 'shutdown' | 'register',
      key = controller.secretKey,
      dt = 0,
    ) => {
      const now = engine.status(id).now + dt;
      return signMessage(
        { systemId: id, operation, timestampMs: now, expirationMs: now + 50_000 },
        key,
        mldsa,
      );
    };
    const status = msg('status');
    expect((await engine.receive(JSON.stringify(status))).status.state).toBe('active');
    await expectRefused('REPLAYED_MESSAGE', engine.receive(status));
    await expectRefused('BAD_SIGNATURE', engine.receive(msg('status', a.secretKey, 1)));
    await expectRefused('UNKNOWN_OPERATION', engine.receive(msg('register', controller.secretKey, 2)));
    clock.advance(30_000);
    const renew = await engine.receive(msg('renew'));
    // The renewal asked for by the message ends no later than the message's expiration.
    expect(Date.parse(renew.token?.new_expiration ?? '')).toBe(engine.status(id).now + 50_000);
    const done = await engine.renew(id, [
      approveRenewal(renew.token as RenewalToken, a),
      approveRenewal(renew.token as RenewalToken, b),
    ]);
    expect(done.status.sequence).toBe(2);
    // Same timestamp as the renew message: a replay, even for another operation.
    await expectRefused('REPLAYED_MESSAGE', engine.receive(msg('shutdown')));
    expect((await engine.receive(msg('shutdown', controller.secretKey, 1))).status.state).toBe('shutdown');
    await expectRefused('SHUT_DOWN', engine.receive(msg('renew', controller.secretKey, 2)));
    // A system registered without a controller key accepts no messages.
    const { systemId: mute } = await engine.register({
      policy: SHORT,
      approvers: { threshold: 1, publicKeys: [a.publicKey] },
    });
    const now = engine.status(mute).now;
    await expectRefused(
      'BAD_SIGNATURE',
      engine.receive(
        signMessage(
          { systemId: mute, operation: 'status', timestampMs: now, expirationMs: now + 1000 },
          controller.secretKey,
          mldsa,
        ),
      ),
    );
    await engine.close();
  });

  it('attest() issues a §1.1 message verifiable offline with the authority key', async () => {
    const { engine, id } = await setup();
    const m = engine.attest(id);
    const v = verifyMessage(m, {
      publicKey: engine.authorityPublicKey,
      alg: noble.signature('ML-DSA-65'),
      now: engine.status(id).now,
    });
    expect(v.expirationMs).toBe(engine.status(id).expiresAt);
    await engine.close();
  });
});

describe('TemporalEngine: options', () => {
  it('refuses bad options before opening the store, so its lock is not left behind', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qsafp-engine-'));
    for (const bad of [
      { renewalTokenTtl: 0 },
      { renewalTokenTtl: 86_401 },
      { checkpointIntervalMs: -1 },
      { checkpointIntervalMs: 0.5 },
      { syncIntervalMs: Number.NaN },
      { maxSkewMs: -5 },
      { authority: { publicKey: 'x', secretKey: 'y' } },
    ]) {
      await expectRefused(
        'INVALID_ARGUMENT',
        TemporalEngine.open({ ...(bad as object), store: new FileJournalStore({ dir }) }),
      );
    }
    const engine = await TemporalEngine.open({
      store: new FileJournalStore({ dir }),
      checkpointIntervalMs: 0,
    });
    // sync() on a single-process journal is a no-op refresh, not an error.
    await engine.sync();
    await engine.close();
  });
});

describe('TemporalEngine: restarts', () => {
  it('keeps every lease and the expiry across a restart on the file journal, with the wall clock set back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qsafp-engine-'));
    const clock = new ManualClock();
    const open = () =>
      TemporalEngine.open({ clock, store: new FileJournalStore({ dir }), checkpointIntervalMs: 1000 });
    let engine = await open();
    const { systemId: id } = await engine.register({
      policy: SHORT,
      approvers: { threshold: 2, publicKeys: keys.map((k) => k.publicKey) },
    });
    const { expiresAt } = engine.status(id);
    clock.advance(50_000);
    expect(engine.check(id)).toBe('warning');
    await engine.close();
    clock.restart();
    clock.jumpWall(-7 * 86_400_000);
    engine = await open();
    const s = engine.status(id);
    expect(s.expiresAt).toBe(expiresAt);
    expect(s.now).toBeGreaterThanOrEqual(expiresAt - 10_000);
    expect(s.state).toBe('warning');
    clock.advance(20_000);
    await expectRefused('EXPIRED', () => engine.check(id));
    await engine.close();
  });

  it('a process killed between checkpoints restarts at or after every time it handed out (the reserve)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qsafp-engine-'));
    const clock = new ManualClock();
    const open = () =>
      TemporalEngine.open({ clock, store: new FileJournalStore({ dir }), checkpointIntervalMs: 1000 });
    const engine = await open();
    const { systemId: id } = await engine.register({
      policy: SHORT,
      approvers: { threshold: 2, publicKeys: keys.map((k) => k.publicKey) },
    });
    // Time passes in steps no longer than the checkpoint interval, the timer's job done by hand.
    for (let i = 0; i < 30; i++) {
      clock.advance(1000);
      await engine.checkpoint();
    }
    // Most of an interval after the last checkpoint, a guard reads the time; then kill -9.
    clock.advance(999);
    engine.check(id);
    const seen = engine.status(id).now;
    const image = readFileSync(join(dir, 'journal.qsafp'));
    await engine.store.close();
    writeFileSync(join(dir, 'journal.qsafp'), image);
    clock.restart();
    clock.jumpWall(-86_400_000);
    const again = await open();
    expect(again.status(id).now).toBeGreaterThanOrEqual(seen);
    await again.close();
  });
});

function fakeToken(id: string): RenewalToken {
  return {
    type: 'qsafp/1.0 renewal-token',
    system_id: id,
    sequence: 1,
    nonce: Buffer.alloc(16).toString('base64'),
    issued_at: '2030-01-01T00:00:00.000Z',
    expires_at: '2030-01-01T00:10:00.000Z',
    new_expiration: '2030-01-01T00:10:00.000Z',
  };
}

function crossContext(token: RenewalToken, key: { secretKey: Uint8Array }): string {
  const bytes = new TextEncoder().encode(JSON.stringify(Object.fromEntries(Object.entries(token).sort())));
  return Buffer.from(
    mldsa.sign(bytes, key.secretKey, { context: new TextEncoder().encode('qsafp/1.0 message') }),
  ).toString('base64');
}
