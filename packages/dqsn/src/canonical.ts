import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import canonicalize from 'canonicalize';
import type { JsonValue } from './types.js';

/** RFC 8785 canonical JSON of a value the strict parser (or this package) produced. */
export function canonicalJson(value: JsonValue | object): string {
  const text = canonicalize(value);
  // Only undefined/functions/symbols canonicalise to nothing; none reach here from a parsed request.
  if (text === undefined) throw new TypeError('value has no canonical JSON form');
  return text;
}

/** Lower-case hex SHA-256 of the UTF-8 bytes of `text`. */
export function sha256Hex(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)));
}
