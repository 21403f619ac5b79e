import { assertBytes, EMPTY } from '../bytes.js';
import { assertLength } from '../checks.js';
import { CryptoError, isCryptoError } from '../errors.js';
import { AEAD_PARAMS } from '../params.js';
import type { Aead, AeadId, DetachedSeal } from '../types.js';

/** What an engine supplies for an AEAD; every length is checked before these run. */
export interface RawAead {
  seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Uint8Array;
  /** Optional faster path; without it the wrapper copies `seal`'s output. `out` has room for the result. */
  sealInto?(
    key: Uint8Array,
    nonce: Uint8Array,
    plaintext: Uint8Array,
    aad: Uint8Array,
    out: Uint8Array,
    offset: number,
  ): void;
  /** Optional; without it the wrapper returns two views of `seal`'s output. */
  sealDetached?(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): DetachedSeal;
  /** May throw anything on failure; the wrapper turns it into AEAD_OPEN_FAILED. */
  open(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, aad: Uint8Array): Uint8Array;
}

export function defineAead(id: AeadId, raw: RawAead): Aead {
  const { keyLength, nonceLength, tagLength } = AEAD_PARAMS[id];
  // Built once: this runs on every record, where a 64-byte seal costs a few microseconds.
  const keyWhat = `${id} key`;
  const nonceWhat = `${id} nonce`;
  const common = (key: Uint8Array, nonce: Uint8Array, aad: Uint8Array | undefined): Uint8Array => {
    assertLength(key, keyLength, 'INVALID_KEY_LENGTH', keyWhat);
    assertLength(nonce, nonceLength, 'INVALID_NONCE_LENGTH', nonceWhat);
    if (aad === undefined) return EMPTY;
    assertBytes(aad, 'aad');
    return aad;
  };
  const sealInto =
    raw.sealInto ??
    ((key, nonce, plaintext, aad, out, offset) => out.set(raw.seal(key, nonce, plaintext, aad), offset));
  const sealDetached =
    raw.sealDetached ??
    ((key, nonce, plaintext, aad) => {
      const sealed = raw.seal(key, nonce, plaintext, aad);
      const split = sealed.length - tagLength;
      return { ciphertext: sealed.subarray(0, split), tag: sealed.subarray(split) };
    });
  return Object.freeze({
    id,
    keyLength,
    nonceLength,
    tagLength,
    seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array {
      const a = common(key, nonce, aad);
      assertBytes(plaintext, 'plaintext');
      return raw.seal(key, nonce, plaintext, a);
    },
    sealInto(
      key: Uint8Array,
      nonce: Uint8Array,
      plaintext: Uint8Array,
      aad: Uint8Array | undefined,
      out: Uint8Array,
      offset = 0,
    ): number {
      const a = common(key, nonce, aad);
      assertBytes(plaintext, 'plaintext');
      assertBytes(out, 'out');
      if (!Number.isSafeInteger(offset) || offset < 0 || offset > out.length) {
        throw new CryptoError(
          'INVALID_ARGUMENT',
          `offset must be an integer in [0, ${out.length}], got ${offset}`,
        );
      }
      const length = plaintext.length + tagLength;
      if (out.length - offset < length) {
        throw new CryptoError(
          'INVALID_ARGUMENT',
          `out needs ${length} bytes from offset ${offset}, has ${out.length - offset}`,
        );
      }
      sealInto(key, nonce, plaintext, a, out, offset);
      return length;
    },
    sealDetached(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): DetachedSeal {
      const a = common(key, nonce, aad);
      assertBytes(plaintext, 'plaintext');
      return sealDetached(key, nonce, plaintext, a);
    },
    open(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, aad?: Uint8Array): Uint8Array {
      const a = common(key, nonce, aad);
      assertBytes(ciphertext, 'ciphertext');
      if (ciphertext.length < tagLength) {
        throw new CryptoError(
          'INVALID_CIPHERTEXT',
          `${id} ciphertext must hold at least the ${tagLength}-byte tag, got ${ciphertext.length} bytes`,
        );
      }
      try {
        return raw.open(key, nonce, ciphertext, a);
      } catch (cause) {
        if (isCryptoError(cause)) throw cause;
        throw new CryptoError('AEAD_OPEN_FAILED', `${id} authentication failed`, { cause });
      }
    },
  });
}
