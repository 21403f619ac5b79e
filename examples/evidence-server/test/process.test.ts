// The real process, as `pnpm start` runs it.
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { client, postJson } from './helpers.js';

describe('the process (pnpm start)', () => {
  let child: ChildProcess | undefined;
  // A timed-out test never reaches its finally: never leave a server behind.
  afterAll(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  // tsx start-up plus PGlite's WASM boot: seconds on a loaded 2-core machine.
  it(
    'prints one JSON line with its URL, serves with the printed dev token, stops cleanly on SIGTERM',
    { timeout: 60_000 },
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'qsp-evidence-server-proc-'));
      const cwd = fileURLToPath(new URL('..', import.meta.url));
      const proc = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
        cwd,
        env: {
          ...process.env,
          PORT: '0',
          HOST: '',
          DATA_DIR: dir,
          DATABASE_URL: '',
          EVIDENCE_TOKENS: '',
          EVIDENCE_KEYS: '',
          EVIDENCE_SIGNER: '',
          QUANTUMLOCK_URL: '',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = proc;
      let stderr = '';
      let stdout = '';
      proc.stderr.on('data', (d) => {
        stderr += d;
      });
      proc.stdout.on('data', (d) => {
        stdout += d;
      });
      try {
        const lines = createInterface({ input: proc.stdout });
        const [line] = (await Promise.race([
          once(lines, 'line'),
          once(proc, 'exit').then(() => {
            throw new Error(`server exited: ${stderr}`);
          }),
        ])) as [string];
        const started = JSON.parse(line);
        expect(started.listening).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
        expect(started.dev).toMatchObject({ tenant_id: 'dev', key_id: started.key_id });
        const api = client(started.listening);
        const created = await api(
          '/api/v2/jobs',
          started.dev.token,
          postJson({ job_id: 'job_p', backend_id: 'sim' }),
        );
        expect(created.status).toBe(201);
        const exited = once(proc, 'exit');
        proc.kill('SIGTERM');
        const [code] = await exited;
        expect(code, stderr).toBe(0);
        expect(stdout.split('\n')).toEqual([line, '']);
        expect(stderr).toContain('"stopping"');
      } finally {
        if (proc.exitCode === null) proc.kill('SIGKILL');
        await rm(dir, { recursive: true, force: true });
      }
    },
  );
});
