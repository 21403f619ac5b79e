import { type CryptoSuite, constantTimeEqual } from '@qsp/crypto-suite';
import { CloseReason } from '@qsp/wire';
import type { PeerInfo } from './options.js';
import { Violation } from './violation.js';

/**
 * A peer key is trusted when it is pinned, or else when the trust callback
 * returns exactly `true`. A throwing callback is a rejection.
 */
export function checkTrust(
  publicKey: Uint8Array,
  suite: CryptoSuite,
  pinned: readonly Uint8Array[] | undefined,
  callback: ((peer: PeerInfo) => boolean) | undefined,
  who: string,
): void {
  if (pinned?.some((k) => k.length === publicKey.length && constantTimeEqual(k, publicKey))) return;
  let accepted = false;
  if (callback) {
    try {
      accepted = callback({ publicKey: publicKey.slice(), suite }) === true;
    } catch (cause) {
      throw new Violation(CloseReason.AUTHENTICATION_FAILED, `${who} trust callback threw`, { cause });
    }
  }
  if (!accepted) throw new Violation(CloseReason.AUTHENTICATION_FAILED, `${who} key is not trusted`);
}

/** Seed lengths for derandomized KEM operations (FIPS 203 d||z and m; X-Wing draft). */
export const KEM_SEEDS: Readonly<Record<string, { keygen: number; encapsulate: number }>> = {
  'ML-KEM-768': { keygen: 64, encapsulate: 32 },
  'ML-KEM-1024': { keygen: 64, encapsulate: 32 },
  'X-Wing': { keygen: 32, encapsulate: 64 },
};
