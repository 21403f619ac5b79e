// The signer key file `qsp-evidence keygen --out` writes and servers load:
// {key_id, algorithm: "ML-DSA-65", public_key, secret_key}, base64 keys.
// One reader and one writer, shared by the CLI and every deployment.
import { writeFile } from 'node:fs/promises';
import { SIGNATURE_ALGORITHM } from './bundle.js';
import { fromBase64, toBase64 } from './encoding.js';
import { EvidenceError } from './errors.js';
import { readJsonFile } from './json-file.js';
import type { GeneratedKey } from './signer.js';

/**
 * Writes a signer file: never over an existing file (`wx`), readable by its
 * owner only (0600), so a second keygen cannot silently replace a key.
 */
export async function writeSignerFile(path: string, key: GeneratedKey): Promise<void> {
  const file = {
    key_id: key.keyId,
    algorithm: SIGNATURE_ALGORITHM,
    public_key: toBase64(key.publicKey),
    secret_key: toBase64(key.secretKey),
  };
  await writeFile(path, `${JSON.stringify(file, null, 2)}\n`, { flag: 'wx', mode: 0o600 });
}

/** Reads a signer file; a missing file is ARTIFACT_READ_FAILED, bad JSON MALFORMED_JSON, a wrong shape INVALID_ARGUMENT. */
export async function readSignerFile(path: string): Promise<GeneratedKey> {
  const v = (await readJsonFile(path)) as Record<string, unknown> | null;
  if (
    v === null ||
    typeof v !== 'object' ||
    typeof v.key_id !== 'string' ||
    typeof v.public_key !== 'string' ||
    typeof v.secret_key !== 'string'
  ) {
    throw new EvidenceError(
      'INVALID_ARGUMENT',
      `${path} is not a signer file ({key_id, algorithm, public_key, secret_key})`,
    );
  }
  if (v.algorithm !== SIGNATURE_ALGORITHM)
    throw new EvidenceError('INVALID_ARGUMENT', `${path}: algorithm must be ${SIGNATURE_ALGORITHM}`);
  return { keyId: v.key_id, publicKey: fromBase64(v.public_key), secretKey: fromBase64(v.secret_key) };
}
