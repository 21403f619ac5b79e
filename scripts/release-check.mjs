#!/usr/bin/env node
// Release dry run: `changeset version` in a throwaway clone of HEAD, then
// every publishable package is checked for what npm users rely on and packed.
// Nothing is published and the working tree is not touched. Needs a prior build.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const work = mkdtempSync(join(tmpdir(), 'qsp-release-'));
const problems = [];

function run(cmd, args, cwd) {
  const r = spawnSync(cmd, args, { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

try {
  run('git', ['clone', '--quiet', '--local', root, work], root);
  // Linked from the local store (no network): pack needs the workspace's dependency graph.
  run('pnpm', ['install', '--frozen-lockfile', '--offline', '--ignore-scripts', '--reporter=silent'], work);
  run(process.execPath, [join(work, 'node_modules', '@changesets', 'cli', 'bin.js'), 'version'], work);
  for (const dir of readdirSync(join(work, 'packages')).sort()) {
    const pkgDir = join(work, 'packages', dir);
    if (!existsSync(join(pkgDir, 'package.json'))) continue;
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    if (pkg.private) continue;
    const need = (ok, what) => ok || problems.push(`${pkg.name}: ${what}`);
    need(
      existsSync(join(pkgDir, 'CHANGELOG.md')),
      'no CHANGELOG.md after changeset version (add a changeset)',
    );
    need(existsSync(join(pkgDir, 'README.md')), 'no README.md');
    need(existsSync(join(pkgDir, 'LICENSE')), 'no LICENSE');
    need(pkg.license === 'MIT', 'license field');
    need(Array.isArray(pkg.files) && pkg.files.includes('dist'), '`files` must include dist');
    need(pkg.type === 'module', 'type must be module');
    need(pkg.sideEffects === false, 'sideEffects must be false');
    need(pkg.engines?.node === '>=20.19', 'engines.node must be >=20.19');
    need(pkg.repository?.directory === `packages/${dir}`, 'repository.directory');
    need(typeof pkg.types === 'string', 'types');
    for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
      if (subpath === './package.json' || typeof target === 'string') continue;
      need(Object.keys(target)[0] === 'types', `exports["${subpath}"]: types must come first`);
    }
    cpSync(join(root, 'packages', dir, 'dist'), join(pkgDir, 'dist'), { recursive: true });
    const out = run('pnpm', ['pack', '--dry-run', '--json'], pkgDir);
    const packed = JSON.parse(out.slice(out.indexOf('{')));
    const files = (packed.files ?? []).map((f) => f.path);
    need(files.includes('CHANGELOG.md'), 'CHANGELOG.md not packed');
    need(
      files.some((f) => f.startsWith('dist/')),
      'dist not packed',
    );
    need(!files.some((f) => f.includes('.test.')), 'test files packed');
    const manifest = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    const before = JSON.parse(readFileSync(join(root, 'packages', dir, 'package.json'), 'utf8')).version;
    console.log(`release ${pkg.name} ${before} -> ${manifest.version}: ${files.length} files`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (problems.length) {
  for (const p of problems) console.error(`release problem: ${p}`);
  process.exit(1);
}
console.log('release dry run: every package is ready to publish');
