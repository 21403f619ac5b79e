// The root entry must run in a browser (examples/verify-web calls verify()
// there with the noble engine), so nothing reachable from src/index.ts may
// import a node: builtin, a database driver or a package outside this list
// of runtime-neutral dependencies. Files, stores and HTTP live in subpaths.
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const NEUTRAL = new Set(['@qsp/crypto-suite', 'ajv/dist/2020.js', 'canonicalize', '@noble/hashes/utils.js']);
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

function graph(entry: string): { files: Set<string>; external: Set<string> } {
  const files = new Set<string>();
  const external = new Set<string>();
  const visit = (file: string) => {
    if (files.has(file)) return;
    files.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const spec = (m[1] ?? m[2])!;
      if (spec.startsWith('.')) visit(resolve(dirname(file), spec.replace(/\.js$/, '.ts')));
      else external.add(spec);
    }
  };
  visit(entry);
  return { files, external };
}

describe('the root entry is browser-safe', () => {
  const { files, external } = graph(join(src, 'index.ts'));

  it('reaches no node: builtin, no database driver, only runtime-neutral packages', () => {
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
    for (const name of ['node.ts', 'cli.ts', 'bin.ts', 'store.ts', 'http.ts']) {
      expect(files.has(join(src, name)), name).toBe(false);
    }
    for (const file of files) expect(file.includes(`${join(src, 'store')}/`), file).toBe(false);
  });

  it('the Node-only entries are where files and databases live', () => {
    expect(graph(join(src, 'node.ts')).external).toContain('node:fs');
    const store = graph(join(src, 'store.ts')).external;
    expect(store).toContain('pg');
    expect(store).toContain('@electric-sql/pglite');
  });
});
