import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { packageTestConfig } from '../../vitest.shared.js';
import { bundleGuard } from './build/bundle-guard.js';

// Workspace packages resolve to their sources, as in every test run here, so
// the page is built from the same code the tests exercise (and needs no dist/).
// They validate with precompiled ajv code, so the page needs no eval under its CSP.
const alias = packageTestConfig().resolve?.alias ?? [];
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  // Relative asset URLs: the built folder works from any path or host.
  base: './',
  resolve: { alias },
  plugins: [
    bundleGuard({
      // Measured at 67.3 KiB JS (ML-DSA, SHA-2, ajv runtime, semver, the page) and 1.4 KiB CSS, gzip.
      // Growth past ~15% should be a decision, not an accident.
      jsGzipBytes: 85 * 1024,
      cssGzipBytes: 2 * 1024,
      reportFile: `${repoRoot}bench-results/verify-web.size.json`,
    }),
  ],
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    // No inline polyfill script (the CSP allows only 'self' scripts) and nothing fetched later.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    cssCodeSplit: false,
    sourcemap: false,
    reportCompressedSize: true,
    chunkSizeWarningLimit: 1024,
  },
});
