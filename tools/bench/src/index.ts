// Every benchmark in the repo measures its subject next to the baseline its
// issue names, in the same process, interleaved in rounds, and reports the
// ratio: absolute numbers on a shared 2-core machine mean little.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Bench } from 'tinybench';

export interface BenchCase {
  readonly name: string;
  readonly fn: () => unknown;
  /** Payload bytes processed by one call, for bytes/s. */
  readonly bytesPerOp?: number;
}

export interface Comparison {
  readonly name: string;
  readonly subject: BenchCase;
  readonly baseline: BenchCase;
  /** The target for subject/baseline (ops/s ratio); recorded, and flagged when missed. */
  readonly minRatio?: number;
  /** For targets where lower is better (e.g. guarded/unguarded overhead). */
  readonly maxRatio?: number;
  readonly note?: string;
}

export interface Measurement {
  readonly name: string;
  readonly ops_per_s: number;
  readonly bytes_per_s: number | null;
  readonly samples: number;
}

export interface ComparisonResult {
  readonly name: string;
  readonly subject: Measurement;
  readonly baseline: Measurement;
  readonly ratio: number;
  readonly min_ratio: number | null;
  readonly max_ratio: number | null;
  readonly meets_target: boolean;
  readonly note: string | null;
}

export interface SuiteOptions {
  /** Milliseconds per case per round. */
  readonly timeMs?: number;
  readonly rounds?: number;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Operations per second over the whole sample: runs / total time. Not
 * tinybench's `throughput.mean` (also its `hz`), which is the mean of each
 * run's own 1/latency: by Jensen's inequality that overstates the rate, and
 * by more the more a case's latencies spread (a case with occasional GC
 * pauses looks faster than one with steady latency at the same total time),
 * so ratios between two cases come out biased.
 */
export async function opsPerSecond(c: BenchCase, timeMs: number): Promise<{ ops: number; samples: number }> {
  const bench = new Bench({ time: timeMs, warmupTime: Math.min(100, timeMs / 4) });
  bench.add(c.name, c.fn);
  await bench.run();
  const task = bench.tasks[0]!;
  // `period` is tinybench's total time over runs (ms): its reciprocal is the rate over the whole sample.
  const result = task.result as unknown as { period?: number; error?: unknown };
  if (result?.error) throw result.error;
  const period = result.period ?? 0;
  if (task.runs === 0 || !(period > 0)) throw new Error(`${c.name}: no timed runs`);
  return { ops: 1000 / period, samples: task.runs };
}

function measurement(c: BenchCase, ops: number[], samples: number): Measurement {
  const opsPerS = median(ops);
  return {
    name: c.name,
    ops_per_s: Math.round(opsPerS * 100) / 100,
    bytes_per_s: c.bytesPerOp === undefined ? null : Math.round(opsPerS * c.bytesPerOp),
    samples,
  };
}

/** Measures each subject against its baseline, interleaved, and returns the results. */
export async function compare(comparisons: readonly Comparison[], options: SuiteOptions = {}) {
  const timeMs = options.timeMs ?? Number(process.env.QSP_BENCH_TIME_MS ?? 400);
  const rounds = options.rounds ?? Number(process.env.QSP_BENCH_ROUNDS ?? 5);
  const results: ComparisonResult[] = [];
  for (const cmp of comparisons) {
    const subjectOps: number[] = [];
    const baselineOps: number[] = [];
    let subjectSamples = 0;
    let baselineSamples = 0;
    for (let round = 0; round < rounds; round++) {
      // Alternate which runs first so drift (thermal, GC, neighbours) hits both sides.
      const order = round % 2 === 0 ? (['s', 'b'] as const) : (['b', 's'] as const);
      for (const side of order) {
        const c = side === 's' ? cmp.subject : cmp.baseline;
        const { ops, samples } = await opsPerSecond(c, timeMs);
        if (side === 's') {
          subjectOps.push(ops);
          subjectSamples += samples;
        } else {
          baselineOps.push(ops);
          baselineSamples += samples;
        }
      }
    }
    const subject = measurement(cmp.subject, subjectOps, subjectSamples);
    const baseline = measurement(cmp.baseline, baselineOps, baselineSamples);
    const ratio = baseline.ops_per_s > 0 ? subject.ops_per_s / baseline.ops_per_s : 0;
    const meets =
      (cmp.minRatio === undefined || ratio >= cmp.minRatio) &&
      (cmp.maxRatio === undefined || ratio <= cmp.maxRatio);
    results.push({
      name: cmp.name,
      subject,
      baseline,
      ratio: Math.round(ratio * 1000) / 1000,
      min_ratio: cmp.minRatio ?? null,
      max_ratio: cmp.maxRatio ?? null,
      meets_target: meets,
      note: cmp.note ?? null,
    });
    const target =
      cmp.minRatio !== undefined
        ? ` (target >= ${cmp.minRatio})`
        : cmp.maxRatio !== undefined
          ? ` (target <= ${cmp.maxRatio})`
          : '';
    process.stdout.write(
      `${meets ? 'ok  ' : 'MISS'} ${cmp.name}: ${fmt(subject)} vs ${fmt(baseline)} ratio ${ratio.toFixed(3)}${target}\n`,
    );
  }
  return results;
}

function fmt(m: Measurement): string {
  const bytes = m.bytes_per_s === null ? '' : ` ${(m.bytes_per_s / 2 ** 20).toFixed(1)} MiB/s`;
  return `${m.name} ${Math.round(m.ops_per_s).toLocaleString('en-US')} ops/s${bytes}`;
}

/** Writes `bench-results/<file>.json` at the repository root and returns its path. */
export function writeResults(file: string, data: Record<string, unknown>): string {
  const dir = process.env.QSP_BENCH_DIR ?? join(repoRoot, 'bench-results');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `${file}.json`);
  const doc = {
    ...data,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    date: new Date().toISOString(),
  };
  writeFileSync(path, `${JSON.stringify(doc, null, 2)}\n`);
  process.stdout.write(`wrote ${path}\n`);
  return path;
}

/** Runs comparisons and writes them under `package`'s name. */
export async function runSuite(pkg: string, comparisons: readonly Comparison[], options?: SuiteOptions) {
  const results = await compare(comparisons, options);
  writeResults(pkg.replace(/^@/, '').replace('/', '-'), { package: pkg, results });
  return results;
}
