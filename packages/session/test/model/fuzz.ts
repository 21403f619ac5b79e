// The model-based adversary at the seed's fuzz size (§10.3: --cases 300
// --steps 2000), outside the default test suite: `pnpm --filter @qsp/session fuzz`.
//   --cases N (default 300)  --steps N (default 2000)  --seed N (default: time-based, printed)
import { runModel } from './harness.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${name} must be a non-negative integer`);
  return value;
}

const cases = arg('cases', 300);
const steps = arg('steps', 2000);
const seed = arg('seed', Date.now() % 2 ** 31);
process.stdout.write(`session model fuzz: cases ${cases}, steps/case up to ${steps}, seed ${seed}\n`);
const started = performance.now();
runModel(cases, steps, seed, true);
process.stdout.write(`result: OK in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
