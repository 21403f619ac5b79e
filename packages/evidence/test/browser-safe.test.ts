// The root entry must run in a browser (examples/verify-web calls verify()
// there with the noble engine), so nothing reachable from src/index.ts may
// import a node: builtin, a database driver or a package outside this list
// of runtime-neutral dependencies. Files, stores and HTTP live in subpaths.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importGraph } from '@qsp/test-kit';
import { browserSafeSuite } from '@qsp/test-kit/vitest';
import { describe, expect, it } from 'vitest';

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const { files } = browserSafeSuite({
  entry: join(src, 'index.ts'),
  neutral: [
    '@qsp/crypto-suite',
    // The helpers ajv's standalone code imports (src/generated/validators.js).
    'ajv/dist/runtime/',
    'canonicalize',
    '@noble/hashes/utils.js',
  ],
  nodeOnly: ['node.ts', 'cli.ts', 'bin.ts', 'store.ts', 'http.ts'].map((name) => join(src, name)),
});

describe('the Node-only parts', () => {
  it('nothing under src/store/ is reachable from the root entry', () => {
    for (const file of files) expect(file.includes(`${join(src, 'store')}/`), file).toBe(false);
  });

  it('the Node-only entries are where files and databases live', () => {
    expect(importGraph(join(src, 'node.ts')).external).toContain('node:fs');
    const store = importGraph(join(src, 'store.ts')).external;
    expect(store).toContain('pg');
    expect(store).toContain('@electric-sql/pglite');
  });
});
