// A local model wrapped in a temporal lease (@qsafp/temporal): every method is
// guarded, a renewal needs 2 of 3 approvers, a generation still streaming when
// the lease ends is cut, and after expiry the model is never called again —
// not even by a restarted process, because the lease lives in a file journal.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { approveRenewal, TemporalBoundary, TemporalEngine, TemporalError } from '@qsafp/temporal';
import { FileJournalStore } from '@qsafp/temporal/file';
import { noble } from '@qsp/crypto-suite';
import { BigramModel } from './model.js';

const CORPUS = [
  'the lease guards the model',
  'the model answers while the lease is live',
  'the lease ends and the model stops',
];

function code(error: unknown): string {
  if (error instanceof TemporalError) return error.code;
  throw error;
}

/** Runs the whole story with the real clock in about three seconds; returns what happened, in order. */
export async function main(log: (line: string) => void = console.log): Promise<string[]> {
  const events: string[] = [];
  const note = (line: string) => {
    events.push(line);
    log(line);
  };
  const dir = mkdtempSync(join(tmpdir(), 'qsafp-guard-'));
  try {
    const mldsa = noble.signature('ML-DSA-65');
    const approvers = [mldsa.keygen(), mldsa.keygen(), mldsa.keygen()];
    let engine = await TemporalEngine.open({ store: new FileJournalStore({ dir }) });
    // Seconds: live 1.2 s, warned in the last 0.4 s, 0.3 s of grace, renewals may add 0.8 s in all.
    const lease = await engine.register({
      policy: { initial_period: 1.2, warning_phase: 0.4, grace_period: 0.3, maximum_extension: 0.8 },
      approvers: { threshold: 2, publicKeys: approvers.map((k) => k.publicKey) },
    });
    note(
      `registered lease ${lease.systemId} (2-of-3 approvers), state ${engine.status(lease.systemId).state}`,
    );

    let boundary = new TemporalBoundary(engine, lease.systemId);
    let model = boundary.wrapModel(new BigramModel(CORPUS));
    note(`predict("the") -> ${model.predict('the')}`);

    // One approval is not enough; two are.
    const token = await engine.initiateRenewal(lease.systemId);
    try {
      await engine.renew(lease.systemId, [approveRenewal(token, approvers[0]!)]);
      throw new Error('a renewal with one approval was accepted');
    } catch (error) {
      note(`renewal with 1 of 3 approvals refused: ${code(error)}`);
    }
    const renewed = await engine.renew(lease.systemId, [
      approveRenewal(token, approvers[0]!),
      approveRenewal(token, approvers[1]!),
    ]);
    note(`renewed with 2 of 3 approvals: +${renewed.grantedMs} ms, state ${renewed.status.state}`);

    // A long generation outlives the lease: it is cut mid-stream.
    const words: string[] = [];
    try {
      for await (const word of model.generate('the', 1000, 40)) words.push(word);
      throw new Error('the stream outlived the lease');
    } catch (error) {
      note(`generation cut after ${words.length} words: ${code(error)}`);
    }
    try {
      model.predict('the');
      throw new Error('the model answered after expiry');
    } catch (error) {
      note(`predict after expiry refused: ${code(error)}`);
    }

    // A restarted process reads the journal: the lease is still over.
    await engine.close();
    engine = await TemporalEngine.open({ store: new FileJournalStore({ dir }) });
    boundary = new TemporalBoundary(engine, lease.systemId);
    model = boundary.wrapModel(new BigramModel(CORPUS));
    try {
      model.predict('the');
      throw new Error('the model answered after a restart');
    } catch (error) {
      note(`after restart, state ${engine.status(lease.systemId).state}: predict refused (${code(error)})`);
    }
    await engine.close();
    return events;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
