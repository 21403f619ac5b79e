import type { CryptoSuite } from '@qsp/crypto-suite';
import { concat } from './bytes.js';

/**
 * The handshake transcript: the exact payloads of every HANDSHAKE frame so
 * far. Its hashes cover every offered and selected suite and every KEM share.
 */
export class Transcript {
  readonly #parts: Uint8Array[] = [];

  add(bytes: Uint8Array): void {
    this.#parts.push(bytes);
  }

  /** H(transcript || extra) without changing the transcript. */
  hash(suite: CryptoSuite, extra?: Uint8Array): Uint8Array {
    const state = suite.hash.create();
    for (const p of this.#parts) state.update(p);
    if (extra) state.update(extra);
    return state.digest();
  }

  bytes(): Uint8Array {
    return concat(...this.#parts);
  }
}
