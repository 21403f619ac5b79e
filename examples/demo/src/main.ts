// `npm run demo`: one narrated run across the packages, in pipeline order.
// Each step hands its outputs to the next through the DemoContext; the exit
// code is non-zero if any step fails.
import { type DemoContext, newContext } from './context.js';
import { run as dqsn } from './steps/dqsn.js';
import { run as wire } from './steps/wire.js';
import { bold, cyan, green, red, stepLogger } from './ui.js';

interface Step {
  readonly title: string;
  readonly run: (log: (line: string) => void, context: DemoContext) => Promise<void>;
}

const steps: Step[] = [
  { title: '@qsp/wire: frames on a byte stream', run: wire },
  { title: "@qsp/dqsn: the steps' signals aggregated under Shield Contract v3", run: dqsn },
];

const context = newContext();
let failed = 0;
process.stdout.write(bold('QSP toolkit demo\n'));
for (const [i, step] of steps.entries()) {
  process.stdout.write(`\n${cyan(`[${i + 1}/${steps.length}]`)} ${bold(step.title)}\n`);
  const started = performance.now();
  try {
    await step.run(stepLogger('│'), context);
    process.stdout.write(`  ${green('✓ ok')} (${Math.round(performance.now() - started)} ms)\n`);
  } catch (error) {
    failed++;
    process.stdout.write(
      `  ${red('✗ failed:')} ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
}
process.stdout.write(
  `\n${failed === 0 ? green(bold('all steps passed')) : red(bold(`${failed} step(s) failed`))}\n`,
);
process.exitCode = failed === 0 ? 0 : 1;
