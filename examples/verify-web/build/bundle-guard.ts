// The build's own size report and guards. The page must stay small, load in
// one go (so it keeps working offline once loaded), carry no eval (its CSP
// forbids it) and bundle only crypto-suite's noble engine, never the
// node:crypto one. Any breach fails the build.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

export interface BudgetOptions {
  /** Gzipped bytes allowed for all JavaScript together. */
  readonly jsGzipBytes: number;
  /** Gzipped bytes allowed for all CSS together. */
  readonly cssGzipBytes: number;
  /** Where to write the machine-readable report (JSON). */
  readonly reportFile: string;
}

export interface SizeReport {
  readonly files: readonly { file: string; bytes: number; gzipBytes: number }[];
  readonly jsGzipBytes: number;
  readonly cssGzipBytes: number;
  readonly budget: { readonly jsGzipBytes: number; readonly cssGzipBytes: number };
  readonly withinBudget: boolean;
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

/** Module ids in the bundle that must not be there, or '' when clean. */
export function forbiddenModules(ids: readonly string[]): string[] {
  return ids.filter(
    (id) =>
      /crypto-suite\/(src|dist)\/(node\/|node\.)/.test(id) ||
      id.includes('__vite-browser-external') ||
      /(^|\/)node:/.test(id) ||
      /ajv\/dist\/(compile|core|2020)\b/.test(id),
  );
}

export function bundleGuard(options: BudgetOptions): Plugin {
  return {
    name: 'qsp:bundle-guard',
    apply: 'build',
    writeBundle(_output, bundle) {
      const files: { file: string; bytes: number; gzipBytes: number }[] = [];
      const moduleIds: string[] = [];
      let js = 0;
      let css = 0;
      const chunks = Object.values(bundle).filter((f) => f.type === 'chunk');
      if (chunks.length !== 1) {
        this.error(
          `expected one JavaScript chunk (nothing loaded later, so the page works offline), got ${chunks.length}`,
        );
      }
      for (const file of Object.values(bundle)) {
        const source = file.type === 'chunk' ? file.code : file.source;
        const bytes = typeof source === 'string' ? Buffer.from(source) : Buffer.from(source);
        const gzipBytes = gzipSync(bytes, { level: 9 }).length;
        files.push({ file: file.fileName, bytes: bytes.length, gzipBytes });
        if (file.type === 'chunk') {
          js += gzipBytes;
          moduleIds.push(...Object.keys(file.modules));
          if (file.dynamicImports.length > 0) this.error(`${file.fileName} imports chunks lazily`);
          if (/\bnew Function\s*\(|\beval\s*\(/.test(file.code))
            this.error(`${file.fileName} contains eval or new Function`);
        } else if (file.fileName.endsWith('.css')) css += gzipBytes;
      }
      const bad = forbiddenModules(moduleIds);
      if (bad.length > 0) this.error(`modules that must not be in the page: ${bad.join(', ')}`);
      if (!moduleIds.some((id) => /crypto-suite\/(src|dist)\/noble\//.test(id))) {
        this.error('the noble engine of @qsp/crypto-suite is not in the bundle');
      }
      const report: SizeReport = {
        files,
        jsGzipBytes: js,
        cssGzipBytes: css,
        budget: { jsGzipBytes: options.jsGzipBytes, cssGzipBytes: options.cssGzipBytes },
        withinBudget: js <= options.jsGzipBytes && css <= options.cssGzipBytes,
      };
      mkdirSync(dirname(options.reportFile), { recursive: true });
      writeFileSync(options.reportFile, `${JSON.stringify(report, null, 2)}\n`);
      const line = `[verify-web] size: JS ${kb(js)} gzip (budget ${kb(options.jsGzipBytes)}), CSS ${kb(css)} gzip (budget ${kb(options.cssGzipBytes)})`;
      this.info(line);
      console.log(line);
      if (!report.withinBudget) this.error(`bundle over budget: ${line}`);
    },
  };
}
