// README examples are part of the API contract: each ```ts block in a
// package README is written out next to the package (so its imports resolve
// exactly as a user's would through the workspace) and imported by the test.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface ReadmeExample {
  /** e.g. "README.md example 2 (line 40)" */
  readonly name: string;
  readonly code: string;
  /** Imports the example as a module; resolves when its top-level code has finished. */
  run(): Promise<unknown>;
}

const FENCE = /^```(ts|typescript)\s*$/;

/**
 * The runnable TypeScript blocks of a README. A block whose fence line is
 * followed by `// no-run` (a fragment, not a program) is left out.
 */
export function readmeExamples(readme: URL | string): ReadmeExample[] {
  const path = typeof readme === 'string' ? readme : fileURLToPath(readme);
  const lines = readFileSync(path, 'utf8').split('\n');
  const pkgDir = dirname(path);
  const examples: ReadmeExample[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!FENCE.test(lines[i]!)) continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !lines[end]!.startsWith('```')) end++;
    const code = lines.slice(start, end).join('\n');
    i = end;
    if (code.trimStart().startsWith('// no-run')) continue;
    const index = examples.length + 1;
    const file = join(pkgDir, 'node_modules', '.readme-examples', `example-${index}.ts`);
    examples.push({
      name: `README.md example ${index} (line ${start})`,
      code,
      run: async () => {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, `${code}\nexport {};\n`);
        return import(/* @vite-ignore */ `${file}?t=${Date.now()}`);
      },
    });
  }
  return examples;
}

/** Path of the project's shared test vectors, or undefined when this clone has none (a user's clone). */
export function sharedVectorsDir(): string | undefined {
  const dir = process.env.QSP_SHARED_DIR;
  if (!dir) return undefined;
  const vectors = join(dir, 'vectors');
  return existsSync(vectors) ? vectors : undefined;
}

/** Reads a JSON file from shared/vectors, or undefined when the folder is absent. */
export function readSharedVector<T = unknown>(relative: string): T | undefined {
  const dir = sharedVectorsDir();
  if (!dir) return undefined;
  return JSON.parse(readFileSync(join(dir, relative), 'utf8')) as T;
}

/** The message tests print when they skip for want of ../shared. */
export const NO_SHARED_MESSAGE =
  'skipped: ../shared/vectors is not beside this clone (set QSP_SHARED_DIR to run the public-vector tests)';

export { type ImportGraph, importGraph } from './import-graph.js';
