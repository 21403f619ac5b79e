import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli.js';
import { JOB } from './fixtures.js';

let dir: string;
const p = (name: string) => join(dir, name);

async function run(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, {
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    progress: false,
    env: {},
  });
  return { code, out, err };
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'qsp-evidence-cli-'));
  const { bundle_id: _b, ...job } = JOB;
  await writeFile(p('job.json'), JSON.stringify(job));
  await writeFile(p('circuit.qasm'), 'OPENQASM 3.0;\nqubit[2] q;\nh q[0];\n');
  await writeFile(p('results.json'), '{"counts":{"00":507,"11":493}}');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('qsp-evidence CLI', () => {
  it('keygen writes a 0600 signer file and a registry entry, and never overwrites a key', async () => {
    const r = await run(
      'keygen',
      '--key-id',
      'cli_key',
      '--out',
      p('signer.json'),
      '--registry',
      p('keys.json'),
      '--json',
    );
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out).key).toMatchObject({
      key_id: 'cli_key',
      algorithm: 'ML-DSA-65',
      revoked_at: null,
    });
    expect((await stat(p('signer.json'))).mode & 0o777).toBe(0o600);
    const registry = JSON.parse(await readFile(p('keys.json'), 'utf8'));
    expect(registry.keys).toHaveLength(1);
    expect(Buffer.from(registry.keys[0].public_key, 'base64')).toHaveLength(1952);
    const again = await run('keygen', '--key-id', 'cli_key', '--out', p('signer.json'));
    expect(again.code).toBe(2);
  });

  it('pack then verify exits 0 with every check passing; --json is machine-readable', async () => {
    const packed = await run(
      'pack',
      '--job',
      p('job.json'),
      '--signer',
      p('signer.json'),
      '--out',
      p('bundle.json'),
      '--json',
      p('circuit.qasm'),
      p('results.json'),
    );
    expect(packed.code, packed.err).toBe(0);
    const summary = JSON.parse(packed.out);
    expect(summary.bundle_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(summary.artifacts.map((a: { name: string }) => a.name)).toEqual(['circuit.qasm', 'results.json']);
    const text = await run('verify', p('bundle.json'), '--keys', p('keys.json'), '--artifacts', dir);
    expect(text.code).toBe(0);
    expect(text.out).toMatch(/PASS signature_valid/);
    expect(text.out).toMatch(/PASS artifact_hash results\.json/);
    expect(text.out).toMatch(/VALID: every check passed/);
    const json = await run(
      'verify',
      p('bundle.json'),
      '--keys',
      p('keys.json'),
      '--artifacts',
      dir,
      '--json',
    );
    expect(JSON.parse(json.out)).toMatchObject({ valid: true, failed: [] });
  });

  it('a tampered artifact, a missing artifact and a revoked key each exit 1 naming the check', async () => {
    await writeFile(p('results.json'), '{"counts":{"00":508,"11":492}}');
    const tampered = await run(
      'verify',
      p('bundle.json'),
      '--keys',
      p('keys.json'),
      '--artifacts',
      dir,
      '--json',
    );
    expect(tampered.code).toBe(1);
    expect(JSON.parse(tampered.out).failed).toEqual(['artifact_hash:results.json']);
    await rm(p('results.json'));
    const missing = await run(
      'verify',
      p('bundle.json'),
      '--keys',
      p('keys.json'),
      '--artifacts',
      dir,
      '--json',
    );
    expect(JSON.parse(missing.out).failed).toEqual(['artifact_present:results.json']);
    await writeFile(p('results.json'), '{"counts":{"00":507,"11":493}}');
    const registry = JSON.parse(await readFile(p('keys.json'), 'utf8'));
    registry.keys[0].revoked_at = new Date().toISOString();
    await writeFile(p('revoked.json'), JSON.stringify(registry));
    const revoked = await run(
      'verify',
      p('bundle.json'),
      '--keys',
      p('revoked.json'),
      '--artifacts',
      dir,
      '--json',
    );
    expect(revoked.code).toBe(1);
    expect(JSON.parse(revoked.out).failed).toEqual(['key_not_revoked']);
  });

  it('a flipped byte in the bundle file exits 1', async () => {
    const bytes = await readFile(p('bundle.json'));
    bytes[bytes.indexOf('"job_xyz789"') + 5]! ^= 1;
    await writeFile(p('flipped.json'), bytes);
    const r = await run('verify', p('flipped.json'), '--keys', p('keys.json'), '--json');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.out).failed).toContain('signature_valid');
  });

  it('bad usage, malformed files and missing files exit 2 without a stack trace', async () => {
    expect((await run()).code).toBe(2);
    expect((await run('frobnicate')).code).toBe(2);
    expect((await run('verify', p('bundle.json'))).code).toBe(2);
    expect((await run('verify', p('bundle.json'), '--keys', p('nope.json'))).code).toBe(2);
    await writeFile(p('bad.json'), '{"keys": [');
    const bad = await run('verify', p('bundle.json'), '--keys', p('bad.json'), '--json');
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.out).error).toBe('MALFORMED_JSON');
    await writeFile(p('bad.json'), '{"keys": [{}]}');
    const shape = await run('verify', p('bundle.json'), '--keys', p('bad.json'), '--json');
    expect(JSON.parse(shape.out).error).toBe('INVALID_KEY_REGISTRY');
    const noFile = await run(
      'pack',
      '--job',
      p('job.json'),
      '--signer',
      p('signer.json'),
      '--out',
      p('x.json'),
      p('absent.bin'),
    );
    expect(noFile.code).toBe(2);
    expect(noFile.err).not.toMatch(/\n\s+at /);
    await expect(stat(p('x.json'))).rejects.toThrow();
  });

  it('draws a progress bar on stderr when asked', async () => {
    let err = '';
    const code = await main(
      [
        'pack',
        '--job',
        p('job.json'),
        '--signer',
        p('signer.json'),
        '--out',
        p('bundle2.json'),
        p('circuit.qasm'),
      ],
      {
        stdout: () => {},
        stderr: (t) => {
          err += t;
        },
        progress: true,
        env: {},
      },
    );
    expect(code).toBe(0);
    expect(err).toMatch(/\[#+\] 100%/);
  });
});
