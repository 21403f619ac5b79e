// The end-to-end demo's evidence step (examples/demo/src/steps/evidence.ts)
// runs here too, so a change to the API that breaks it fails this package.
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const step = new URL('../../../examples/demo/src/steps/evidence.ts', import.meta.url);

describe.skipIf(!existsSync(step))('demo step', () => {
  it('packs (with the earlier steps’ files), stores in PGlite, verifies, shows a flipped artifact byte failing', async () => {
    const { run } = (await import(/* @vite-ignore */ step.href)) as {
      run: (log: (line: string) => void, context?: unknown) => Promise<void>;
    };
    const context = {
      artifacts: [{ name: 'session_outcome.json', bytes: new TextEncoder().encode('{"epochs":3}') }],
      signals: [] as { step: string; decision: string }[],
    };
    const lines: string[] = [];
    await run((line) => lines.push(line), context);
    const text = lines.join('\n');
    expect(text).toMatch(/session_outcome\.json/);
    expect(text).toMatch(/stored in PGlite: job job_bell_0001 is BundleSigned/);
    expect(text).toMatch(/verify: VALID/);
    expect(text).toMatch(/job is now BundleVerified/);
    expect(text).toMatch(/flipped one byte of results\.json: INVALID/);
    expect(text).toMatch(/✗ artifact_hash results\.json/);
    expect(text).toMatch(/audit log: \d+ hash-chained rows verify/);
    expect(context.artifacts.map((a) => a.name)).toContain('evidence_bundle.json');
    expect(context.signals).toEqual([expect.objectContaining({ step: 'evidence', decision: 'ALLOW' })]);
  });
});
