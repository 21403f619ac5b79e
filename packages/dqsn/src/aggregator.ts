import { aggregateWith, withConfig } from './aggregate.js';
import { type DqsnConfig, type ResolvedConfig, resolveConfig } from './config.js';
import { errorResponse } from './response.js';
import type { DqsnResponse } from './types.js';
import { aggregateV2With } from './v2.js';
import { snapshotValue } from './value.js';

export interface Aggregator {
  /** The validated limits and the configuration fingerprint every context_hash includes. */
  readonly config: ResolvedConfig;
  /** A v3 request as raw bytes or text. Never throws. */
  aggregate(input: string | Uint8Array): DqsnResponse;
  /** A v3 request as a JavaScript value; copied, serialised and sent down the raw path. Never throws. */
  aggregateValue(value: unknown): DqsnResponse;
  /** A legacy v2 request as raw bytes or text, converted and validated as v3. Never throws. */
  aggregateV2(input: string | Uint8Array): DqsnResponse;
}

/** Binds one operator configuration; throws `DqsnError('CONFIG_INVALID')` for bad limits. */
export function createAggregator(config: DqsnConfig = {}): Aggregator {
  const resolved = resolveConfig(config);
  return Object.freeze({
    config: resolved,
    aggregate: (input: string | Uint8Array) => aggregateWith(resolved, input),
    aggregateValue: (value: unknown) => aggregateValueWith(resolved, value),
    aggregateV2: (input: string | Uint8Array) => aggregateV2With(resolved, input),
  });
}

export function aggregateValueWith(config: ResolvedConfig, value: unknown): DqsnResponse {
  const snap = snapshotValue(value, config);
  if (!snap.ok) return errorResponse(config, snap.code);
  return aggregateWith(config, snap.text);
}

/** `aggregate` for a JavaScript value (see `Aggregator.aggregateValue`). Never throws. */
export function aggregateValue(value: unknown, config?: DqsnConfig): DqsnResponse {
  return withConfig(config, (resolved) => aggregateValueWith(resolved, value));
}

/** `aggregate` for a legacy v2 request (see `Aggregator.aggregateV2`). Never throws. */
export function aggregateV2(input: string | Uint8Array, config?: DqsnConfig): DqsnResponse {
  return withConfig(config, (resolved) => aggregateV2With(resolved, input));
}
