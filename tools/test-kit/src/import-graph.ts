// The modules a TypeScript entry reaches through static and dynamic imports,
// read from the sources: what a bundler would pull into a browser build.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export interface ImportGraph {
  /** Every source file reached, absolute paths. */
  readonly files: Set<string>;
  /** Their text, by path. */
  readonly sources: Map<string, string>;
  /** Bare and node: specifiers imported anywhere in the graph. */
  readonly external: Set<string>;
}

// `import type` / `export type` statements are skipped: compilers and bundlers erase them.
const IMPORT =
  /(?:^|\n)\s*(?:import|export)\b(?!\s+type\b)[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

export function importGraph(entry: string): ImportGraph {
  const graph: ImportGraph = { files: new Set(), sources: new Map(), external: new Set() };
  const visit = (file: string) => {
    if (graph.files.has(file)) return;
    graph.files.add(file);
    const text = readFileSync(file, 'utf8');
    graph.sources.set(file, text);
    for (const m of text.matchAll(IMPORT)) {
      const spec = (m[1] ?? m[2])!;
      if (!spec.startsWith('.')) graph.external.add(spec);
      else if (!spec.endsWith('.json')) {
        // A .ts source, or a generated .js module (with its .d.ts) kept among the sources.
        const js = resolve(dirname(file), spec);
        const ts = js.replace(/\.js$/, '.ts');
        visit(existsSync(ts) || !existsSync(js) ? ts : js);
      }
    }
  };
  visit(entry);
  return graph;
}
