import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../src/canonical.js';
import { aggregate } from '../src/index.js';
import { request, signal, text } from './fixtures.js';

const pkgDir = join(dirname(fileURLToPath(import.meta.url)), '..');

const REQUESTS = [
  text(request([signal('sentinel', 'ALLOW'), signal('adn', 'WARN'), signal('sentinel', 'ALLOW')])),
  text(
    request([signal('guardian', 'BLOCK', { evidence: { note: 'é😀\u2028', n: [0.1, 1e-7, 123456789] } })]),
  ),
  text(request([signal('oracle', 'ERROR')], { request_id: 'r-π' })),
  '{"contract_version":3,"component":"dqsn","request_id":"r","signals":[{"decision":"BLOCK","decision":"ALLOW"}]}',
  'not json',
  text(request([])),
];

describe('two processes, one configuration', () => {
  it('give byte-identical responses', () => {
    const dir = join(pkgDir, 'node_modules', '.dqsn-process-test');
    mkdirSync(dir, { recursive: true });
    const script = join(dir, 'child.ts');
    writeFileSync(
      script,
      `import { aggregate } from ${JSON.stringify(join(pkgDir, 'src', 'index.ts'))};
import { canonicalJson } from ${JSON.stringify(join(pkgDir, 'src', 'canonical.ts'))};
const requests: string[] = JSON.parse(process.argv[2] ?? '[]');
process.stdout.write(JSON.stringify(requests.map((r) => canonicalJson(aggregate(r, { maxSignals: 32 })))));
`,
    );
    const out = execFileSync(process.execPath, ['--import', 'tsx', script, JSON.stringify(REQUESTS)], {
      cwd: pkgDir,
      encoding: 'utf8',
      timeout: 60_000,
    });
    const theirs: string[] = JSON.parse(out);
    const ours = REQUESTS.map((r) => canonicalJson(aggregate(r, { maxSignals: 32 })));
    expect(theirs).toEqual(ours);
    // A different configuration is a different fingerprint, hence different bytes.
    expect(canonicalJson(aggregate(REQUESTS[0]!))).not.toBe(ours[0]);
  });
});
