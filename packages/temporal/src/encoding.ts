import canonicalize from 'canonicalize';
import { TemporalError, type TemporalErrorCode } from './errors.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const encoder = new TextEncoder();

/** RFC 8785 canonical JSON as UTF-8 bytes: the exact bytes that get signed. */
export function canonicalBytes(value: unknown): Uint8Array {
  const text = canonicalize(value);
  if (text === undefined) throw new TemporalError('INVALID_ARGUMENT', 'value has no JSON form');
  return encoder.encode(text);
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/** Strict base64 (RFC 4648 §4, padded, no whitespace): one encoding per byte string. */
export function fromBase64(value: string, code: TemporalErrorCode, what: string): Uint8Array {
  if (!BASE64.test(value)) throw new TemporalError(code, `${what} is not canonical base64`);
  const bytes = new Uint8Array(Buffer.from(value, 'base64'));
  if (toBase64(bytes) !== value) throw new TemporalError(code, `${what} is not canonical base64`);
  return bytes;
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
