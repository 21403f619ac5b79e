import { WireError } from './errors.js';
import { assertBytes, assertU32 } from './limits.js';

/** "RK54": the magic the Stage155 spec gives (the reference code's "RK55" is not accepted). */
export const REKEY_MAGIC = new Uint8Array([0x52, 0x4b, 0x35, 0x34]);
export const REKEY_VALUE_LENGTH = 32;
/** magic(4) || kind(1) || new_epoch(4) || value(32) */
export const REKEY_PAYLOAD_LENGTH = 4 + 1 + 4 + REKEY_VALUE_LENGTH;

export const RekeyKind = {
  INIT: 1,
  ACK: 2,
} as const;
export type RekeyKind = (typeof RekeyKind)[keyof typeof RekeyKind];

/** A REKEY control message: INIT carries fresh `material`, ACK carries `confirm`. */
export interface RekeyMessage {
  readonly kind: RekeyKind;
  readonly newEpoch: number;
  /** 32 bytes: material for INIT, confirm for ACK. */
  readonly value: Uint8Array;
}

export function encodeRekey(message: RekeyMessage): Uint8Array {
  if (message.kind !== RekeyKind.INIT && message.kind !== RekeyKind.ACK) {
    throw new WireError('UNKNOWN_REKEY_KIND', `unknown rekey kind ${String(message.kind)}`);
  }
  assertU32('newEpoch', message.newEpoch);
  assertBytes('value', message.value);
  if (message.value.length !== REKEY_VALUE_LENGTH) {
    throw new WireError('FIELD_OUT_OF_RANGE', `rekey value must be ${REKEY_VALUE_LENGTH} bytes`);
  }
  const out = new Uint8Array(REKEY_PAYLOAD_LENGTH);
  out.set(REKEY_MAGIC, 0);
  out[4] = message.kind;
  new DataView(out.buffer).setUint32(5, message.newEpoch);
  out.set(message.value, 9);
  return out;
}

/** Decodes a REKEY plaintext. The value is copied so the caller may wipe its buffer. */
export function decodeRekey(bytes: Uint8Array): RekeyMessage {
  assertBytes('bytes', bytes);
  if (bytes.length < REKEY_PAYLOAD_LENGTH) {
    throw new WireError(
      'TRUNCATED',
      `rekey payload needs ${REKEY_PAYLOAD_LENGTH} bytes, have ${bytes.length}`,
    );
  }
  if (bytes.length > REKEY_PAYLOAD_LENGTH) {
    throw new WireError(
      'TRAILING_BYTES',
      `rekey payload has ${bytes.length - REKEY_PAYLOAD_LENGTH} extra bytes`,
    );
  }
  for (let i = 0; i < REKEY_MAGIC.length; i++) {
    if (bytes[i] !== REKEY_MAGIC[i])
      throw new WireError('BAD_MAGIC', 'rekey payload does not start with "RK54"');
  }
  const kind = bytes[4];
  if (kind !== RekeyKind.INIT && kind !== RekeyKind.ACK) {
    throw new WireError('UNKNOWN_REKEY_KIND', `unknown rekey kind ${String(kind)}`);
  }
  const newEpoch = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(5);
  return { kind, newEpoch, value: bytes.slice(9) };
}
