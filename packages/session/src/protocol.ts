import type { KemId } from '@qsp/crypto-suite';
import { utf8 } from './bytes.js';

/** QSP v1.0 on the wire (major 1, minor 0). No other version is accepted. */
export const PROTOCOL_VERSION = 0x0100;

export const RANDOM_LENGTH = 32;

/** Handshake message types (first byte of every HANDSHAKE frame payload). */
export const HandshakeType = {
  CLIENT_HELLO: 1,
  SERVER_HELLO: 2,
  CLIENT_FINISHED: 3,
} as const;
export type HandshakeType = (typeof HandshakeType)[keyof typeof HandshakeType];

/** KEM group code points carried in key shares (docs/qsp-v1.md §3). */
export const KemGroup: Readonly<Record<KemId, number>> = {
  'ML-KEM-768': 0x0001,
  'ML-KEM-1024': 0x0002,
  'X-Wing': 0x0003,
};

export function kemGroupOf(id: KemId): number {
  return KemGroup[id];
}

/** Bounds the codec enforces before any field is used. */
export const Bounds = {
  maxSuites: 32,
  maxKeyShares: 8,
  maxKemPublicKey: 4096,
  maxKemCiphertext: 4096,
  maxSignaturePublicKey: 4096,
  maxSignature: 8192,
  maxKeyId: 255,
  minFinished: 32,
  maxFinished: 64,
} as const;

/**
 * ML-DSA context strings (FIPS 204 ctx): they name protocol, version and role,
 * so a handshake signature can never be replayed as the other role's or as
 * any other protocol's signature (the job TLS 1.3 gives CertificateVerify's
 * 64-space prefix and context string).
 */
export const SIGNATURE_CONTEXT = {
  server: utf8('QSP v1.0 server handshake signature'),
  client: utf8('QSP v1.0 client handshake signature'),
} as const;

/** HKDF-Expand-Label labels; the Kdf prepends "qsp1 ". */
export const Label = {
  derived: 'derived',
  clientHandshake: 'c hs traffic',
  serverHandshake: 's hs traffic',
  clientApplication: 'c ap traffic',
  serverApplication: 's ap traffic',
  finished: 'finished',
  key: 'key',
  iv: 'iv',
  trafficUpdate: 'traffic upd',
} as const;

/** Seed §7.2: confirm = H(material || "ack"), first 32 bytes. */
export const REKEY_ACK_SUFFIX = utf8('ack');
