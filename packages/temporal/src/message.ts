import type { Signature } from '@qsp/crypto-suite';
import { canonicalBytes, fromBase64, toBase64 } from './encoding.js';
import { TemporalError } from './errors.js';
import { formatRfc3339, parseRfc3339 } from './rfc3339.js';
import { assertSystemId } from './uuid.js';

export const MESSAGE_VERSION = '1.0';
export const OPERATIONS = ['register', 'renew', 'status', 'shutdown'] as const;
export type Operation = (typeof OPERATIONS)[number];

/** The §1.1 message, exactly: six string fields. */
export interface QsafpMessage {
  readonly version: typeof MESSAGE_VERSION;
  readonly system_id: string;
  readonly operation: Operation;
  readonly timestamp: string;
  readonly expiration: string;
  readonly signature: string;
}

export type UnsignedMessage = Omit<QsafpMessage, 'signature'>;

/** A message that passed every check, with its times in epoch milliseconds. */
export interface VerifiedMessage {
  readonly message: QsafpMessage;
  readonly timestampMs: number;
  readonly expirationMs: number;
}

/**
 * FIPS 204 context string: a signature made for a QSAFP message can never be
 * replayed as a signature over anything else this toolkit signs.
 */
export const MESSAGE_CONTEXT = new TextEncoder().encode('qsafp/1.0 message');

const FIELDS = new Set(['version', 'system_id', 'operation', 'timestamp', 'expiration', 'signature']);
const MAX_MESSAGE_BYTES = 16 * 1024;
/** Longest base64 of an ML-DSA-87 signature (4627 bytes). */
const MAX_SIGNATURE_CHARS = 6172;

/** The bytes a signature covers: RFC 8785 canonical JSON of the message without `signature`. */
export function signedBytes(message: UnsignedMessage | QsafpMessage): Uint8Array {
  const { version, system_id, operation, timestamp, expiration } = message;
  return canonicalBytes({ version, system_id, operation, timestamp, expiration });
}

export interface MessageFields {
  readonly systemId: string;
  readonly operation: Operation;
  readonly timestampMs: number;
  readonly expirationMs: number;
}

export function signMessage(fields: MessageFields, secretKey: Uint8Array, alg: Signature): QsafpMessage {
  if (!OPERATIONS.includes(fields.operation)) {
    throw new TemporalError('UNKNOWN_OPERATION', `unknown operation ${JSON.stringify(fields.operation)}`);
  }
  const unsigned: UnsignedMessage = {
    version: MESSAGE_VERSION,
    system_id: assertSystemId(fields.systemId),
    operation: fields.operation,
    timestamp: formatRfc3339(fields.timestampMs),
    expiration: formatRfc3339(fields.expirationMs),
  };
  const signature = alg.sign(signedBytes(unsigned), secretKey, { context: MESSAGE_CONTEXT });
  return Object.freeze({ ...unsigned, signature: toBase64(signature) });
}

/**
 * Parses untrusted input (JSON text, UTF-8 bytes or an object) into a §1.1
 * message, checking shape and syntax only (no signature, no time).
 */
export function parseMessage(input: unknown): QsafpMessage {
  let value = input;
  if (input instanceof Uint8Array) {
    if (input.length > MAX_MESSAGE_BYTES)
      throw new TemporalError('MALFORMED_MESSAGE', 'message is too large');
    try {
      value = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(input);
    } catch (cause) {
      throw new TemporalError('MALFORMED_MESSAGE', 'message is not UTF-8', { cause });
    }
  }
  if (typeof value === 'string') {
    if (value.length > MAX_MESSAGE_BYTES)
      throw new TemporalError('MALFORMED_MESSAGE', 'message is too large');
    try {
      value = JSON.parse(value);
    } catch (cause) {
      throw new TemporalError('MALFORMED_MESSAGE', 'message is not JSON', { cause });
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TemporalError('MALFORMED_MESSAGE', 'message must be a JSON object');
  }
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!FIELDS.has(key))
      throw new TemporalError('MALFORMED_MESSAGE', `unknown field ${JSON.stringify(key)}`);
  }
  for (const key of FIELDS) {
    if (key === 'signature') continue;
    if (typeof record[key] !== 'string') {
      throw new TemporalError('MALFORMED_MESSAGE', `field ${key} must be a string`);
    }
  }
  if (record.version !== MESSAGE_VERSION) {
    throw new TemporalError('UNSUPPORTED_VERSION', `version must be "${MESSAGE_VERSION}"`);
  }
  if (!OPERATIONS.includes(record.operation as Operation)) {
    throw new TemporalError('UNKNOWN_OPERATION', `unknown operation ${JSON.stringify(record.operation)}`);
  }
  assertSystemId(record.system_id);
  parseRfc3339(record.timestamp, 'timestamp');
  parseRfc3339(record.expiration, 'expiration');
  const signature = record.signature;
  if (signature === undefined || signature === '')
    throw new TemporalError('UNSIGNED_MESSAGE', 'message is not signed');
  if (typeof signature !== 'string')
    throw new TemporalError('MALFORMED_MESSAGE', 'signature must be a string');
  if (signature.length > MAX_SIGNATURE_CHARS)
    throw new TemporalError('BAD_SIGNATURE', 'signature is too long');
  return Object.freeze({ ...(record as unknown as QsafpMessage) });
}

