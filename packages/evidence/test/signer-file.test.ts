import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateKey, isEvidenceError } from '../src/index.js';
import { readSignerFile, writeSignerFile } from '../src/node.js';

const dir = mkdtempSync(join(tmpdir(), 'qsp-signer-file-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
    return undefined;
  } catch (error) {
    return isEvidenceError(error) ? error.code : `not an EvidenceError: ${String(error)}`;
  }
}

describe('signer files', () => {
  it('round-trip, owner-only, never overwritten', async () => {
    const key = generateKey('ql_key_file_001');
    const path = join(dir, 'signer.json');
    await writeSignerFile(path, key);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await readSignerFile(path)).toEqual(key);
    await expect(writeSignerFile(path, generateKey('other'))).rejects.toThrow();
    expect((await readSignerFile(path)).keyId).toBe('ql_key_file_001');
  });

  it('refuses missing, malformed and foreign-algorithm files with stable codes', async () => {
    expect(await code(readSignerFile(join(dir, 'absent.json')))).toBe('ARTIFACT_READ_FAILED');
    const bad = (name: string, text: string) => {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    };
    expect(await code(readSignerFile(bad('a.json', '{"key_id": 1}')))).toBe('INVALID_ARGUMENT');
    expect(await code(readSignerFile(bad('b.json', 'not json')))).toBe('MALFORMED_JSON');
    const other = JSON.stringify({
      key_id: 'k',
      algorithm: 'ML-DSA-44',
      public_key: 'AA==',
      secret_key: 'AA==',
    });
    expect(await code(readSignerFile(bad('c.json', other)))).toBe('INVALID_ARGUMENT');
  });
});
