import { describe, expect, it } from 'vitest';
import { newContext } from '../src/context.js';
import { runDemo } from '../src/pipeline.js';
import { run as dqsn } from '../src/steps/dqsn.js';

describe('the demo', () => {
  it('runs the whole pipeline with every step passing, handing outputs from step to step', async () => {
    let out = '';
    const { failed, context } = await runDemo((text) => {
      out += text;
    });
    expect(out).not.toContain('✗ failed');
    expect(failed).toBe(0);
    // The session mixed the crypto step's QKD link, and the contract was built from that session.
    expect(out).toMatch(/QKD key \S+ from BB84 link/);
    const session = /handshake: suite \S+, session ([0-9a-f]+)/.exec(out);
    expect(out).toContain(`session qsp-session-${session?.[1]}:`);

    // Contract step: built, verified, the reference verified, a tampered copy caught by three checks.
    expect(out).toMatch(/pqc engine: accept/);
    expect(out).toMatch(/Stage286 reference contract \(Python tools\): PASS/);
    expect(out).toMatch(/tampered copy: FAIL/);
    expect(out).toMatch(/✗ file_sha256/);
    expect(out).toMatch(/✗ contract_sha256/);
    expect(out).toMatch(/✗ signature/);

    // Evidence step: the earlier steps' files packed, stored in PGlite, verified, a flipped byte caught.
    expect(out).toMatch(/session-outcome\.json/);
    expect(out).toMatch(/stored in PGlite: job job_bell_0001 is BundleSigned/);
    expect(out).toMatch(/verify: VALID/);
    expect(out).toMatch(/job is now BundleVerified/);
    expect(out).toMatch(/flipped one byte of results\.json: INVALID/);
    expect(out).toMatch(/✗ artifact_hash results\.json/);
    expect(out).toMatch(/audit log: \d+ hash-chained rows verify/);
    expect(context.artifacts.map((a) => a.name)).toContain('evidence_bundle.json');
    expect(context.signals).toContainEqual(expect.objectContaining({ step: 'evidence', decision: 'ALLOW' }));

    expect(out).toMatch(/aggregate of \d+ signals: ALLOW/);
    expect(out).toContain('lease shut down: one more guarded call refused with SHUT_DOWN');
  });

  it('dqsn step: one BLOCK among the steps makes the aggregate BLOCK', async () => {
    const context = newContext();
    context.signals.push(
      { step: 'session', decision: 'ALLOW', score: 0.05, code: 'HANDSHAKE_OK', reason: 'handshake verified' },
      {
        step: 'evidence',
        decision: 'BLOCK',
        score: 0.9,
        code: 'HASH_MISMATCH',
        reason: 'artifact hash mismatch',
      },
    );
    const lines: string[] = [];
    await dqsn((l) => lines.push(l), context);
    expect(lines.some((l) => l.includes('aggregate of 2 signals: BLOCK'))).toBe(true);
  });

  it('a step that needs an earlier step refuses to run without it', async () => {
    await expect(dqsn(() => {}, newContext())).rejects.toThrow(/no signals/);
  });
});
