import { describe, expect, it } from 'vitest';
import { main } from '../src/main.js';
import { BigramModel } from '../src/model.js';

describe('temporal-guard example', () => {
  it('the model answers from its corpus', () => {
    const model = new BigramModel(['a b c', 'a b d', 'a x']);
    expect(model.predict('a')).toBe('b');
    expect(model.predict('zzz')).toBeUndefined();
  });

  it('guards the model: renewal needs 2 of 3, a stream is cut at expiry, a restart stays expired', async () => {
    const events = await main(() => {});
    expect(events[1]).toMatch(/^predict\("the"\) -> /);
    expect(events[2]).toMatch(/refused: /);
    expect(events[3]).toMatch(/^renewed with 2 of 3 approvals/);
    expect(events[4]).toMatch(/^generation cut after \d+ words: (EXPIRED|SHUT_DOWN)/);
    expect(events[5]).toMatch(/refused: EXPIRED/);
    expect(events[6]).toMatch(/refused \(EXPIRED\)/);
  });
});
