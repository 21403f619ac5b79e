// The echo example across two processes: a server process, a client process, real TCP.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const dir = fileURLToPath(new URL('..', import.meta.url));
const tsx = createRequire(import.meta.url).resolve('tsx');
let server: ChildProcess | undefined;
afterAll(() => {
  server?.kill();
});

describe('the echo example across two processes', () => {
  it('echoes a message through a QSP session', async () => {
    server = spawn(process.execPath, ['--import', tsx, 'src/server.ts'], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    server.stdout!.setEncoding('utf8');
    while (!out.includes('\n')) {
      const [chunk] = (await once(server.stdout!, 'data')) as [string];
      out += chunk;
    }
    const [, port, key] = out.trim().split(' ');
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--import', tsx, 'src/client.ts', port!, key!, 'quantum-safe echo'],
        { cwd: dir, timeout: 30_000 },
        (error, so, se) => (error ? reject(new Error(`${error.message}\n${se}`)) : resolve(so)),
      );
    });
    expect(stdout.trim()).toBe('quantum-safe echo');
  }, 60_000);
});
