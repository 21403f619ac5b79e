// End to end in a real browser: Debian's Chromium, driven by playwright-core
// (no browser is downloaded), against the built page served on localhost.
// Fixtures are made here with the packages' real APIs and fresh ML-DSA keys.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sharedVectorsDir } from '@qsp/test-kit';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIST, type Served, serve } from '../scripts/serve.mjs';
import {
  type BundleFixture,
  builtPage,
  type ContractFixture,
  flipByte,
  makeBundle,
  makeContract,
} from './fixtures.js';

const CHROMIUM = process.env.QSP_CHROMIUM ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const SHOTS = fileURLToPath(new URL('../../../test-results/verify-web/', import.meta.url));
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

if (!HAVE_CHROMIUM) {
  console.warn(
    `skipped: the verification page's browser tests need Chromium at ${CHROMIUM} (Debian: apt-get install chromium; or set QSP_CHROMIUM)`,
  );
}

interface RowView {
  readonly id: string;
  readonly status: string;
  readonly reason: string;
}

const file = (name: string, bytes: Uint8Array | string, mimeType = 'application/octet-stream') => ({
  name,
  mimeType,
  buffer: Buffer.from(bytes),
});

describe.skipIf(!HAVE_CHROMIUM)('the verification page in Chromium', () => {
  let server: Served;
  let context: BrowserContext;
  let userDataDir: string;
  let bundle: BundleFixture;
  let contract: ContractFixture;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await builtPage();
    mkdirSync(SHOTS, { recursive: true });
    [bundle, contract] = await Promise.all([makeBundle(), makeContract()]);
    server = await serve({ port: 0 });
    userDataDir = mkdtempSync(join(tmpdir(), 'qsp-verify-web-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1100, height: 900 },
    });
  });

  afterAll(async () => {
    await context?.close();
    await server?.close();
    if (userDataDir) rmSync(userDataDir, { recursive: true, force: true });
  });

  /** A fresh tab on the page. Its script errors and CSP reports are collected, unless the test provokes them. */
  async function open(options: { provokesErrors?: boolean } = {}): Promise<Page> {
    const page = await context.newPage();
    if (!options.provokesErrors) {
      page.on('pageerror', (e) => pageErrors.push(e.message));
      page.on('console', (m) => {
        if (m.type() === 'error') pageErrors.push(m.text());
      });
    }
    await page.goto(server.url);
    await page.waitForSelector('html[data-ready="true"]');
    return page;
  }

  async function verify(page: Page): Promise<{ verdict: string; rows: RowView[] }> {
    await page.click('#verify');
    await page.waitForSelector('#verdict[data-verdict]');
    await page.waitForFunction(() => !document.getElementById('result')?.hasAttribute('aria-busy'));
    return results(page);
  }

  async function results(page: Page): Promise<{ verdict: string; rows: RowView[] }> {
    const verdict = await page.getAttribute('#verdict', 'data-verdict');
    const rows = await page.$$eval('#checks tbody tr', (trs) =>
      trs.map((tr) => ({
        id: (tr as HTMLElement).dataset.check ?? '',
        status: (tr as HTMLElement).dataset.status ?? '',
        reason: tr.querySelector('.reason')?.textContent ?? '',
      })),
    );
    return { verdict: verdict ?? '', rows };
  }

  const fact = (page: Page, label: string) =>
    page.$$eval(
      '#facts dt',
      (dts, wanted) => dts.find((dt) => dt.textContent === wanted)?.nextElementSibling?.textContent ?? null,
      label,
    );

  async function giveBundle(
    page: Page,
    options: { artifacts?: BundleFixture['artifacts']; registry?: string } = {},
  ) {
    await page.setInputFiles('#doc-file', file('bundle.json', bundle.bytes, 'application/json'));
    if (options.artifacts)
      await page.setInputFiles(
        '#artifact-files',
        options.artifacts.map((a) => file(a.name, a.bytes)),
      );
    if (options.registry)
      await page.setInputFiles('#key-file', file('registry.json', options.registry, 'application/json'));
  }

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });

  it('shows every check passing for a valid bundle with its artifacts and registry, with nothing but the page fetched', async () => {
    const before = server.requests.length;
    const page = await open();
    await giveBundle(page, { artifacts: bundle.artifacts, registry: bundle.registry });
    const { verdict, rows } = await verify(page);
    expect(rows.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(rows.length).toBeGreaterThanOrEqual(8 + 3 * 3);
    expect(verdict).toBe('valid');
    expect(await fact(page, 'Merkle root (stated in the bundle)')).toBe(bundle.merkleRoot);
    expect(await fact(page, 'Merkle root recomputed from the listed hashes')).toBe(bundle.merkleRoot);
    expect(await fact(page, 'Merkle root recomputed from your files')).toBe(bundle.merkleRoot);
    await shot(page, 'bundle-valid');
    // No permalink: the result lives in this tab only, nothing of it in the address.
    expect(page.url()).toBe(server.url);
    const fetched = server.requests.slice(before).map((r) => `${r.method} ${r.url}`);
    expect(fetched.length).toBeGreaterThan(0);
    for (const r of fetched) expect(r).toMatch(/^GET \/(assets\/[\w.-]+\.(js|css))?$/);
    await page.close();
  });

  it('shows the failing row for an artifact with one byte flipped', async () => {
    const page = await open();
    const tampered = bundle.artifacts.map((a) =>
      a.name === 'results.json' ? { ...a, bytes: flipByte(a.bytes) } : a,
    );
    await giveBundle(page, { artifacts: tampered, registry: bundle.registry });
    const { verdict, rows } = await verify(page);
    expect(verdict).toBe('invalid');
    expect(rows.filter((r) => r.status === 'fail').map((r) => r.id)).toEqual(['artifact_hash:results.json']);
    expect(await fact(page, 'Merkle root recomputed from your files')).toMatch(/\(does not match\)$/);
    await expect(
      page.locator('tr[data-check="artifact_hash:results.json"] td.status').textContent(),
    ).resolves.toContain('Fail');
    await shot(page, 'bundle-artifact-byte-flipped');
    await page.close();
  });

  it('shows the failing row for a bundle signed by a revoked key', async () => {
    const page = await open();
    await giveBundle(page, { artifacts: bundle.artifacts, registry: bundle.revokedRegistry });
    const { verdict, rows } = await verify(page);
    expect(verdict).toBe('invalid');
    expect(rows.filter((r) => r.status === 'fail').map((r) => r.id)).toEqual(['key_not_revoked']);
    expect(rows.find((r) => r.id === 'key_not_revoked')?.reason).toMatch(/revoked at/);
    await shot(page, 'bundle-revoked-key');
    await page.close();
  });

  it('shows every check passing for a signed contract with its key, .sha256 file and a pin', async () => {
    const page = await open();
    await page.setInputFiles('#doc-file', file(contract.fileName, contract.bytes, 'application/json'));
    await page.setInputFiles('#key-file', file('contract-signer.pub', contract.publicKey));
    await page.click('details summary');
    await page.setInputFiles(
      '#sha-file',
      file(`${contract.fileName}.sha256`, contract.sha256File, 'text/plain'),
    );
    await page.fill('#pin', '^1.0');
    const { verdict, rows } = await verify(page);
    expect(rows.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(verdict).toBe('valid');
    expect(await fact(page, 'Decision')).toBe('accept');
    expect(await fact(page, 'Public status')).toBe('accept');
    await shot(page, 'contract-valid');
    await page.close();
  });

  it('shows the failing row for a contract with a wrong digest', async () => {
    const page = await open();
    await page.setInputFiles('#doc-file', file(contract.fileName, contract.wrongDigest, 'application/json'));
    const { verdict, rows } = await verify(page);
    expect(verdict).toBe('invalid');
    const digest = rows.find((r) => r.id === 'contract_sha256');
    expect(digest?.status).toBe('fail');
    expect(digest?.reason).toMatch(/^embedded [0-9a-f]{64} but the RFC 8785 form hashes to [0-9a-f]{64}$/);
    await shot(page, 'contract-wrong-digest');
    await page.close();
  });

  it.skipIf(!sharedVectorsDir())(
    'verifies the Stage286 reference contract under its Python digest rule',
    async () => {
      const dir = join(sharedVectorsDir()!, 'contract', 'stage286');
      const page = await open();
      await page.setInputFiles('#doc-file', join(dir, 'qsp_product_contract.json'));
      await page.click('details summary');
      await page.setInputFiles('#sha-file', join(dir, 'qsp_product_contract.json.sha256'));
      const { rows } = await verify(page);
      expect(rows.filter((r) => r.status === 'fail')).toEqual([]);
      expect(rows.find((r) => r.id === 'contract_sha256')?.status).toBe('pass');
      expect(rows.find((r) => r.id === 'file_sha256')?.status).toBe('pass');
      expect(await fact(page, 'Digest rule')).toBe('python-pretty');
      await page.close();
    },
  );

  it('says "not checked", never "pass", for the signature when no key is given (pasted bundle)', async () => {
    const page = await open();
    await page.fill('#doc-text', new TextDecoder().decode(bundle.bytes));
    const { verdict, rows } = await verify(page);
    expect(verdict).toBe('incomplete');
    for (const id of ['signature_valid', 'key_not_revoked', 'timestamp_within_validity', 'artifacts']) {
      expect(rows.find((r) => r.id === id)?.status, id).toBe('not-checked');
    }
    await shot(page, 'bundle-no-key');
    await page.close();
  });

  it('sorts dropped files into their roles and verifies at once', async () => {
    const page = await open();
    const dropped = [
      { name: 'bundle.json', bytes: [...bundle.bytes] },
      { name: 'registry.json', bytes: [...new TextEncoder().encode(bundle.registry)] },
      ...bundle.artifacts.map((a) => ({ name: a.name, bytes: [...a.bytes] })),
    ];
    await page.evaluate((files) => {
      const dt = new DataTransfer();
      for (const f of files) dt.items.add(new File([new Uint8Array(f.bytes)], f.name));
      document.body.dispatchEvent(
        new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }),
      );
    }, dropped);
    await page.waitForSelector('#verdict[data-verdict]');
    const { verdict, rows } = await results(page);
    expect(rows.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(verdict).toBe('valid');
    await page.close();
  });

  it('keeps working offline once loaded', async () => {
    const page = await open();
    await context.setOffline(true);
    try {
      await giveBundle(page, { artifacts: bundle.artifacts, registry: bundle.registry });
      const { verdict } = await verify(page);
      expect(verdict).toBe('valid');
    } finally {
      await context.setOffline(false);
    }
    await page.close();
  });

  it('cannot upload anything: its CSP forbids every kind of connection, and the server sees none', async () => {
    const html = readFileSync(join(DIST, 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1] ?? '';
    for (const directive of [
      "default-src 'none'",
      "connect-src 'none'",
      "form-action 'none'",
      "script-src 'self'",
    ]) {
      expect(meta).toContain(directive);
    }
    expect(meta).not.toContain('unsafe-');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const page = await open({ provokesErrors: true });
    const header = (await page.goto(server.url))?.headers()['content-security-policy'];
    expect(header).toContain("connect-src 'none'");
    expect(header).toContain("frame-ancestors 'none'");
    await page.waitForSelector('html[data-ready="true"]');
    const before = server.requests.length;
    const outcome = await page.evaluate(async (base) => {
      const violations: string[] = [];
      document.addEventListener('securitypolicyviolation', (e) => violations.push(e.effectiveDirective));
      const attempts: Record<string, string> = {};
      try {
        await fetch(`${base}upload-fetch`, { method: 'POST', body: 'secret' });
        attempts.fetch = 'sent';
      } catch {
        attempts.fetch = 'blocked';
      }
      // sendBeacon only queues (it returns true either way); the server's log below is the proof.
      navigator.sendBeacon(`${base}upload-beacon`, 'secret');
      try {
        const ws = new WebSocket(`${base.replace('http', 'ws')}upload-ws`);
        attempts.websocket = await new Promise<string>((r) => {
          ws.onopen = () => r('sent');
          ws.onerror = () => r('blocked');
        });
      } catch {
        attempts.websocket = 'blocked';
      }
      const img = new Image();
      attempts.image = await new Promise<string>((r) => {
        img.onload = () => r('sent');
        img.onerror = () => r('blocked');
        img.src = `${base}upload-image?secret`;
      });
      await new Promise((r) => setTimeout(r, 500));
      return { attempts, violations };
    }, server.url);
    expect(outcome.attempts).toEqual({ fetch: 'blocked', websocket: 'blocked', image: 'blocked' });
    expect(outcome.violations).toEqual(expect.arrayContaining(['connect-src', 'img-src']));
    expect(server.requests.slice(before).filter((r) => r.url.includes('upload'))).toEqual([]);
    await page.close();
  });

  it('is usable from the keyboard alone: paste, tab to Verify, Enter, focus lands on the result', async () => {
    const page = await open();
    const tabTo = async (id: string) => {
      for (let i = 0; i < 30; i++) {
        if ((await page.evaluate(() => document.activeElement?.id)) === id) return;
        await page.keyboard.press('Tab');
      }
      throw new Error(`#${id} is not reachable with Tab`);
    };
    await tabTo('doc-text');
    await page.keyboard.insertText(new TextDecoder().decode(bundle.bytes));
    await tabTo('key-text');
    await page.keyboard.insertText(bundle.registry);
    await tabTo('verify');
    await page.keyboard.press('Enter');
    await page.waitForSelector('#verdict[data-verdict]');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('result-h');
    const { rows } = await results(page);
    expect(rows.find((r) => r.id === 'signature_valid')?.status).toBe('pass');
    await page.close();
  });

  it('labels every control and keeps text contrast at WCAG AA in light and dark schemes', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      const page = await open();
      await page.emulateMedia({ colorScheme: scheme });
      await giveBundle(page, { registry: bundle.revokedRegistry });
      await verify(page);
      const unlabelled = await page.$$eval('input, textarea, select', (els) =>
        els.filter((e) => ((e as HTMLInputElement).labels?.length ?? 0) === 0).map((e) => e.id),
      );
      expect(unlabelled).toEqual([]);
      const ratios = await page.$$eval(
        'body, .privacy, legend, label, #verdict, td.status, td.reason, tbody th, dd, button, footer p',
        (els) => {
          const rgb = (c: string) => (c.match(/[\d.]+/g) ?? []).map(Number);
          const lum = ([r = 0, g = 0, b = 0]: number[]) => {
            const f = (c: number) => {
              const v = c / 255;
              return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
            };
            return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
          };
          const background = (el: Element | null): number[] => {
            for (let e = el; e; e = e.parentElement) {
              const c = rgb(getComputedStyle(e).backgroundColor);
              if (c.length === 3 || (c[3] ?? 0) > 0) return c;
            }
            return rgb(getComputedStyle(document.documentElement).backgroundColor);
          };
          return els.map((el) => {
            const a = lum(rgb(getComputedStyle(el).color));
            const b = lum(background(el));
            return {
              el: `${el.tagName}.${el.className}`,
              ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05),
            };
          });
        },
      );
      for (const r of ratios) expect(r.ratio, `${scheme} ${r.el}`).toBeGreaterThanOrEqual(4.5);
      if (scheme === 'dark') await shot(page, 'bundle-revoked-key-dark');
      await page.close();
    }
  });

  it('fits a phone-width screen without sideways scrolling', async () => {
    const page = await open();
    await page.setViewportSize({ width: 360, height: 780 });
    await giveBundle(page, { artifacts: bundle.artifacts, registry: bundle.registry });
    const { verdict } = await verify(page);
    expect(verdict).toBe('valid');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await shot(page, 'bundle-valid-phone');
    await page.close();
  });

  it('logged no script errors and no CSP violations of its own', () => {
    expect(pageErrors).toEqual([]);
  });
});
