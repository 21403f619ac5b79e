// Suites every package runs the same way, registered with vitest. Kept out of
// the main entry so the helpers there never load vitest.
import { describe, expect, it } from 'vitest';
import { type ImportGraph, importGraph } from './import-graph.js';
import { readmeExamples } from './index.js';

/** Runs every ```ts block of a README as a test; a README needs at least `minimum` runnable examples. */
export function readmeSuite(readme: URL, { minimum = 1, timeoutMs = 30_000 } = {}): void {
  describe('README examples', () => {
    const examples = readmeExamples(readme);
    it(`has at least ${minimum} runnable example(s)`, () => {
      expect(examples.length).toBeGreaterThanOrEqual(minimum);
    });
    for (const example of examples) it(example.name, () => example.run(), timeoutMs);
  });
}

export interface BrowserSafeOptions {
  /** The package's src/index.ts. */
  readonly entry: string;
  /** Bare specifiers the root entry may import: runtime-neutral packages only. */
  readonly neutral: readonly string[];
  /** src files that must stay unreachable from the root entry (Node-only code). */
  readonly nodeOnly: readonly string[];
}

/**
 * The root entry must run in a browser (examples/verify-web calls into it), so
 * nothing reachable from it may import a node: builtin, a package outside
 * `neutral`, or use a Node global.
 */
export function browserSafeSuite({ entry, neutral, nodeOnly }: BrowserSafeOptions): ImportGraph {
  const graph = importGraph(entry);
  describe('the root entry is browser-safe', () => {
    it('reaches no node: builtin and only runtime-neutral packages', () => {
      expect(graph.files.size).toBeGreaterThan(5);
      for (const spec of graph.external)
        expect(neutral, `${spec} imported from the root entry`).toContain(spec);
    });
    it('uses no Node globals', () => {
      for (const [file, code] of graph.sources) {
        const bare = code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
        expect(/\b(Buffer|process|require|__dirname)\b/.test(bare), file).toBe(false);
      }
    });
    it('does not reach the Node-only modules', () => {
      for (const file of nodeOnly) expect(graph.files.has(file), file).toBe(false);
    });
  });
  return graph;
}
