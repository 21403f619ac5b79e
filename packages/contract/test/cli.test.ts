import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bytesToHex } from '@noble/hashes/utils.js';
import { describe, expect, it } from 'vitest';
import { attestDimension, DIMENSIONS } from '../src/index.js';
import { main } from '../src/node.js';
import { fixture, sampleInput, signer } from './helpers.js';

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(
    args,
    (s) => out.push(s),
    (s) => err.push(s),
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('qsp-contract CLI', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qsp-contract-cli-'));

  it('verifies the stage286 reference: human output, --json, exit 0', async () => {
    const ref = fixture('stage286/qsp_product_contract.json').pathname;
    const human = await run('verify', ref);
    expect(human.code).toBe(0);
    expect(human.out).toMatch(/PASS {2}file_sha256/);
    expect(human.out).toMatch(/verdict: PASS/);
    const json = await run('verify', ref, '--json', '--pin', '^1.0');
    expect(JSON.parse(json.out)).toMatchObject({ ok: true, failed: [], digest_rule: 'python-pretty' });
  });

  it('keygen, build with the pqc engine, verify with keys; a tampered copy exits 1', async () => {
    const signerPath = join(dir, 'signer.json');
    const keygen = await run('keygen', '--out', signerPath, '--algorithm', 'ML-DSA-44');
    expect(keygen.code).toBe(0);
    const signerDoc = JSON.parse(readFileSync(signerPath, 'utf8')) as {
      algorithm: 'ML-DSA-44';
      public_key: string;
      secret_key: string;
    };
    const keysPath = join(dir, 'keys.json');
    writeFileSync(keysPath, keygen.out.split('\n')[1]!);
    const s = {
      algorithm: signerDoc.algorithm,
      publicKey: Buffer.from(signerDoc.public_key, 'hex'),
      secretKey: Buffer.from(signerDoc.secret_key, 'hex'),
    };
    let input = sampleInput();
    for (const d of DIMENSIONS) input = attestDimension(input, d, s);
    const inputPath = join(dir, 'input.json');
    writeFileSync(inputPath, JSON.stringify(input));
    const out = join(dir, 'out');
    const built = await run(
      'build',
      '--input',
      inputPath,
      '--engine',
      'pqc',
      '--keys',
      keysPath,
      '--out',
      out,
      '--sign',
      signerPath,
    );
    expect(built.err).toBe('');
    expect(built.code).toBe(0);
    expect(built.out).toMatch(/decision: accept/);
    const contractPath = join(out, 'qsp_product_contract.json');
    expect((await run('verify', contractPath, '--keys', keysPath)).code).toBe(0);
    const tampered = join(dir, 'tampered.json');
    writeFileSync(
      tampered,
      readFileSync(contractPath, 'utf8').replace('"decision":"accept"', '"decision":"reject"'),
    );
    const bad = await run('verify', tampered, '--sha256', `${contractPath}.sha256`, '--json');
    expect(bad.code).toBe(1);
    expect(JSON.parse(bad.out).failed).toEqual([
      'public_status',
      'file_sha256',
      'execution_state',
      'contract_sha256',
      'signature',
    ]);
  });

  it('build exits 1 when the decision is not accept, and 2 on usage or I/O errors', async () => {
    const inputPath = join(dir, 'plain.json');
    writeFileSync(inputPath, JSON.stringify(sampleInput()));
    expect((await run('build', '--input', inputPath, '--engine', 'qkd', '--out', join(dir, 'q'))).code).toBe(
      1,
    );
    const keysPath = join(dir, 'hybrid-keys.json');
    writeFileSync(
      keysPath,
      JSON.stringify({ keys: [{ algorithm: 'ML-DSA-44', public_key: bytesToHex(signer('cli').publicKey) }] }),
    );
    const hybrid = await run(
      'build',
      '--input',
      inputPath,
      '--engine',
      'hybrid',
      '--keys',
      keysPath,
      '--out',
      join(dir, 'h'),
      '--json',
    );
    expect(hybrid.code).toBe(1);
    expect(JSON.parse(hybrid.out)).toMatchObject({ decision: 'reject', reason_code: 'EVIDENCE_MISSING' });
    expect((await run('build', '--input', inputPath, '--engine', 'hybrid')).code).toBe(2);
    expect(
      (await run('build', '--input', inputPath, '--engine', 'threshold', '--keys', keysPath, '--k', 'x'))
        .code,
    ).toBe(2);
    expect((await run('build', '--input', inputPath)).code).toBe(2);
    expect((await run('build', '--input', join(dir, 'missing.json'), '--engine', 'qkd')).code).toBe(2);
    expect((await run('verify', join(dir, 'missing.json'))).code).toBe(2);
    expect((await run('frobnicate')).code).toBe(2);
    expect((await run('verify', '--bogus')).code).toBe(2);
  });
});
