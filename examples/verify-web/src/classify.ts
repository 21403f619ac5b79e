// Telling inputs apart, so a person can drop everything at once: the contract
// or bundle, its artifacts, a key or key registry and a .sha256 file.
import { isObject, jsonOf, utf8 } from './bytes.js';

export type DocumentKind = 'contract' | 'bundle';
export type FileRole = 'document' | 'key' | 'sha256' | 'artifact';

const CONTRACT_MEMBERS = ['exposure_layer', 'decision_layer', 'enforcement_layer', 'input_layer'];
const BUNDLE_MEMBERS = ['merkle_root', 'bundle_id', 'results_summary', 'capabilities_snapshot'];

/**
 * Which verifier a document is for. A document that does not parse is still
 * told apart by the member names in its text, so its own verifier reports the
 * parse failure as a row instead of the page guessing.
 */
export function documentKind(bytes: Uint8Array): DocumentKind | undefined {
  const value = jsonOf(bytes);
  if (isObject(value)) {
    if (CONTRACT_MEMBERS.some((m) => Object.hasOwn(value, m)) || Object.hasOwn(value, 'stage'))
      return 'contract';
    if (BUNDLE_MEMBERS.some((m) => Object.hasOwn(value, m))) return 'bundle';
    return undefined;
  }
  const text = utf8(bytes) ?? '';
  const has = (members: string[]) => members.some((m) => text.includes(`"${m}"`));
  if (has(CONTRACT_MEMBERS)) return 'contract';
  if (has(BUNDLE_MEMBERS)) return 'bundle';
  return undefined;
}

/** What a dropped file most likely is. Anything not recognised is an artifact. */
export function roleOf(name: string, bytes: Uint8Array): FileRole {
  if (/\.sha256$/i.test(name)) return 'sha256';
  const value = jsonOf(bytes);
  if (isObject(value)) {
    if (Array.isArray(value.keys) || typeof value.public_key === 'string') return 'key';
    if (documentKind(bytes)) return 'document';
  }
  if (/\.(pub|pem|key)$/i.test(name)) return 'key';
  return 'artifact';
}
