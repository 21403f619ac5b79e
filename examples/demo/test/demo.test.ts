import { describe, expect, it } from 'vitest';
import { run as wire } from '../src/steps/wire.js';

describe('demo steps', () => {
  it('wire step runs and narrates', async () => {
    const lines: string[] = [];
    await wire((l) => lines.push(l));
    expect(lines.some((l) => l.includes('PAYLOAD_TOO_LARGE'))).toBe(true);
  });
});
