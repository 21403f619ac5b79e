import { CryptoError } from '../errors.js';

const STRICT_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Strict RFC 4648 §4 base64 (padding required, no whitespace, no URL alphabet), as ETSI 014 keys are. */
export function decodeBase64Strict(text: string, what: string): Uint8Array {
  if (typeof text !== 'string' || !STRICT_BASE64.test(text)) {
    throw new CryptoError('KME_BAD_RESPONSE', `${what} is not standard base64`);
  }
  const binary = atob(text);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export function encodeBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}
