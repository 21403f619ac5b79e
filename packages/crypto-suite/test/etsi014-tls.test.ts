// mTLS to a KME, as ETSI GS QKD 014 requires of a real one: throwaway
// certificates from the openssl CLI (skipped with a message where it is absent).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { etsi014Client } from '../src/index.js';
import { type KmeSimulator, startKmeSimulator } from '../src/kme-simulator.js';
import { kmeTlsFetch } from '../src/node.js';
import { expectCodeAsync } from './helpers.js';

function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}
const opensslPresent = hasOpenssl();
if (!opensslPresent) console.info('etsi014-tls: openssl CLI not found, mTLS tests skipped');

describe.skipIf(!opensslPresent)('ETSI 014 over mutual TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qsp-kme-tls-'));
  const file = (n: string) => join(dir, n);
  const pem = (n: string) => readFileSync(file(n));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  let sim: KmeSimulator;

  beforeAll(async () => {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
    ssl(
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '1',
      '-subj',
      '/CN=test KME CA',
    );
    ssl(
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'rogue.key',
      '-out',
      'rogue.pem',
      '-days',
      '1',
      '-subj',
      '/CN=rogue CA',
    );
    for (const [name, ext] of [
      ['kme', 'subjectAltName=IP:127.0.0.1'],
      ['sae', 'extendedKeyUsage=clientAuth'],
    ] as const) {
      ssl('req', '-new', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
      writeFileSync(file(`${name}.ext`), `${ext}\n`);
      ssl(
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-days',
        '1',
        '-out',
        `${name}.pem`,
        '-extfile',
        `${name}.ext`,
      );
    }
    sim = await startKmeSimulator({
      tls: {
        key: pem('kme.key'),
        cert: pem('kme.pem'),
        ca: pem('ca.pem'),
        requestCert: true,
        rejectUnauthorized: true,
      },
    });
  });
  afterAll(async () => {
    await sim?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('delivers keys when both sides present certificates from the CA', async () => {
    const fetch = kmeTlsFetch({ ca: pem('ca.pem'), cert: pem('sae.pem'), key: pem('sae.key') });
    const a = etsi014Client({ baseUrl: sim.url('sae-a'), peerSaeId: 'sae-b', fetch });
    const b = etsi014Client({ baseUrl: sim.url('sae-b'), peerSaeId: 'sae-a', fetch });
    expect(sim.url('sae-a')).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const k = await a.newKey(32);
    expect(await b.keyById(k.keyId)).toEqual(k);
    expect((await a.status()).slave_SAE_ID).toBe('sae-b');
  });

  it('fails closed without a client certificate, or when the KME is not from the trusted CA', async () => {
    const noClientCert = etsi014Client({
      baseUrl: sim.url('sae-a'),
      peerSaeId: 'sae-b',
      fetch: kmeTlsFetch({ ca: pem('ca.pem') }),
    });
    await expectCodeAsync(() => noClientCert.newKey(32), 'KME_UNAVAILABLE');
    const wrongCa = etsi014Client({
      baseUrl: sim.url('sae-a'),
      peerSaeId: 'sae-b',
      fetch: kmeTlsFetch({ ca: pem('rogue.pem'), cert: pem('sae.pem'), key: pem('sae.key') }),
    });
    await expectCodeAsync(() => wrongCa.newKey(32), 'KME_UNAVAILABLE');
    const plain = etsi014Client({
      baseUrl: sim.url('sae-a').replace('https:', 'http:'),
      peerSaeId: 'sae-b',
      fetch: kmeTlsFetch({ ca: pem('ca.pem') }),
    });
    await expectCodeAsync(() => plain.newKey(32), 'INVALID_ARGUMENT');
  });
});
