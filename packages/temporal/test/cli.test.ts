import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli-main.js';

const cli = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const packageDir = fileURLToPath(new URL('..', import.meta.url));

/**
 * Runs a command in-process through runCli (what the bin does), with
 * `--dir <cwd>/.qsafp`; relative .json/.key paths in args are taken from `cwd`.
 */
async function qsafp(args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const absolute = args.map((a) => (/^[a-z0-9.].*\.(json|key)$/.test(a) ? join(cwd, a) : a));
  const dirArgs = args[0] === 'frobnicate' ? [] : ['--dir', join(cwd, '.qsafp')];
  let stdout = '';
  let stderr = '';
  const code = await runCli([...absolute, ...dirArgs], {
    out: (line) => {
      stdout += `${line}\n`;
    },
    err: (line) => {
      stderr += `${line}\n`;
    },
  });
  return { code, stdout, stderr };
}

describe('qsafp CLI', () => {
  it('init, register, status, renew with 2-of-3 approvals, shutdown', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'qsafp-cli-'));
    const init = await qsafp(['init', '--ai-framework', 'pytorch', '--policy', 'standard'], cwd);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toContain('2-of-3 approvers');
    const config = JSON.parse(readFileSync(join(cwd, '.qsafp', 'config.json'), 'utf8'));
    expect(config.aiFramework).toBe('pytorch');
    expect(config.policy).toEqual({
      initial_period: 86_400,
      warning_phase: 3_600,
      grace_period: 900,
      maximum_extension: 2_505_600,
    });
    // Re-running init never overwrites keys.
    const again = await qsafp(['init'], cwd);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('INVALID_ARGUMENT');

    const reg = await qsafp(['register', '--policy', 'strict'], cwd);
    expect(reg.code, reg.stderr).toBe(0);
    const registered = JSON.parse(reg.stdout);
    expect(registered.state).toBe('active');
    const id: string = registered.system_id;

    const status = await qsafp(['status', '--system', id], cwd);
    expect(status.code, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout).sequence).toBe(1);

    const start = await qsafp(['renew', '--system', id, '--period', '3600', '--out', 'token.json'], cwd);
    expect(start.code, start.stderr).toBe(0);
    for (const n of [1, 3]) {
      const approve = await qsafp(
        ['approve', '--token', 'token.json', '--key', `.qsafp/approver-${n}.key`, '--out', `a${n}.json`],
        cwd,
      );
      expect(approve.code, approve.stderr).toBe(0);
    }
    const one = await qsafp(['renew', '--system', id, '--approval', 'a1.json'], cwd);
    expect(one.code).toBe(1);
    expect(one.stderr).toContain('INSUFFICIENT_APPROVALS');
    const twice = await qsafp(
      ['renew', '--system', id, '--approval', 'a1.json', '--approval', 'a1.json'],
      cwd,
    );
    expect(twice.stderr).toContain('DUPLICATE_APPROVAL');
    const done = await qsafp(
      ['renew', '--system', id, '--approval', 'a1.json', '--approval', 'a3.json'],
      cwd,
    );
    expect(done.code, done.stderr).toBe(0);
    expect(done.stdout).toContain('"sequence": 2');

    const down = await qsafp(['shutdown', '--system', id, '--reason', 'end of test'], cwd);
    expect(down.code, down.stderr).toBe(0);
    const after = await qsafp(['status', '--system', id], cwd);
    expect(after.code).toBe(3);
    expect(JSON.parse(after.stdout).state).toBe('shutdown');
  }, 60_000);

  it('usage errors exit 2; bad input is refused with its code', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'qsafp-cli-'));
    expect((await qsafp(['frobnicate'], cwd)).code).toBe(2);
    expect((await qsafp(['status', '--bogus'], cwd)).code).toBe(2);
    expect((await qsafp(['init', '--policy', 'lenient'], cwd)).stderr).toContain('UNKNOWN_PRESET');
    expect((await qsafp(['init', '--approvers', '2', '--threshold', '3'], cwd)).code).toBe(2);
    await qsafp(['init', '--approvers', '1', '--threshold', '1'], cwd);
    const bad = await qsafp(['status', '--system', 'not-a-uuid'], cwd);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('INVALID_SYSTEM_ID');
  }, 60_000);

  it('test --scenario runs the four scenarios and prints pass/fail per check', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'qsafp-cli-'));
    const one = await qsafp(['test', '--scenario', 'expiration_enforcement'], cwd);
    expect(one.code, one.stdout + one.stderr).toBe(0);
    expect(one.stdout).toContain('PASS expiration_enforcement');
    expect(one.stdout).not.toContain('FAIL');
    const all = await qsafp(['test', '--scenario', 'all'], cwd);
    expect(all.code, all.stdout).toBe(0);
    for (const name of ['expiration_enforcement', 'renewal', 'clock_rollback', 'crash_recovery']) {
      expect(all.stdout).toContain(`PASS ${name}`);
    }
    expect((await qsafp(['test', '--scenario', 'nope'], cwd)).code).toBe(2);
  }, 60_000);

  it('the bin sets the process exit code and writes to stdout/stderr', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'qsafp-cli-'));
    const run = (args: string[]) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        // Runs in the package directory so `--import tsx` resolves.
        execFile(
          process.execPath,
          ['--import', 'tsx', cli, ...args],
          { cwd: packageDir },
          (error, stdout, stderr) => {
            resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
          },
        );
      });
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('qsafp init');
    const refused = await run(['status', '--system', 'nope', '--dir', join(cwd, 'none')]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('refused: ');
  }, 60_000);
});
