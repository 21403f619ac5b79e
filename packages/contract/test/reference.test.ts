// The Stage286 reference contract, produced by the seed's Python tools, must
// verify as it is: the packaged copy in every clone, and the ../shared copy
// when it is present.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NO_SHARED_MESSAGE, sharedVectorsDir } from '@qsp/test-kit';
import { describe, expect, it } from 'vitest';
import { pythonDigest, pythonPrettyJson, STAGE286_REFERENCE, verify } from '../src/index.js';
import { parsePreservingNumbers } from '../src/python-json.js';
import { readFixture } from './helpers.js';

const EMBEDDED = 'ee985b076cc137423b8b938e0f1631d81fa25d2b71629a27b58c52293fd98115';

function checkReference(bytes: Uint8Array | string, sha256File: string) {
  const result = verify(bytes, { sha256File, pin: '^1.0' });
  expect(result.failed).toEqual([]);
  expect(result.ok).toBe(true);
  expect(result.digestRule).toBe('python-pretty');
  const byId = Object.fromEntries(result.checks.map((c) => [c.id, c.status]));
  // The reference verifier's six checks, plus ours.
  for (const id of [
    'stage',
    'policy.fail_closed_required',
    'decision',
    'enforcement.fail_closed',
    'public_status',
    'file_sha256',
  ]) {
    expect(byId[id]).toBe('pass');
  }
  for (const id of ['parse', 'schema', 'spec_version', 'pin', 'execution_state', 'contract_sha256'])
    expect(byId[id]).toBe('pass');
  expect(byId.signature).toBe('skip');
}

describe('stage286 reference (packaged copy)', () => {
  const bytes = readFixture('stage286/qsp_product_contract.json');
  const sha = readFixture('stage286/qsp_product_contract.json.sha256').toString('utf8');

  it('stage286 reference verifies', () => checkReference(bytes, sha));

  it('the copy shipped in the package (STAGE286_REFERENCE) is the file, byte for byte', () => {
    expect(new TextEncoder().encode(STAGE286_REFERENCE.text)).toEqual(new Uint8Array(bytes));
    expect(STAGE286_REFERENCE.sha256File).toBe(sha);
    checkReference(new TextEncoder().encode(STAGE286_REFERENCE.text), STAGE286_REFERENCE.sha256File);
    checkReference(STAGE286_REFERENCE.text, STAGE286_REFERENCE.sha256File);
  });

  it('reproduces the Python file byte for byte, and the embedded digest', () => {
    const text = bytes.toString('utf8');
    expect(pythonPrettyJson(parsePreservingNumbers(text))).toBe(text);
    expect(pythonDigest(text)).toBe(EMBEDDED);
  });

  it('as a parsed object, fails only the checks that need its bytes, and says so', () => {
    const result = verify(JSON.parse(bytes.toString('utf8')) as object, { sha256File: sha });
    expect(result.failed).toEqual(['file_sha256', 'contract_sha256']);
    expect(result.checks.find((c) => c.id === 'contract_sha256')?.detail).toMatch(/needs the contract text/);
  });

  it('fails on every single-byte change, naming a check', () => {
    for (let i = 0; i < bytes.length; i++) {
      const copy = new Uint8Array(bytes);
      copy[i] = copy[i]! ^ 0x01;
      const result = verify(copy, { sha256File: sha });
      expect(result.ok, `byte ${i}`).toBe(false);
      expect(result.failed).toContain('file_sha256');
    }
  });

  it('a changed score fails the embedded digest even with a matching .sha256 file', () => {
    const text = bytes.toString('utf8').replace('"time_trust": 0.5', '"time_trust": 0.6');
    const result = verify(text);
    expect(result.failed).toEqual(['contract_sha256']);
  });

  it('1.0 written as 1 changes the reference digest (Python keeps floats floats)', () => {
    const text = bytes.toString('utf8').replace('"execution_trust": 1.0', '"execution_trust": 1');
    expect(verify(text).failed).toEqual(['contract_sha256']);
  });
});

describe.skipIf(!sharedVectorsDir())('stage286 reference (../shared copy)', () => {
  it('stage286 reference verifies', () => {
    const dir = join(sharedVectorsDir()!, 'contract', 'stage286');
    const bytes = readFileSync(join(dir, 'qsp_product_contract.json'));
    checkReference(bytes, readFileSync(join(dir, 'qsp_product_contract.json.sha256'), 'utf8'));
    expect(bytes.equals(readFixture('stage286/qsp_product_contract.json'))).toBe(true);
  });
});

if (!sharedVectorsDir()) console.log(NO_SHARED_MESSAGE);
