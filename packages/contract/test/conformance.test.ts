// Conformance cases on disk (test/fixtures/cases/<case>[_fail]/, written by
// generate.ts there): the contract file, its .sha256 file, optional trusted
// keys, and case.json saying why it must pass or fail and which checks fail.
// Other implementations of the verifier can run the same folders.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hexToBytes } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { type TrustedKey, verify } from '../src/index.js';
import { verifyFile } from '../src/node.js';

const root = new URL('./fixtures/cases/', import.meta.url).pathname;
const names = readdirSync(root, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);

interface CaseFile {
  why: string;
  options: { pin?: string };
  expect: { ok: boolean; failed: string[] };
}

function keysOf(dir: string): TrustedKey[] | undefined {
  try {
    const doc = JSON.parse(readFileSync(join(dir, 'keys.json'), 'utf8')) as {
      keys: { algorithm: TrustedKey['algorithm']; public_key: string }[];
    };
    return doc.keys.map((k) => ({ algorithm: k.algorithm, publicKey: hexToBytes(k.public_key) }));
  } catch {
    return undefined;
  }
}

describe('conformance cases', () => {
  it('has pass and fail cases', () => {
    expect(names.filter((n) => n.endsWith('_fail')).length).toBeGreaterThanOrEqual(10);
    expect(names.filter((n) => !n.endsWith('_fail')).length).toBeGreaterThanOrEqual(3);
  });

  for (const name of names) {
    it(name, async () => {
      const dir = join(root, name);
      const spec = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as CaseFile;
      expect(spec.expect.ok).toBe(!name.endsWith('_fail'));
      const keys = keysOf(dir);
      const options = { ...spec.options, ...(keys ? { keys } : {}) };
      const bytes = readFileSync(join(dir, 'qsp_product_contract.json'));
      const result = verify(bytes, {
        ...options,
        sha256File: readFileSync(join(dir, 'qsp_product_contract.json.sha256')),
      });
      expect({ ok: result.ok, failed: result.failed }, spec.why).toEqual(spec.expect);
      // The same through the file API, which finds the .sha256 beside the contract.
      const fromFile = await verifyFile(join(dir, 'qsp_product_contract.json'), options);
      expect(fromFile.failed).toEqual(spec.expect.failed);
    });
  }
});
