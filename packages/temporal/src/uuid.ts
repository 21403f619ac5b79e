import { TemporalError } from './errors.js';

// Lowercase only: one spelling per id, so a replay check keyed by system_id
// cannot be dodged by changing case.
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export function isSystemId(value: unknown): value is string {
  return typeof value === 'string' && UUID_V4.test(value);
}

export function assertSystemId(value: unknown): string {
  if (!isSystemId(value)) {
    throw new TemporalError('INVALID_SYSTEM_ID', 'system_id must be a lowercase version-4 UUID');
  }
  return value;
}

export function newSystemId(): string {
  return globalThis.crypto.randomUUID();
}
