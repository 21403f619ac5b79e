// The root entry must run in a browser (the verification page calls verify()
// there), so nothing reachable from src/index.ts may import a node: builtin
// or a package outside this list of runtime-neutral dependencies. The Node
// parts live behind `@qsp/contract/node`.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const NEUTRAL = new Set([
  '@qsp/crypto-suite',
  'ajv/dist/2020.js',
  'canonicalize',
  'semver',
  'lossless-json',
  '@noble/hashes/utils.js',
]);
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function graph(entry: string): { files: Set<string>; external: Set<string> } {
  const files = new Set<string>();
  const external = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(IMPORT)) {
      const spec = (m[1] ?? m[2])!;
      if (spec.startsWith('.')) {
        if (spec.endsWith('.json')) continue;
        visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      } else external.add(spec);
    }
  };
  visit(entry);
  return { files, external };
}

describe('the root entry is browser-safe', () => {
  const { files, external } = graph(join(src, 'index.ts'));

  it('reaches no node: builtin and only runtime-neutral packages', () => {
    expect(files.size).toBeGreaterThan(10);
    for (const spec of external) expect(NEUTRAL.has(spec), `${spec} imported from the root entry`).toBe(true);
  });

  it('uses no Node globals', () => {
    for (const file of files) {
      const code = readFileSync(file, 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      expect(/\b(Buffer|process|require|__dirname)\b/.test(code), file).toBe(false);
    }
  });

  it('does not reach the Node-only modules', () => {
    for (const name of ['fs.ts', 'cli.ts', 'bin.ts', 'node.ts'])
      expect(files.has(join(src, name)), name).toBe(false);
  });

  it('the ./node entry is where the file system lives', () => {
    expect(graph(join(src, 'node.ts')).external).toContain('node:fs/promises');
  });
});
