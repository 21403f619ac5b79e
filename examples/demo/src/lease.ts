// The temporal lease guarding the whole pipeline (@qsafp/temporal): every
// step runs through the lease's guard, so if the lease lapsed mid-run the
// remaining steps would be refused instead of run. At the end the lease is
// shut down and a further call is refused, which the demo shows.

import { TemporalBoundary, TemporalEngine, TemporalError } from '@qsafp/temporal';
import { noble } from '@qsp/crypto-suite';

export interface PipelineLease {
  readonly systemId: string;
  guard<T>(fn: () => Promise<T>): Promise<T>;
  /** Ends the lease for good and proves a further guarded call is refused. */
  finish(log: (line: string) => void): Promise<void>;
}

export async function openPipelineLease(log: (line: string) => void): Promise<PipelineLease> {
  const approver = noble.signature('ML-DSA-65').keygen();
  const engine = await TemporalEngine.open();
  // Seconds: ten minutes for the whole run, warned in its last minute, no grace.
  const lease = await engine.register({
    policy: { initial_period: 600, warning_phase: 60, grace_period: 0, maximum_extension: 600 },
    approvers: { threshold: 1, publicKeys: [approver.publicKey] },
  });
  const boundary = new TemporalBoundary(engine, lease.systemId);
  const status = engine.status(lease.systemId);
  log(`lease ${lease.systemId}: ${status.state} until ${new Date(status.expiresAt).toISOString()}`);
  return {
    systemId: lease.systemId,
    guard: (fn) => boundary.guard(fn)(),
    async finish(finishLog) {
      await engine.shutdown(lease.systemId, 'pipeline finished');
      try {
        await boundary.guard(async () => 'ran')();
        throw new Error('a guarded call ran after the lease was shut down');
      } catch (error) {
        if (!(error instanceof TemporalError)) throw error;
        finishLog(`lease shut down: one more guarded call refused with ${error.code}`);
      } finally {
        await engine.close();
      }
    },
  };
}
