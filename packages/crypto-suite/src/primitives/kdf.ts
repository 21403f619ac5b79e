import { assertBytes } from '../bytes.js';
import { CryptoError } from '../errors.js';
import type { Hash, Kdf, KdfId } from '../types.js';

/** What an engine supplies for HKDF; lengths are already checked when these are called. */
export interface RawHkdf {
  extract(salt: Uint8Array, ikm: Uint8Array): Uint8Array;
  expand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array;
}

export const DEFAULT_LABEL_PREFIX = 'qsp1 ';

const utf8 = new TextEncoder();

/**
 * The HkdfLabel structure of RFC 8446 §7.1 with a configurable prefix:
 * u16 length || u8 len || prefix+label || u8 len || context.
 */
export function hkdfLabel(
  label: string,
  context: Uint8Array,
  length: number,
  labelPrefix: string,
): Uint8Array {
  const fullLabel = utf8.encode(labelPrefix + label);
  if (fullLabel.length > 255) throw new CryptoError('INVALID_ARGUMENT', 'label longer than 255 bytes');
  if (context.length > 255) throw new CryptoError('INVALID_ARGUMENT', 'context longer than 255 bytes');
  const info = new Uint8Array(2 + 1 + fullLabel.length + 1 + context.length);
  info[0] = length >>> 8;
  info[1] = length & 0xff;
  info[2] = fullLabel.length;
  info.set(fullLabel, 3);
  info[3 + fullLabel.length] = context.length;
  info.set(context, 4 + fullLabel.length);
  return info;
}

export function defineKdf(id: KdfId, hash: Hash, raw: RawHkdf): Kdf {
  const hashLen = hash.outputLength;
  const maxLength = 255 * hashLen;
  const checkLength = (length: number, max: number): void => {
    if (!Number.isSafeInteger(length) || length < 0 || length > max) {
      throw new CryptoError(
        'KDF_LENGTH',
        `${id} output length must be an integer in 0..${max}, got ${length}`,
      );
    }
  };
  const expand = (prk: Uint8Array, info: Uint8Array, length: number): Uint8Array => {
    assertBytes(prk, 'prk');
    assertBytes(info, 'info');
    checkLength(length, maxLength);
    if (prk.length < hashLen) {
      throw new CryptoError(
        'INVALID_KEY_LENGTH',
        `${id} PRK must be at least ${hashLen} bytes, got ${prk.length}`,
      );
    }
    if (length === 0) return new Uint8Array(0);
    return raw.expand(prk, info, length);
  };
  return Object.freeze({
    id,
    hash,
    extract(salt: Uint8Array | undefined, ikm: Uint8Array): Uint8Array {
      if (salt !== undefined) assertBytes(salt, 'salt');
      assertBytes(ikm, 'ikm');
      return raw.extract(salt ?? new Uint8Array(hashLen), ikm);
    },
    expand,
    expandLabel(
      secret: Uint8Array,
      label: string,
      context: Uint8Array,
      length: number,
      labelPrefix: string = DEFAULT_LABEL_PREFIX,
    ): Uint8Array {
      if (typeof label !== 'string' || typeof labelPrefix !== 'string') {
        throw new CryptoError('INVALID_ARGUMENT', 'label and labelPrefix must be strings');
      }
      assertBytes(context, 'context');
      checkLength(length, Math.min(maxLength, 0xffff));
      return expand(secret, hkdfLabel(label, context, length, labelPrefix), length);
    },
  });
}
