// @qsafp/temporal: a lease guarding a local model function. The clock is
// injected (ManualClock), so the demo moves through warning, grace, a 2-of-3
// renewal and expiry in milliseconds instead of sleeping.
import {
  approveRenewal,
  generateApproverKey,
  type LeaseStatus,
  ManualClock,
  TemporalBoundary,
  TemporalEngine,
  TemporalError,
} from '@qsafp/temporal';

export async function run(log: (line: string) => void): Promise<void> {
  const clock = new ManualClock();
  const engine = await TemporalEngine.open({ clock, checkpointIntervalMs: 0 });
  try {
    const approvers = [generateApproverKey(), generateApproverKey(), generateApproverKey()];
    const policy = { initial_period: 10, warning_phase: 4, grace_period: 3, maximum_extension: 20 };
    const reg = await engine.register({
      policy,
      approvers: { threshold: 2, publicKeys: approvers.map((k) => k.publicKey) },
    });
    const id = reg.systemId;
    const t0 = reg.registeredAt;
    const at = (s: LeaseStatus) => `t+${((s.now - t0) / 1000).toFixed(1)} s`;
    log(
      `registered ${id}: live 10 s, warning in the last 4 s, 3 s grace, cap 30 s; renewals need 2 of 3 ML-DSA-65 approvers`,
    );

    const boundary = new TemporalBoundary(engine, id);
    for (const type of ['warning', 'grace', 'expired'] as const) {
      boundary.on(type, (e) => log(`event: ${e.type} at ${at(e.status)}`));
    }
    let calls = 0;
    const model = boundary.guard((prompt: string) => {
      calls++;
      return `model says: ${prompt.split('').reverse().join('')}`;
    });

    const expect = (state: string) => {
      const s = engine.status(id);
      if (s.state !== state) throw new Error(`expected ${state}, lease is ${s.state} at ${at(s)}`);
      return s;
    };

    log(`${at(expect('active'))} active: ${model('hello')}`);
    clock.advance(7_000);
    log(`${at(engine.status(id))} ${model('still allowed')} (state ${expect('warning').state})`);
    clock.advance(4_000);
    log(`${at(engine.status(id))} ${model('last chance')} (state ${expect('grace').state})`);

    const token = await engine.initiateRenewal(id);
    log(`renewal token for sequence ${token.sequence}: new expiration ${token.new_expiration}`);
    const lone = [approveRenewal(token, approvers[0]!)];
    try {
      await engine.renew(id, lone);
      throw new Error('a single approval renewed the lease');
    } catch (error) {
      if (!(error instanceof TemporalError) || error.code !== 'INSUFFICIENT_APPROVALS') throw error;
      log(`1 of 3 approvals refused: ${error.code}`);
    }
    const renewed = await engine.renew(id, [
      approveRenewal(token, approvers[0]!),
      approveRenewal(token, approvers[2]!),
    ]);
    if (renewed.status.state !== 'active') throw new Error('renewal did not reactivate the lease');
    log(
      `2 of 3 approvals: renewed, granted ${renewed.grantedMs / 1000} s, state ${renewed.status.state}, sequence ${renewed.status.sequence}`,
    );

    clock.advance(renewed.grantedMs + 3_000);
    try {
      model('are you there?');
      throw new Error('the guarded call ran after expiry');
    } catch (error) {
      if (!(error instanceof TemporalError) || error.code !== 'EXPIRED') throw error;
      log(
        `${at(engine.status(id))} guarded call refused: ${error.code}; the model ran ${calls} times, never after expiry`,
      );
    }
    if (calls !== 3) throw new Error(`model ran ${calls} times`);

    clock.jumpWall(-3_600_000);
    clock.advance(1);
    if (engine.status(id).state !== 'expired')
      throw new Error('setting the wall clock back revived the lease');
    log('wall clock set back an hour: still expired (effective time never runs backwards)');
  } finally {
    await engine.close();
  }
}
