// What a person may give as "the public key": an evidence key registry file
// ({"keys":[...]}, with validity windows and revocations), or one bare ML-DSA
// public key as raw bytes, hex, base64, a PEM-like armour around base64, or
// JSON {"public_key": "..."}. The size of the key names its ML-DSA level.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { KeyRegistry } from '@qsp/evidence';
import { fromBase64, fromHex, isObject, jsonOf, utf8 } from './bytes.js';

export type MlDsa = 'ML-DSA-44' | 'ML-DSA-65' | 'ML-DSA-87';

/** FIPS 204 Table 2 public key sizes. */
const BY_LENGTH: ReadonlyMap<number, MlDsa> = new Map([
  [1312, 'ML-DSA-44'],
  [1952, 'ML-DSA-65'],
  [2592, 'ML-DSA-87'],
]);

export type KeyMaterial =
  | { readonly kind: 'registry'; readonly registry: KeyRegistry; readonly summary: string }
  | {
      readonly kind: 'key';
      readonly algorithm: MlDsa;
      readonly publicKey: Uint8Array;
      readonly summary: string;
    };

export class KeyInputError extends Error {
  override readonly name = 'KeyInputError';
}

/** SHA-256 of a public key, hex: how @qsp/contract names keys, and a fingerprint to compare by eye. */
export const fingerprint = (publicKey: Uint8Array) => bytesToHex(sha256(publicKey));

function bareKey(bytes: Uint8Array, declared?: unknown): KeyMaterial {
  const algorithm = BY_LENGTH.get(bytes.length);
  if (!algorithm) {
    throw new KeyInputError(
      `a ${bytes.length}-byte key is not an ML-DSA public key (1312, 1952 or 2592 bytes)`,
    );
  }
  if (declared !== undefined && declared !== algorithm) {
    throw new KeyInputError(
      `the key says ${String(declared)} but its ${bytes.length} bytes are an ${algorithm} key`,
    );
  }
  return {
    kind: 'key',
    algorithm,
    publicKey: bytes,
    summary: `${algorithm} public key, SHA-256 ${fingerprint(bytes)}`,
  };
}

function decodeText(text: string): Uint8Array | undefined {
  const body = text
    .split(/\r?\n/)
    .filter((line) => !/^-----(BEGIN|END) [A-Z0-9 -]+-----$/.test(line.trim()))
    .join('')
    .replace(/\s+/g, '');
  if (body.length === 0) return undefined;
  return fromHex(body) ?? fromBase64(body);
}

/** Reads key material; throws KeyInputError saying what is wrong with it. */
export function parseKeyMaterial(bytes: Uint8Array): KeyMaterial {
  const json = jsonOf(bytes);
  if (isObject(json) && Array.isArray(json.keys)) {
    let registry: KeyRegistry;
    try {
      registry = KeyRegistry.parse(bytes);
    } catch (error) {
      throw new KeyInputError(`not a usable key registry: ${(error as Error).message}`);
    }
    const keys = registry.keys();
    const revoked = keys.filter((k) => k.revokedAt !== null).length;
    return {
      kind: 'registry',
      registry,
      summary: `key registry with ${keys.length} key${keys.length === 1 ? '' : 's'}${revoked ? ` (${revoked} revoked)` : ''}`,
    };
  }
  if (isObject(json)) {
    if (typeof json.public_key !== 'string') {
      throw new KeyInputError(
        'JSON key material must be a key registry {"keys":[...]} or {"public_key": "<hex or base64>"}',
      );
    }
    const decoded = decodeText(json.public_key);
    if (!decoded) throw new KeyInputError('public_key is neither hex nor base64');
    return bareKey(decoded, json.algorithm);
  }
  const text = utf8(bytes);
  if (text !== undefined && !BY_LENGTH.has(bytes.length)) {
    const decoded = decodeText(text);
    if (!decoded) throw new KeyInputError('the key text is neither hex nor base64');
    return bareKey(decoded);
  }
  return bareKey(bytes);
}
