import { readmeExamples } from '@qsp/test-kit';
import { describe, expect, it } from 'vitest';

describe('README examples', () => {
  const examples = readmeExamples(new URL('../README.md', import.meta.url));
  it('has at least two runnable examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(2);
  });
  for (const example of examples) {
    it(example.name, async () => {
      await example.run();
    });
  }
});
