import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';
import { noble } from '@qsp/crypto-suite';

const sha256 = noble.hash('SHA-256');

/** Lowercase hex SHA-256 of bytes, or of a string's UTF-8 encoding. */
export function sha256Hex(data: Uint8Array | string): string {
  return bytesToHex(sha256.digest(typeof data === 'string' ? utf8ToBytes(data) : data));
}
