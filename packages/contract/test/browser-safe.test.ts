// The root entry must run in a browser (the verification page calls verify()
// there), so nothing reachable from src/index.ts may import a node: builtin
// or a package outside this list of runtime-neutral dependencies. The Node
// parts live behind `@qsp/contract/node`.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { importGraph } from '@qsp/test-kit';
import { browserSafeSuite } from '@qsp/test-kit/vitest';
import { expect, it } from 'vitest';

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
browserSafeSuite({
  entry: join(src, 'index.ts'),
  neutral: [
    '@qsp/crypto-suite',
    // The helpers ajv's standalone code imports (src/generated/validators.js).
    'ajv/dist/runtime/',
    'canonicalize',
    'semver',
    'lossless-json',
    '@noble/hashes/utils.js',
  ],
  nodeOnly: ['fs.ts', 'cli.ts', 'bin.ts', 'node.ts'].map((name) => join(src, name)),
});

it('the ./node entry is where the file system lives', () => {
  expect(importGraph(join(src, 'node.ts')).external).toContain('node:fs/promises');
});
