import { DEFAULT_MAX_PAYLOAD, HARD_MAX_PAYLOAD } from './constants.js';
import { WireError } from './errors.js';
import type { LimitOptions } from './frame.js';

/** Resolves the payload limit from options; a limit above the hard cap is a programming error. */
export function resolveMaxPayload(options?: LimitOptions): number {
  const max = options?.maxPayload ?? DEFAULT_MAX_PAYLOAD;
  if (!Number.isSafeInteger(max) || max < 0 || max > HARD_MAX_PAYLOAD) {
    throw new WireError('INVALID_ARGUMENT', `maxPayload must be an integer in [0, ${HARD_MAX_PAYLOAD}]`);
  }
  return max;
}

export function assertU32(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0 || value > 0xffff_ffff) {
    throw new WireError('FIELD_OUT_OF_RANGE', `${name} must be an integer in [0, 2^32-1]`);
  }
}

export function assertBytes(name: string, value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) {
    throw new WireError('INVALID_ARGUMENT', `${name} must be a Uint8Array`);
  }
}
