// Configuration from the environment: tokens, and keys checked before listening.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { toBase64 } from '@qsp/evidence';
import { describe, expect, it } from 'vitest';
import { optionsFromEnv } from '../src/config.js';
import { parseTokens } from '../src/tokens.js';
import { KEY, keys, OTHER } from './helpers.js';

describe('configuration', () => {
  it('parses token lists and refuses weak or unknown ones', () => {
    expect(parseTokens('tenant_a=aaaaaaaaaaaaaaaaaaaa,tenant_b=bbbbbbbbbbbbbbbbbbbb')).toMatchObject({
      aaaaaaaaaaaaaaaaaaaa: { tenant_id: 'tenant_a' },
      bbbbbbbbbbbbbbbbbbbb: { tenant_id: 'tenant_b' },
    });
    expect(() => parseTokens('tenant_a=x,tenant_a=x')).toThrow(/twice/);
    expect(() => parseTokens('no-equals-sign')).toThrow();
    expect(
      parseTokens('{"cccccccccccccccccccc":{"tenant_id":"t","scopes":["evidence:read"]}}')
        .cccccccccccccccccccc,
    ).toEqual({ tenant_id: 't', scopes: ['evidence:read'] });
  });

  it('refuses a signer file whose key does not match the registry, before listening', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qsp-evidence-server-cfg-'));
    try {
      const signerFile = join(dir, 'signer.json');
      await writeFile(
        signerFile,
        JSON.stringify({
          key_id: KEY.keyId,
          algorithm: 'ML-DSA-65',
          public_key: toBase64(OTHER.publicKey),
          secret_key: toBase64(OTHER.secretKey),
        }),
      );
      const registry = join(dir, 'keys.json');
      await writeFile(registry, JSON.stringify(keys().toJSON()));
      await expect(
        optionsFromEnv({
          DATA_DIR: dir,
          EVIDENCE_SIGNER: signerFile,
          EVIDENCE_KEYS: registry,
          EVIDENCE_TOKENS: 't=aaaaaaaaaaaaaaaaaaaa',
        }),
      ).rejects.toThrow(/does not match/);
      await expect(optionsFromEnv({ DATA_DIR: dir, EVIDENCE_SIGNER: signerFile })).rejects.toThrow(
        /EVIDENCE_KEYS/,
      );
      await expect(optionsFromEnv({ DATA_DIR: dir, PORT: '70000' })).rejects.toThrow(/PORT/);
      await writeFile(
        signerFile,
        JSON.stringify({
          key_id: KEY.keyId,
          algorithm: 'ML-DSA-65',
          public_key: toBase64(KEY.publicKey),
          secret_key: toBase64(KEY.secretKey),
        }),
      );
      const { options, dev } = await optionsFromEnv({
        DATA_DIR: dir,
        EVIDENCE_SIGNER: signerFile,
        EVIDENCE_KEYS: registry,
        EVIDENCE_TOKENS: 't=aaaaaaaaaaaaaaaaaaaa',
      });
      expect(options.signer.keyId).toBe(KEY.keyId);
      expect(dev).toEqual({});
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
