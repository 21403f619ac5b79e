import { readFile, writeFile } from 'node:fs/promises';
import type { KeyPair, SignatureId } from '@qsp/crypto-suite';
import { fromBase64, toBase64 } from './encoding.js';
import { TemporalError } from './errors.js';

/** A key file as the CLI writes it: JSON, base64 keys; secret key files are mode 0600. */
export interface KeyFile {
  readonly alg: SignatureId;
  readonly publicKey: string;
  readonly secretKey?: string;
}

const ALGS: readonly SignatureId[] = ['ML-DSA-44', 'ML-DSA-65', 'ML-DSA-87'];

export async function writeKeyFile(path: string, alg: SignatureId, pair: Partial<KeyPair>, secret: boolean) {
  if (!pair.publicKey) throw new TemporalError('INVALID_ARGUMENT', 'a key file needs a public key');
  const file: KeyFile = {
    alg,
    publicKey: toBase64(pair.publicKey),
    ...(secret && pair.secretKey ? { secretKey: toBase64(pair.secretKey) } : {}),
  };
  await writeFile(path, `${JSON.stringify(file, null, 2)}\n`, { mode: secret ? 0o600 : 0o644, flag: 'wx' });
}

export async function readKeyFile(
  path: string,
): Promise<{ alg: SignatureId; publicKey: Uint8Array; secretKey?: Uint8Array }> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (cause) {
    throw new TemporalError('INVALID_ARGUMENT', `cannot read key file ${path}`, { cause });
  }
  const f = parsed as Partial<KeyFile>;
  if (
    typeof f !== 'object' ||
    f === null ||
    !ALGS.includes(f.alg as SignatureId) ||
    typeof f.publicKey !== 'string'
  ) {
    throw new TemporalError('INVALID_ARGUMENT', `${path} is not a QSAFP key file`);
  }
  return {
    alg: f.alg as SignatureId,
    publicKey: fromBase64(f.publicKey, 'INVALID_ARGUMENT', 'publicKey'),
    ...(typeof f.secretKey === 'string'
      ? { secretKey: fromBase64(f.secretKey, 'INVALID_ARGUMENT', 'secretKey') }
      : {}),
  };
}