export interface VerifyMessageOptions {
  readonly publicKey: Uint8Array;
  readonly alg: Signature;
  /** Effective time now, epoch ms. */
  readonly now: number;
  /** How far `timestamp` may be ahead of `now` (default 60 s). */
  readonly maxSkewMs?: number;
  /** How old `timestamp` may be (default 300 s): bounds what a replay cache must remember. */
  readonly maxAgeMs?: number;
  /** Timestamp of the newest message already accepted for this system; the new one must be later. */
  readonly lastAcceptedMs?: number | undefined;
  /** Operations the caller accepts here; others are UNKNOWN_OPERATION. */
  readonly operations?: readonly Operation[];
}

/**
 * Full check of an untrusted message, in a fixed order: shape, signature,
 * time window, replay. Throws TemporalError on the first failure.
 */
export function verifyMessage(input: unknown, options: VerifyMessageOptions): VerifiedMessage {
  const message = parseMessage(input);
  if (options.operations && !options.operations.includes(message.operation)) {
    throw new TemporalError('UNKNOWN_OPERATION', `operation ${message.operation} is not accepted here`);
  }
  const signature = fromBase64(message.signature, 'BAD_SIGNATURE', 'signature');
  let valid = false;
  try {
    valid = options.alg.verify(signature, signedBytes(message), options.publicKey, {
      context: MESSAGE_CONTEXT,
    });
  } catch (cause) {
    throw new TemporalError('BAD_SIGNATURE', 'signature could not be checked with this key', { cause });
  }
  if (!valid) throw new TemporalError('BAD_SIGNATURE', 'signature does not verify');
  const timestampMs = parseRfc3339(message.timestamp, 'timestamp');
  const expirationMs = parseRfc3339(message.expiration, 'expiration');
  const maxSkewMs = options.maxSkewMs ?? 60_000;
  const maxAgeMs = options.maxAgeMs ?? 300_000;
  if (expirationMs <= timestampMs)
    throw new TemporalError('MESSAGE_EXPIRED', 'expiration is not after timestamp');
  if (expirationMs <= options.now) throw new TemporalError('MESSAGE_EXPIRED', 'message has expired');
  if (timestampMs > options.now + maxSkewMs) {
    throw new TemporalError('MESSAGE_FROM_FUTURE', 'timestamp is ahead of the clock by more than the skew');
  }
  if (timestampMs < options.now - maxAgeMs) throw new TemporalError('MESSAGE_EXPIRED', 'message is too old');
  if (options.lastAcceptedMs !== undefined && timestampMs <= options.lastAcceptedMs) {
    throw new TemporalError(
      'REPLAYED_MESSAGE',
      'a message with this or a later timestamp was already accepted',
    );
  }
  return { message, timestampMs, expirationMs };
}

/**
 * In-memory replay state for verifiers outside the engine (the engine keeps
 * the same high-water timestamp durably in each lease record). Per system,
 * only messages newer than the last accepted one pass.
 */
export class ReplayGuard {
  readonly #last = new Map<string, number>();

  lastAccepted(systemId: string): number | undefined {
    return this.#last.get(systemId);
  }

  verify(input: unknown, options: Omit<VerifyMessageOptions, 'lastAcceptedMs'>): VerifiedMessage {
    const parsed = parseMessage(input);
    const verified = verifyMessage(parsed, { ...options, lastAcceptedMs: this.#last.get(parsed.system_id) });
    this.#last.set(parsed.system_id, verified.timestampMs);
    this.prune(options.now - (options.maxAgeMs ?? 300_000));
    return verified;
  }

  /** Forgets entries older than the acceptance window: such messages are refused as too old anyway. */
  prune(olderThanMs: number): void {
    if (this.#last.size < 1024) return;
    for (const [id, ts] of this.#last) if (ts < olderThanMs) this.#last.delete(id);
  }
}
