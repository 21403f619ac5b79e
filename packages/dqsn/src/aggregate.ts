import { aggregateSignals } from './aggregation.js';
import { sha256Hex } from './canonical.js';
import { DEFAULT_LIMITS, type DqsnConfig, type ResolvedConfig, resolveConfig } from './config.js';
import { decodeInput } from './input.js';
import { REASON_CODES } from './reason-codes.js';
import { buildResponse, errorResponse } from './response.js';
import { parseStrictJson } from './strict-json.js';
import type { DqsnResponse } from './types.js';
import { validateRequest } from './validate.js';

let defaultConfig: ResolvedConfig | undefined;

function configFor(config: DqsnConfig | undefined): ResolvedConfig {
  if (config !== undefined) return resolveConfig(config);
  defaultConfig ??= resolveConfig();
  return defaultConfig;
}

// Used only when the operator's own configuration is invalid, so that even
// then `aggregate` answers a deterministic ERROR instead of throwing.
const UNUSABLE_CONFIG: ResolvedConfig = Object.freeze({
  ...DEFAULT_LIMITS,
  fingerprint: sha256Hex('qsp-dqsn/unusable-config'),
});

/** The whole path for a resolved configuration; never throws. */
export function aggregateWith(config: ResolvedConfig, input: string | Uint8Array): DqsnResponse {
  try {
    const decoded = decodeInput(input, config.maxBytes);
    if (!decoded.ok) return errorResponse(config, decoded.code);
    const parsed = parseStrictJson(decoded.text, config);
    if (!parsed.ok) return errorResponse(config, parsed.code);
    const request = validateRequest(parsed.value, config);
    if (!request.ok) return errorResponse(config, request.code, request.requestId, request.inputSignals);
    const agg = aggregateSignals(request.signals);
    return buildResponse(config, {
      requestId: request.requestId,
      decision: agg.decision,
      reasonCodes: agg.reasonCodes,
      inputSignals: request.signals.length,
      kept: agg.kept,
      keptCanonical: agg.keptCanonical,
    });
  } catch {
    return errorResponse(config, REASON_CODES.INTERNAL);
  }
}

/**
 * Validates, deduplicates and aggregates one Shield Contract v3 request given
 * as raw bytes or text. Never throws: every invalid request, and every
 * internal failure, is a `decision: "ERROR"` response with
 * `meta.fail_closed: true` and one reason code for its cause.
 */
export function aggregate(input: string | Uint8Array, config?: DqsnConfig): DqsnResponse {
  return withConfig(config, (resolved) => aggregateWith(resolved, input));
}

/** Runs `fn` with the resolved configuration, or answers ERROR when the configuration itself is unusable. */
export function withConfig(
  config: DqsnConfig | undefined,
  fn: (c: ResolvedConfig) => DqsnResponse,
): DqsnResponse {
  let resolved: ResolvedConfig;
  try {
    resolved = configFor(config);
  } catch {
    return errorResponse(UNUSABLE_CONFIG, REASON_CODES.INTERNAL);
  }
  return fn(resolved);
}
