import { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';
import { EvidenceError } from './errors.js';

export { bytesToHex, hexToBytes } from '@noble/hashes/utils.js';

const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** `sha256:<lowercase hex>`, the only digest form a v1.0 bundle uses. */
export function formatDigest(digest: Uint8Array): string {
  if (digest.length !== 32) throw new EvidenceError('INVALID_ARGUMENT', 'a SHA-256 digest is 32 bytes');
  return `sha256:${bytesToHex(digest)}`;
}

export function isDigest(value: unknown): value is string {
  return typeof value === 'string' && DIGEST.test(value);
}

/** The 32 raw bytes of a `sha256:<hex>` string; uppercase hex and other algorithms are refused. */
export function parseDigest(value: string): Uint8Array {
  if (!isDigest(value))
    throw new EvidenceError('INVALID_ARGUMENT', `not a sha256:<64 lowercase hex> digest: ${value}`);
  return hexToBytes(value.slice(7));
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Standard base64 (RFC 4648 §4) with padding, through the platform's btoa. */
export function toBase64(bytes: Uint8Array): string {
  let binary = '';
  const step = 0x8000;
  for (let i = 0; i < bytes.length; i += step) {
    binary += String.fromCharCode(...bytes.subarray(i, i + step));
  }
  return btoa(binary);
}

/**
 * Strict standard base64: padded, no whitespace, no URL alphabet, and
 * canonical (the unused low bits of the last symbol are zero), so one byte
 * string has exactly one accepted text form.
 */
export function fromBase64(text: string): Uint8Array {
  if (typeof text !== 'string' || !BASE64.test(text)) {
    throw new EvidenceError('INVALID_ARGUMENT', 'not standard padded base64');
  }
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  if (toBase64(bytes) !== text) throw new EvidenceError('INVALID_ARGUMENT', 'non-canonical base64');
  return bytes;
}

const encoder = new TextEncoder();

export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}
