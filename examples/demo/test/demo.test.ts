import { describe, expect, it } from 'vitest';
import { newContext } from '../src/context.js';
import { runDemo } from '../src/pipeline.js';
import { run as dqsn } from '../src/steps/dqsn.js';

describe('the demo', () => {
  it('runs the whole pipeline with every step passing, handing outputs from step to step', async () => {
    let out = '';
    const failed = await runDemo((text) => {
      out += text;
    });
    expect(out).not.toContain('✗ failed');
    expect(failed).toBe(0);
    // The session mixed the crypto step's QKD link, and the contract was built from that session.
    const qkd = /QKD key (\S+) from BB84 link/.exec(out);
    expect(qkd).not.toBeNull();
    const session = /handshake: suite \S+, session ([0-9a-f]+)/.exec(out);
    expect(out).toContain(`session qsp-session-${session?.[1]}:`);
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
});
