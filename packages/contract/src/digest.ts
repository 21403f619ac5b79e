// The embedded digest `exposure_layer.contract_sha256`, under two rules.
//
// rfc8785-sha256 (contracts this package builds, marked by
//   exposure_layer.digest_rule): SHA-256 of the RFC 8785 (JCS) canonical JSON
//   of the contract with contract_sha256 = "" and, when a signature is
//   present, signature.value = "". JCS is specified byte for byte and has
//   implementations in most languages, so any consumer can recompute it; the
//   result does not depend on key order or whitespace of the file.
// python-pretty (reference contracts: no digest_rule): SHA-256 of Python's
//   json.dumps(indent=2, sort_keys=True, ensure_ascii=False) + "\n" of the
//   contract with contract_sha256 = "". See python-json.ts for how, and how
//   far, that is reproduced.
import canonicalize from 'canonicalize';
import { sha256Hex } from './hash.js';
import { parsePreservingNumbers, pythonPrettyJson } from './python-json.js';
import type { Contract } from './types.js';

export const RFC8785_RULE = 'rfc8785-sha256';
export const PYTHON_RULE = 'python-pretty';
export type DigestRuleName = typeof RFC8785_RULE | typeof PYTHON_RULE;

function blanked(contract: Contract): Contract {
  const exposure = { ...contract.exposure_layer, contract_sha256: '' };
  if (exposure.signature) exposure.signature = { ...exposure.signature, value: '' };
  return { ...contract, exposure_layer: exposure };
}

/** The RFC 8785 bytes the digest and the signature cover (digest and signature value blanked). */
export function canonicalPreimage(contract: Contract): string {
  const text = canonicalize(blanked(contract));
  if (text === undefined) throw new TypeError('contract is not JSON-serialisable');
  return text;
}

/** contract_sha256 under rfc8785-sha256. */
export function rfc8785Digest(contract: Contract): string {
  return sha256Hex(canonicalPreimage(contract));
}

/**
 * contract_sha256 under the reference's rule, from the contract's JSON text
 * (not a parsed object: Python's output depends on how each number was written).
 */
export function pythonDigest(text: string): string {
  const value = parsePreservingNumbers(text) as { exposure_layer?: Record<string, unknown> };
  if (
    typeof value !== 'object' ||
    value === null ||
    typeof value.exposure_layer !== 'object' ||
    value.exposure_layer === null
  ) {
    throw new TypeError('contract has no exposure_layer object');
  }
  value.exposure_layer.contract_sha256 = '';
  return sha256Hex(pythonPrettyJson(value));
}
