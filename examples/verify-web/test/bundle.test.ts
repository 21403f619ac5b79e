// The page's CSP allows no eval. The packages validate with ajv standalone
// code generated ahead of time; this holds the built page to it: the
// validators are in, ajv's compiler (which runs `new Function`) is not.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { builtPage } from './fixtures.js';

let code: string;

beforeAll(async () => {
  const assets = join(await builtPage(), 'assets');
  const scripts = readdirSync(assets).filter((f) => f.endsWith('.js'));
  expect(scripts).toHaveLength(1);
  code = readFileSync(join(assets, scripts[0]!), 'utf8');
});

describe('the built page', () => {
  it('contains no eval and no new Function', () => {
    expect(code).not.toMatch(/\bnew Function\b|\beval\s*\(|\bFunction\s*\(/);
  });

  it("carries the packages' precompiled validators, not ajv's compiler", () => {
    expect(code).toContain('must have required property');
    expect(code).not.toContain('Error compiling schema');
    expect(code).not.toContain('strict mode:');
  });
});
