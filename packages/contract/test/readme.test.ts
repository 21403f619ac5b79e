import { readmeExamples } from '@qsp/test-kit';
import { describe, expect, it } from 'vitest';

describe('README examples', () => {
  const examples = readmeExamples(new URL('../README.md', import.meta.url));
  it('has at least one runnable example', () => {
    expect(examples.length).toBeGreaterThan(0);
  });
  for (const example of examples) {
    it(example.name, async () => {
      await example.run();
    });
  }
});
