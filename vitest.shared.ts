// Shared vitest settings. Workspace packages resolve to their TypeScript
// sources during tests, so a test never needs a build and never runs a stale
// dist/. Published consumers still get dist/ through each package's exports.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type ViteUserConfig } from 'vitest/config';

const root = dirname(fileURLToPath(import.meta.url));

interface Alias {
  find: RegExp;
  replacement: string;
}

function sourceAliases(): Alias[] {
  const aliases: Alias[] = [];
  for (const group of ['packages', 'tools']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir)) {
      const pkgFile = join(dir, name, 'package.json');
      if (!existsSync(pkgFile)) continue;
      const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as {
        name: string;
        exports?: Record<string, string | { import?: string; default?: string }>;
      };
      for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
        const file = typeof target === 'string' ? target : (target.import ?? target.default);
        if (!file?.startsWith('./dist/') || !file.endsWith('.js')) continue;
        const src = resolve(dir, name, file.replace('./dist/', './src/').replace(/\.js$/, '.ts'));
        const spec = subpath === '.' ? pkg.name : `${pkg.name}/${subpath.slice(2)}`;
        aliases.push({ find: new RegExp(`^${spec.replace(/[/.]/g, '\\$&')}$`), replacement: src });
      }
    }
  }
  return aliases;
}

/** The folder with the project's shared test vectors, or undefined in a user's clone. */
export const sharedDir = process.env.QSP_SHARED_DIR ?? resolve(root, '..', 'shared');

/**
 * Each run also writes a JSON report to <root>/test-results/, so the top-level
 * test command can print one closing "N passed, N failed" line for the whole suite.
 */
function reportFile(): string {
  const pkg = JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { name: string };
  const runtime = `node${process.versions.node.split('.')[0]}`;
  return join(root, 'test-results', `${pkg.name.replace(/^@/, '').replace('/', '-')}.${runtime}.json`);
}

// Each package runs vitest as its own root (turbo fans out), so this is a
// root config: only a root config may name reporters.
export function packageTestConfig(overrides: NonNullable<ViteUserConfig['test']> = {}): ViteUserConfig {
  return defineConfig({
    resolve: { alias: sourceAliases() },
    test: {
      include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      env: { QSP_SHARED_DIR: sharedDir },
      reporters: ['default', 'json'],
      outputFile: { json: reportFile() },
      ...overrides,
    },
  });
}
