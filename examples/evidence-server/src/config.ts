// Server options from the environment. Every bad value stops the process
// before it listens, with a message naming the variable.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { noble } from '@qsp/crypto-suite';
import {
  type GeneratedKey,
  generateKey,
  KeyRegistry,
  localSigner,
  remoteSigner,
  type Signer,
} from '@qsp/evidence';
import { readKeyRegistry, readSignerFile, writeKeyRegistry, writeSignerFile } from '@qsp/evidence/node';
import type { Retention } from '@qsp/evidence/store';
import type { ServerOptions } from './server.js';
import { parseTokens, SERVER_SCOPES, type TenantToken } from './tokens.js';

type Env = Readonly<Record<string, string | undefined>>;

/** What the process prints about generated development credentials. */
export interface DevNotes {
  key_id?: string;
  registry?: string;
  signer?: string;
  token?: string;
  tenant_id?: string;
}

function intFromEnv(env: Env, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) > max)
    throw new Error(`${name} must be an integer 0..${max}, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

/**
 * A signer whose secret key does not belong to the registry's public key
 * would produce bundles that never verify: sign a probe and check it against
 * the registry before serving anything.
 */
export function checkSignerKey(keys: KeyRegistry, keyId: string, secretKey: Uint8Array): void {
  const entry = keys.get(keyId);
  if (!entry) throw new Error(`signing key ${keyId} is not in the key registry`);
  const sig = noble.signature('ML-DSA-65');
  const probe = randomBytes(32);
  if (!sig.verify(sig.sign(probe, secretKey), probe, entry.publicKey))
    throw new Error(`the secret key of ${keyId} does not match its public key in the registry`);
}

/** A development key kept in the data dir so bundles signed before a restart still verify after it. */
async function devKey(dataDir: string, notes: DevNotes): Promise<{ keys: KeyRegistry; signer: Signer }> {
  const signerPath = join(dataDir, 'dev-signer.json');
  const registryPath = join(dataDir, 'dev-keys.json');
  let key: GeneratedKey;
  if (existsSync(signerPath)) key = await readSignerFile(signerPath);
  else {
    key = generateKey(`dev_key_${randomBytes(4).toString('hex')}`);
    await mkdir(dataDir, { recursive: true });
    await writeSignerFile(signerPath, key);
    const notBefore = new Date(Date.now() - 60_000);
    await writeKeyRegistry(
      registryPath,
      new KeyRegistry([
        {
          keyId: key.keyId,
          algorithm: 'ML-DSA-65',
          publicKey: key.publicKey,
          notBefore,
          notAfter: new Date(notBefore.getTime() + 365 * 86_400_000),
          revokedAt: null,
        },
      ]),
    );
  }
  const keys = await readKeyRegistry(registryPath);
  checkSignerKey(keys, key.keyId, key.secretKey);
  Object.assign(notes, { key_id: key.keyId, registry: registryPath, signer: signerPath });
  return { keys, signer: localSigner({ keyId: key.keyId, secretKey: key.secretKey }) };
}

/**
 * PORT, HOST                      listen address (default 127.0.0.1:8080; PORT=0 picks one)
 * DATA_DIR                        blobs (and PGlite, and a dev key) live here (default ./data)
 * DATABASE_URL                    PostgreSQL server; unset: PGlite in DATA_DIR/pglite
 * EVIDENCE_DB_SCHEMA              PostgreSQL schema (default qsp_evidence)
 * EVIDENCE_KEYS                   key registry file (qsp-evidence keygen --registry)
 * EVIDENCE_SIGNER                 signer file (qsp-evidence keygen --out)
 * QUANTUMLOCK_URL, QUANTUMLOCK_KEY_ID, QUANTUMLOCK_TOKEN
 *                                 sign through a QuantumLock service instead
 * EVIDENCE_TOKENS                 tenant=token,... or JSON {token: {tenant_id, scopes}}
 * EVIDENCE_RETENTION              standard | compliance (WORM, 7 years) (default standard)
 * PUBLIC_URL                      origin used in download URLs
 * MAX_ARTIFACT_BYTES              largest upload (default 1 GiB)
 */
export async function optionsFromEnv(
  env: Env = process.env,
): Promise<{ options: ServerOptions; dev: DevNotes }> {
  const dev: DevNotes = {};
  const dataDir = resolve(env.DATA_DIR || './data');

  let keys: KeyRegistry;
  let signer: Signer;
  const remote = env.QUANTUMLOCK_URL;
  if (env.EVIDENCE_SIGNER && remote) throw new Error('set EVIDENCE_SIGNER or QUANTUMLOCK_URL, not both');
  if (env.EVIDENCE_SIGNER || remote) {
    if (!env.EVIDENCE_KEYS) throw new Error('EVIDENCE_KEYS (the key registry) is required with a signer');
    keys = await readKeyRegistry(env.EVIDENCE_KEYS);
    if (remote) {
      const keyId = env.QUANTUMLOCK_KEY_ID;
      if (!keyId) throw new Error('QUANTUMLOCK_KEY_ID is required with QUANTUMLOCK_URL');
      const entry = keys.get(keyId);
      if (!entry) throw new Error(`QUANTUMLOCK_KEY_ID ${keyId} is not in the key registry`);
      // Pinning the public key: a faulty or hostile service cannot get an unverifiable bundle stored.
      signer = remoteSigner({
        baseUrl: remote,
        keyId,
        publicKey: entry.publicKey,
        ...(env.QUANTUMLOCK_TOKEN ? { token: env.QUANTUMLOCK_TOKEN } : {}),
      });
    } else {
      const file = await readSignerFile(env.EVIDENCE_SIGNER!);
      checkSignerKey(keys, file.keyId, file.secretKey);
      signer = localSigner({ keyId: file.keyId, secretKey: file.secretKey });
    }
  } else {
    if (env.EVIDENCE_KEYS) throw new Error('EVIDENCE_KEYS needs EVIDENCE_SIGNER or QUANTUMLOCK_URL');
    ({ keys, signer } = await devKey(dataDir, dev));
  }

  let tokens: Record<string, TenantToken>;
  if (env.EVIDENCE_TOKENS) {
    tokens = parseTokens(env.EVIDENCE_TOKENS);
  } else {
    const token = randomBytes(24).toString('base64url');
    tokens = { [token]: { tenant_id: 'dev', scopes: SERVER_SCOPES } };
    Object.assign(dev, { token, tenant_id: 'dev' });
  }

  const retentionName = env.EVIDENCE_RETENTION || 'standard';
  let retention: Retention;
  if (retentionName === 'standard') retention = { class: 'standard' };
  else if (retentionName === 'compliance') retention = { class: 'compliance' };
  else throw new Error('EVIDENCE_RETENTION must be standard or compliance');

  const options: ServerOptions = {
    port: intFromEnv(env, 'PORT', 8080, 65535),
    host: env.HOST || '127.0.0.1',
    dataDir,
    keys,
    signer,
    tokens,
    retention,
    maxArtifactBytes: intFromEnv(env, 'MAX_ARTIFACT_BYTES', 2 ** 30),
    ...(env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL } : {}),
    ...(env.EVIDENCE_DB_SCHEMA ? { schema: env.EVIDENCE_DB_SCHEMA } : {}),
    ...(env.PUBLIC_URL ? { publicUrl: env.PUBLIC_URL } : {}),
  };
  return { options, dev };
}
