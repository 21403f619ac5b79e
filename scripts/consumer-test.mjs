#!/usr/bin/env node
// Consumer tests: the packages as a user gets them. Packs every publishable
// package (pnpm pack rewrites workspace: ranges to versions), installs the
// tarballs with plain npm into a scratch app outside the workspace, and runs
// the programs in tests/consumer/ there. Needs a prior build.
import { spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const keep = process.argv.includes('--keep');

function run(cmd, args, cwd, extraEnv = {}) {
  const r = spawnSync(cmd, args, { cwd, stdio: 'inherit', env: { ...process.env, ...extraEnv } });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed in ${cwd} (exit ${r.status})`);
}

const work = mkdtempSync(join(tmpdir(), 'qsp-consumer-'));
const tarballs = join(work, 'tarballs');
const app = join(work, 'app');
mkdirSync(tarballs);
mkdirSync(app);

try {
  const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
  const packages = [];
  // Optional peers (pg, prom-client) are what a user installs to use the entries that need them.
  const peers = new Set();
  for (const dir of readdirSync(join(root, 'packages')).sort()) {
    if (only.length && !only.includes(dir)) continue;
    const pkgDir = join(root, 'packages', dir);
    if (!existsSync(join(pkgDir, 'package.json'))) continue;
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    if (pkg.private) continue;
    run('pnpm', ['pack', '--pack-destination', tarballs], pkgDir);
    const file = `${pkg.name.replace('@', '').replace('/', '-')}-${pkg.version}.tgz`;
    for (const peer of Object.keys(pkg.peerDependencies ?? {})) peers.add(peer);
    packages.push({
      name: pkg.name,
      spec: `file:../tarballs/${file}`,
      exports: Object.keys(pkg.exports ?? {}),
    });
  }

  const catalog = Object.fromEntries(
    [
      ...readFileSync(join(root, 'pnpm-workspace.yaml'), 'utf8').matchAll(
        /^ {2}"?([@\w/.-]+)"?: ([\d.]+)$/gm,
      ),
    ].map((m) => [m[1], m[2]]),
  );
  const peerDeps = Object.fromEntries(
    [...peers].map((name) => {
      if (!catalog[name]) throw new Error(`peer ${name} has no pinned version in the pnpm catalog`);
      return [name, catalog[name]];
    }),
  );
  const deps = { ...Object.fromEntries(packages.map((p) => [p.name, p.spec])) };
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify(
      {
        name: 'qsp-consumer-app',
        private: true,
        type: 'module',
        dependencies: { ...deps, ...peerDeps },
        overrides: deps,
      },
      null,
      2,
    ),
  );
  // The list of published entry points, for the program that imports every one of them.
  writeFileSync(
    join(app, 'entries.json'),
    JSON.stringify(
      packages.flatMap((p) =>
        p.exports
          .filter((s) => s !== './package.json')
          .map((s) => (s === '.' ? p.name : `${p.name}/${s.slice(2)}`)),
      ),
    ),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], app);
  // The scratch app must resolve nothing from the workspace: it lives in the OS temp dir.
  for (const file of readdirSync(join(root, 'tests', 'consumer'))) {
    if (file.endsWith('.mjs') || file.endsWith('.cjs'))
      cpSync(join(root, 'tests', 'consumer', file), join(app, file));
  }
  const programs = readdirSync(app)
    .filter((f) => /\.(mjs|cjs)$/.test(f))
    .sort();
  let passed = 0;
  const packed = new Set(packages.map((p) => p.name));
  for (const program of programs) {
    // With a package filter, a program needing an unpacked package is skipped; a full run has them all.
    const needs = [
      ...readFileSync(join(app, program), 'utf8').matchAll(/from '(@qs[a-z]+\/[a-z0-9-]+)/g),
    ].map((m) => m[1]);
    const missing = needs.filter((n) => !packed.has(n));
    if (missing.length) {
      if (!only.length)
        throw new Error(`${program} imports ${missing.join(', ')}, which is not a publishable package`);
      process.stdout.write(`\n[consumer] skip ${program}: needs ${[...new Set(missing)].join(', ')}\n`);
      continue;
    }
    process.stdout.write(`\n[consumer] node ${program}\n`);
    run(process.execPath, [program], app);
    passed++;
  }
  process.stdout.write(`\n[consumer] ${passed} programs passed against packed tarballs in ${app}\n`);
} finally {
  if (!keep) rmSync(work, { recursive: true, force: true });
}
