import type { Hash } from '@qsp/crypto-suite';
import canonicalize from 'canonicalize';
import type { EvidenceBundle } from './bundle.js';
import { formatDigest, utf8 } from './encoding.js';
import { EvidenceError } from './errors.js';

/** RFC 8785 canonical JSON text. */
export function canonicalJson(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new EvidenceError('INVALID_ARGUMENT', 'value has no JSON form');
  return text;
}

/**
 * The bytes the signature covers and the bundle hash is taken over: the
 * UTF-8 of the canonical JSON of the bundle with its `signature` member
 * removed.
 */
export function signingBytes(
  bundle: Omit<EvidenceBundle, 'signature'> & { signature?: unknown },
): Uint8Array {
  const { signature: _omit, ...unsigned } = bundle;
  return utf8(canonicalJson(unsigned));
}

/** `sha256:<hex>` of signingBytes(bundle). */
export function bundleHash(
  bundle: Omit<EvidenceBundle, 'signature'> & { signature?: unknown },
  hash: Hash,
): string {
  return formatDigest(hash.digest(signingBytes(bundle)));
}

/** The file form of a bundle: its canonical JSON followed by one LF. */
export function serializeBundle(bundle: EvidenceBundle): Uint8Array {
  return utf8(`${canonicalJson(bundle)}\n`);
}
