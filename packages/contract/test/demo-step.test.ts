// The end-to-end demo's contract step (examples/demo/src/steps/contract.ts)
// runs here too, so a change to the API that breaks it fails this package.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const step = new URL('../../../examples/demo/src/steps/contract.ts', import.meta.url);

describe.skipIf(!existsSync(step))('demo step', () => {
  it('builds, verifies, verifies the reference and shows a tampered copy failing', async () => {
    const { run } = (await import(/* @vite-ignore */ step.href)) as {
      run: (log: (line: string) => void) => Promise<void>;
    };
    const lines: string[] = [];
    await run((line) => lines.push(line));
    const text = lines.join('\n');
    expect(text).toMatch(/pqc engine: accept/);
    expect(text).toMatch(/Stage286 reference contract \(Python tools\): PASS/);
    expect(text).toMatch(/tampered copy: FAIL/);
    expect(text).toMatch(/✗ file_sha256/);
    expect(text).toMatch(/✗ contract_sha256/);
    expect(text).toMatch(/✗ signature/);
  });
});
