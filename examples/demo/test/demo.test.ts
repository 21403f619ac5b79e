import { describe, expect, it } from 'vitest';
import { newContext } from '../src/context.js';
import { run as dqsn } from '../src/steps/dqsn.js';
import { run as wire } from '../src/steps/wire.js';

describe('demo steps', () => {
  it('wire step runs and narrates', async () => {
    const lines: string[] = [];
    await wire((l) => lines.push(l));
    expect(lines.some((l) => l.includes('PAYLOAD_TOO_LARGE'))).toBe(true);
  });

  it('dqsn step aggregates the signals the earlier steps emitted', async () => {
    const context = newContext();
    context.signals.push(
      { step: 'session', decision: 'ALLOW', score: 0.05, reason: 'handshake verified' },
      { step: 'evidence', decision: 'BLOCK', score: 0.9, reason: 'artifact hash mismatch' },
    );
    const lines: string[] = [];
    await dqsn((l) => lines.push(l), context);
    expect(lines.some((l) => l.includes('aggregate of 2 signals: BLOCK'))).toBe(true);
  });
});
