// Suites every package runs the same way, registered with vitest. Kept out of
// the main entry so the helpers there never load vitest.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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
  /** Bare specifiers the root entry may import: runtime-neutral packages only; one ending in `/` allows every path under it. */
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
      for (const spec of graph.external) {
        const allowed = neutral.some((n) => (n.endsWith('/') ? spec.startsWith(n) : spec === n));
        expect(allowed, `${spec} imported from the root entry`).toBe(true);
      }
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

export interface PrecompiledValidatorsOptions {
  /** The package directory, with its ajv-standalone.json (see scripts/ajv-standalone.mjs). */
  readonly packageDir: string;
  /**
   * Module code that exercises every validator through the package's public API;
   * `entry` is the package's src/index.ts, imported. It must print something and exit cleanly.
   */
  readonly exercise: string;
  /**
   * A valid document for every export in ajv-standalone.json: the generated
   * code must give ajv's own verdict and errors on it and on each one-step
   * mutation of it.
   */
  readonly samples: () => Promise<Record<string, unknown>> | Record<string, unknown>;
}

/** The document, a few non-objects, and every variant with one member removed, nulled, retyped, or one added. */
export function mutations(doc: unknown): unknown[] {
  const out: unknown[] = [doc, null, [], 'x', 1];
  const at = (copy: unknown, path: readonly (string | number)[]) => {
    let parent = copy as Record<string, unknown>;
    for (const p of path) parent = parent[p] as Record<string, unknown>;
    return parent;
  };
  const walk = (path: (string | number)[], value: unknown) => {
    if (value === null || typeof value !== 'object') return;
    for (const key of Object.keys(value)) {
      const edits: ((parent: Record<string, unknown>) => void)[] = [
        (p) => {
          if (Array.isArray(p)) p.splice(Number(key), 1);
          else delete p[key];
        },
        (p) => {
          p[key] = null;
        },
        (p) => {
          p[key] = typeof p[key] === 'string' ? 7 : 'seven';
        },
      ];
      for (const edit of edits) {
        const copy = structuredClone(doc);
        edit(at(copy, path));
        out.push(copy);
      }
      walk([...path, Array.isArray(value) ? Number(key) : key], (value as Record<string, unknown>)[key]);
    }
    if (!Array.isArray(value)) {
      const copy = structuredClone(doc);
      at(copy, path).unexpected_member = true;
      out.push(copy);
    }
  };
  walk([], doc);
  return out;
}

type Validate = ((value: unknown) => boolean) & { errors?: unknown };

const generator = fileURLToPath(new URL('../../../scripts/ajv-standalone.mjs', import.meta.url));

/** Runs module code in a Node with code generation from strings disallowed (eval and `new Function` throw), as a CSP without 'unsafe-eval' does. */
function runWithoutEval(cwd: string, code: string) {
  return spawnSync(
    process.execPath,
    ['--disallow-code-generation-from-strings', '--import', 'tsx', '--input-type=module', '-e', code],
    { cwd, encoding: 'utf8', timeout: 60_000 },
  );
}

/**
 * The package validates with ajv standalone code generated ahead of time: the
 * committed module must be what the generator writes from the schemas today,
 * and the package's entry must run its validators with eval and `new Function`
 * disabled (an ajv compile at run time fails there).
 */
export function precompiledValidatorsSuite({
  packageDir,
  exercise,
  samples,
}: PrecompiledValidatorsOptions): void {
  describe('precompiled validators', () => {
    it("give ajv's own verdicts and errors (the same schemas compiled at run time) on every one-step mutation of the samples", async () => {
      const { compileSchemas } = (await import(pathToFileURL(generator).href)) as {
        compileSchemas(dir: string): {
          ajv: { getSchema(ref: string): Validate | undefined };
          refs: Record<string, string>;
          out: string;
        };
      };
      const { ajv, refs, out } = compileSchemas(packageDir);
      const generated = (await import(pathToFileURL(join(packageDir, out)).href)) as Record<string, Validate>;
      const docs = await samples();
      expect(Object.keys(docs).sort()).toEqual(Object.keys(refs).sort());
      let compared = 0;
      for (const [name, doc] of Object.entries(docs)) {
        const atRunTime = ajv.getSchema(refs[name]!)!;
        const shipped = generated[name]!;
        expect(shipped(doc), `${name}: the sample itself`).toBe(true);
        for (const m of mutations(doc)) {
          expect(shipped(m)).toBe(atRunTime(m));
          expect(shipped.errors ?? null).toEqual(atRunTime.errors ?? null);
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(100);
    });

    it('src/generated is up to date with the schemas (else run `pnpm generate:validators`)', () => {
      const r = spawnSync(process.execPath, [generator, '--check'], { cwd: packageDir, encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    });

    it('the harness refuses eval, as a strict CSP does', () => {
      const r = runWithoutEval(packageDir, "new Function('return 1')();");
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/EvalError: Code generation from strings disallowed/);
    });

    it('the entry validates with eval and new Function disabled', () => {
      const entry = JSON.stringify(pathToFileURL(join(packageDir, 'src', 'index.ts')).href);
      const r = runWithoutEval(packageDir, `const entry = await import(${entry});\n${exercise}`);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).not.toBe('');
    });
  });
}
