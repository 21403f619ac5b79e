// Telling inputs apart, and reading keys in every form the page accepts.
import { noble } from '@qsp/crypto-suite';
import { generateKey, KeyRegistry } from '@qsp/evidence';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromBase64 } from '../src/bytes.js';
import { documentKind, roleOf } from '../src/classify.js';
import { fingerprint, KeyInputError, parseKeyMaterial } from '../src/keys.js';
import { headlineOf, type Row, verdictOf } from '../src/outcome.js';

const enc = (s: string) => new TextEncoder().encode(s);
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const b64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));

describe('documentKind', () => {
  it('tells a contract from a bundle, even when the JSON is broken', () => {
    expect(documentKind(enc('{"stage":"stage286","exposure_layer":{}}'))).toBe('contract');
    expect(documentKind(enc('{"version":"1.0","merkle_root":"sha256:00"}'))).toBe('bundle');
    expect(documentKind(enc('{"exposure_layer": {"contract_sha256": '))).toBe('contract');
    expect(documentKind(enc('{"merkle_root": "sha256:'))).toBe('bundle');
    expect(documentKind(enc('{"counts":{"00":1}}'))).toBeUndefined();
    expect(documentKind(enc('[1,2]'))).toBeUndefined();
    expect(documentKind(Uint8Array.of(0xff, 0xfe))).toBeUndefined();
  });
});

describe('roleOf', () => {
  it('sorts dropped files', () => {
    expect(roleOf('c.json.sha256', enc('ab  c.json\n'))).toBe('sha256');
    expect(roleOf('registry.json', enc('{"keys":[]}'))).toBe('key');
    expect(roleOf('k.json', enc('{"public_key":"00"}'))).toBe('key');
    expect(roleOf('signer.pub', new Uint8Array(1952))).toBe('key');
    expect(roleOf('bundle.json', enc('{"merkle_root":"x"}'))).toBe('document');
    expect(roleOf('results.json', enc('{"counts":{}}'))).toBe('artifact');
    expect(roleOf('raw.bin', new Uint8Array(1952))).toBe('artifact');
  });
});

describe('parseKeyMaterial', () => {
  const sizes = [
    ['ML-DSA-44', 1312],
    ['ML-DSA-65', 1952],
    ['ML-DSA-87', 2592],
  ] as const;

  it('reads a real key as raw bytes, hex, base64, armoured base64 and JSON, and names its level by size', () => {
    for (const [algorithm] of sizes) {
      const { publicKey } = noble.signature(algorithm).keygen();
      const forms = [
        publicKey,
        enc(hex(publicKey)),
        enc(`${hex(publicKey).toUpperCase()}\n`),
        enc(b64(publicKey)),
        enc(
          `-----BEGIN PUBLIC KEY-----\n${b64(publicKey).replace(/(.{64})/g, '$1\n')}\n-----END PUBLIC KEY-----\n`,
        ),
        enc(JSON.stringify({ algorithm, public_key: hex(publicKey) })),
      ];
      for (const form of forms) {
        const m = parseKeyMaterial(form);
        expect(m).toMatchObject({ kind: 'key', algorithm });
        if (m.kind === 'key') expect(hex(m.publicKey)).toBe(hex(publicKey));
        expect(m.summary).toContain(fingerprint(publicKey));
      }
    }
  });

  it('reads a registry with its revocations', () => {
    const k = generateKey('k1');
    const reg = new KeyRegistry([
      {
        keyId: 'k1',
        algorithm: 'ML-DSA-65',
        publicKey: k.publicKey,
        notBefore: new Date(0),
        notAfter: new Date(1e13),
        revokedAt: new Date(1),
      },
    ]);
    const m = parseKeyMaterial(enc(JSON.stringify(reg.toJSON())));
    expect(m.kind).toBe('registry');
    expect(m.summary).toBe('key registry with 1 key (1 revoked)');
  });

  it('refuses what is not an ML-DSA public key, with a reason', () => {
    const bad = [
      new Uint8Array(1000),
      enc('zz'),
      enc('{"keys": [{"key_id": 1}]}'),
      enc('{"nothing": true}'),
      enc(JSON.stringify({ algorithm: 'ML-DSA-44', public_key: hex(new Uint8Array(1952)) })),
    ];
    for (const b of bad) expect(() => parseKeyMaterial(b)).toThrow(KeyInputError);
  });

  it('never throws anything but KeyInputError on arbitrary bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
        try {
          parseKeyMaterial(bytes);
        } catch (error) {
          expect(error).toBeInstanceOf(KeyInputError);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('fromBase64', () => {
  it('round-trips any bytes, standard or URL-safe, padded or not', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        const std = b64(bytes);
        expect(fromBase64(std) ?? new Uint8Array()).toEqual(bytes);
        const url = std.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
        if (url.length > 0) expect(fromBase64(url)).toEqual(bytes);
      }),
    );
  });
});

describe('verdictOf', () => {
  const row = (status: Row['status']): Row => ({ id: 'x', label: 'x', status, reason: '' });
  it('is valid only when every row passed, and invalid when any failed or none ran', () => {
    expect(verdictOf([row('pass'), row('pass')])).toBe('valid');
    expect(verdictOf([row('pass'), row('not-checked')])).toBe('incomplete');
    expect(verdictOf([row('not-checked'), row('fail')])).toBe('invalid');
    expect(verdictOf([])).toBe('invalid');
    expect(headlineOf('bundle', [row('pass'), row('not-checked')])).toMatch(/not verified/);
  });
});
