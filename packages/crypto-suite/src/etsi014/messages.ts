// ETSI GS QKD 014 V1.1.1 (2019-02) §6 data formats, and their validation.
// Extension fields are allowed and ignored; everything the client relies on
// is checked before any key leaves this module.
import { CryptoError } from '../errors.js';
import { decodeBase64Strict } from './base64.js';

/** §6.1 Status. */
export interface Etsi014Status {
  readonly source_KME_ID: string;
  readonly target_KME_ID: string;
  readonly master_SAE_ID: string;
  readonly slave_SAE_ID: string;
  readonly key_size: number;
  readonly stored_key_count: number;
  readonly max_key_count: number;
  readonly max_key_per_request: number;
  readonly max_key_size: number;
  readonly min_key_size: number;
  readonly max_SAE_ID_count: number;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function bad(message: string): CryptoError {
  return new CryptoError('KME_BAD_RESPONSE', message);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const STATUS_STRINGS = ['source_KME_ID', 'target_KME_ID', 'master_SAE_ID', 'slave_SAE_ID'] as const;
const STATUS_INTEGERS = [
  'key_size',
  'stored_key_count',
  'max_key_count',
  'max_key_per_request',
  'max_key_size',
  'min_key_size',
  'max_SAE_ID_count',
] as const;

/** The §6.1 fields, checked and copied (extension fields are dropped). */
export function parseStatus(body: unknown): Etsi014Status {
  if (!isObject(body)) throw bad('status is not a JSON object');
  for (const f of STATUS_STRINGS) {
    if (typeof body[f] !== 'string') throw bad(`status.${f} is not a string`);
  }
  for (const f of STATUS_INTEGERS) {
    const v = body[f];
    if (!(typeof v === 'number' && Number.isSafeInteger(v) && v >= 0))
      throw bad(`status.${f} is not a non-negative integer`);
  }
  const out: Record<string, unknown> = {};
  for (const f of [...STATUS_STRINGS, ...STATUS_INTEGERS]) out[f] = body[f];
  return out as unknown as Etsi014Status;
}

/**
 * §6.3 Key container: exactly the expected number of keys, each with a UUID
 * key_ID (for dec_keys: exactly the requested ids, each once, returned in the
 * order asked) and a base64 key of `sizeBits` bits when a size was asked, and
 * never fewer than `minBits`. On any failure every key decoded so far is
 * wiped and nothing is returned.
 */
export function parseKeyContainer(
  body: unknown,
  expect: { count: number; sizeBits?: number; minBits: number; keyIds?: readonly string[] },
): { keyId: string; key: Uint8Array }[] {
  if (!isObject(body) || !Array.isArray(body.keys)) throw bad('key container has no "keys" array');
  if (body.keys.length !== expect.count)
    throw bad(`expected ${expect.count} key(s), got ${body.keys.length}`);
  const out: { keyId: string; key: Uint8Array }[] = [];
  try {
    const seen = new Set<string>();
    body.keys.forEach((entry: unknown, i: number) => {
      if (!isObject(entry)) throw bad(`keys[${i}] is not an object`);
      const keyId = entry.key_ID;
      if (typeof keyId !== 'string' || !UUID.test(keyId)) throw bad(`keys[${i}].key_ID is not a UUID`);
      const norm = keyId.toLowerCase();
      if (seen.has(norm)) throw bad(`keys[${i}].key_ID repeats an earlier key_ID`);
      seen.add(norm);
      if (typeof entry.key !== 'string') throw bad(`keys[${i}].key is not a string`);
      const key = decodeBase64Strict(entry.key, `keys[${i}].key`);
      out.push({ keyId, key });
      const gotBits = key.length * 8;
      const wantBits = expect.sizeBits ?? expect.minBits;
      if (gotBits < wantBits || gotBits < expect.minBits) {
        throw new CryptoError(
          'KEY_TOO_SHORT',
          `keys[${i}] has ${gotBits} bits, needs ${Math.max(wantBits, expect.minBits)}`,
          {
            details: { gotBits, wantBits: Math.max(wantBits, expect.minBits) },
          },
        );
      }
      if (expect.sizeBits !== undefined && gotBits !== expect.sizeBits) {
        throw bad(`keys[${i}] has ${gotBits} bits, asked for ${expect.sizeBits}`);
      }
    });
    if (expect.keyIds === undefined) return out;
    // The standard does not promise the order; the caller gets the order it asked for.
    const byId = new Map(out.map((k) => [k.keyId.toLowerCase(), k]));
    return expect.keyIds.map((wanted) => {
      const k = byId.get(wanted.toLowerCase());
      if (k === undefined) throw bad(`the KME did not return the requested key_ID ${wanted}`);
      return k;
    });
  } catch (e) {
    for (const k of out) k.key.fill(0);
    throw e;
  }
}
