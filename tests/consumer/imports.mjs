// Every published entry point loads under Node's ESM loader, and under
// require() where this Node supports require(esm) (20.19+, 22.12+).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const entries = JSON.parse(readFileSync(new URL('./entries.json', import.meta.url), 'utf8'));
const require = createRequire(import.meta.url);
const [major, minor] = process.versions.node.split('.').map(Number);
const requireEsm = (major === 20 && minor >= 19) || (major === 22 && minor >= 12) || major >= 23;

for (const entry of entries) {
  // Data entries (a published JSON Schema) load as JSON modules.
  const json = entry.endsWith('.json');
  const esm = json ? await import(entry, { with: { type: 'json' } }) : await import(entry);
  const names = Object.keys(esm);
  if (names.length === 0) throw new Error(`${entry}: no exports under ESM`);
  if (requireEsm) {
    const cjs = require(entry);
    const missing = json
      ? typeof cjs === 'object' && cjs
        ? []
        : ['default']
      : names.filter((n) => !(n in cjs));
    if (missing.length) throw new Error(`${entry}: require() lacks ${missing.join(', ')}`);
  }
  console.log(`ok ${entry}: ${names.length} exports (ESM${requireEsm ? ' + require(esm)' : ''})`);
}
