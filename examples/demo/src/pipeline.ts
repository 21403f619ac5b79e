// The demo's pipeline: one narrated run across the packages, as one pipeline.
// A QKD key source feeds the session; the session's outcome becomes a product
// contract; the run's outputs become a signed evidence bundle; every step's
// verdict is aggregated by DQSN; a temporal lease guards the whole run.
// Each step hands its outputs on through the DemoContext.
import { type DemoContext, newContext } from './context.js';
import { openPipelineLease } from './lease.js';
import { run as contract } from './steps/contract.js';
import { run as cryptoSuite } from './steps/crypto-suite.js';
import { run as dqsn } from './steps/dqsn.js';
import { run as evidence } from './steps/evidence.js';
import { run as session } from './steps/session.js';
import { run as temporal } from './steps/temporal.js';
import { run as wire } from './steps/wire.js';
import { bold, cyan, dim, green, red, stepLogger, type Write } from './ui.js';

interface Step {
  readonly title: string;
  readonly run: (log: (line: string) => void, context: DemoContext) => Promise<void>;
}

const steps: Step[] = [
  { title: '@qsp/wire: frames on a byte stream', run: wire },
  { title: '@qsp/crypto-suite: a hybrid key from X-Wing, BB84 and ETSI GS QKD 014', run: cryptoSuite },
  { title: '@qsp/session: handshake with the QKD key mixed in, data, two rekeys, close', run: session },
  { title: "@qsp/contract: a product contract built from the session's outcome", run: contract },
  { title: "@qsp/evidence: the run's outputs in a signed, stored, verified bundle", run: evidence },
  { title: "@qsp/dqsn: the steps' signals aggregated under Shield Contract v3", run: dqsn },
  { title: '@qsafp/temporal: a lease that lapses, on an injected clock', run: temporal },
];

/** Runs every step in order, narrating through `write`; resolves to the failure count and what the steps handed on. */
export async function runDemo(write: Write): Promise<{ failed: number; context: DemoContext }> {
  const context = newContext();
  const log = stepLogger('│', write);
  let failed = 0;
  const fail = (error: unknown) => {
    failed++;
    write(
      `  ${red('✗ failed:')} ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  };

  write(bold('QSP toolkit demo\n'));
  write(`\n${cyan('[lease]')} ${bold('@qsafp/temporal: a lease guards the whole pipeline')}\n`);
  const lease = await openPipelineLease(log);
  for (const [i, step] of steps.entries()) {
    write(`\n${cyan(`[${i + 1}/${steps.length}]`)} ${bold(step.title)}\n`);
    const started = performance.now();
    try {
      await lease.guard(() => step.run(log, context));
      write(`  ${green('✓ ok')} ${dim(`(${Math.round(performance.now() - started)} ms)`)}\n`);
    } catch (error) {
      fail(error);
    }
  }
  write(`\n${cyan('[lease]')} ${bold('end of the run')}\n`);
  try {
    await lease.finish(log);
  } catch (error) {
    fail(error);
  }
  write(`\n${failed === 0 ? green(bold('all steps passed')) : red(bold(`${failed} step(s) failed`))}\n`);
  return { failed, context };
}
