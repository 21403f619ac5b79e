import { assertBytes } from '../bytes.js';
import { CryptoError } from '../errors.js';
import { HASH_PARAMS } from '../params.js';
import type { Hash, HashId, HashState } from '../types.js';

/** What an engine supplies for a hash: one-shot and incremental. */
export interface RawHash {
  digest(data: Uint8Array): Uint8Array;
  create(): { update(data: Uint8Array): unknown; digest(): Uint8Array };
}

/** Wraps an engine's hash with the argument checks and the use-after-digest guard every engine shares. */
export function defineHash(id: HashId, raw: RawHash): Hash {
  const { outputLength, blockLength } = HASH_PARAMS[id];
  return Object.freeze({
    id,
    outputLength,
    blockLength,
    digest(data: Uint8Array): Uint8Array {
      assertBytes(data, 'data');
      return raw.digest(data);
    },
    create(): HashState {
      const inner = raw.create();
      let finished = false;
      const state: HashState = {
        update(data: Uint8Array): HashState {
          if (finished) throw new CryptoError('HASH_FINALIZED', `${id} state used after digest()`);
          assertBytes(data, 'data');
          inner.update(data);
          return state;
        },
        digest(): Uint8Array {
          if (finished) throw new CryptoError('HASH_FINALIZED', `${id} state used after digest()`);
          finished = true;
          return inner.digest();
        },
      };
      return state;
    },
  });
}
