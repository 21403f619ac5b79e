// The legacy v2 entry surface (seed §9). A v2 request differs from v3 only in
// its version numbers and in carrying each signal's risk and fail-closed flag
// as flat fields (`risk_score`, `risk_tier`, `fail_closed`). The adapter
// renames those fields structurally, copying values untouched and checking
// none of them, and hands the result to the v3 path as JSON text: its only
// way to an answer is `aggregateWith`, so nothing reaches the aggregator
// without the full v3 parse and validation.
import { aggregateWith } from './aggregate.js';
import type { ResolvedConfig } from './config.js';
import { decodeInput } from './input.js';
import { REASON_CODES } from './reason-codes.js';
import { errorResponse } from './response.js';
import { parseStrictJson } from './strict-json.js';
import type { DqsnResponse, JsonObject, JsonValue } from './types.js';

const V2_FLAT_FIELDS = new Set(['risk_score', 'risk_tier', 'fail_closed']);

function isObject(v: JsonValue | undefined): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** v2 signal -> v3 envelope. Anything not a v2 signal is passed on unchanged for v3 to refuse. */
function signalToV3(s: JsonValue): JsonValue {
  if (!isObject(s) || s.contract_version !== 2) return s;
  const out: Record<string, JsonValue | undefined> = {};
  for (const [k, v] of Object.entries(s)) if (!V2_FLAT_FIELDS.has(k)) out[k] = v;
  out.contract_version = 3;
  // An absent v2 field stays absent (undefined is dropped by JSON.stringify), so v3 reports it missing.
  out.risk = { score: s.risk_score, tier: s.risk_tier } as JsonValue;
  out.meta = { fail_closed: s.fail_closed } as JsonValue;
  return out as JsonObject;
}

/** v2 request -> v3 request text, or undefined when it is not a v2 request at all. */
export function v2RequestToV3Text(value: JsonValue): string | undefined {
  if (!isObject(value) || value.contract_version !== 2) return undefined;
  const out: Record<string, JsonValue> = { ...value, contract_version: 3 };
  if (Array.isArray(value.signals)) out.signals = value.signals.map(signalToV3);
  return JSON.stringify(out);
}

/** Answers a v2 request through the v3 path. Never throws. */
export function aggregateV2With(config: ResolvedConfig, input: string | Uint8Array): DqsnResponse {
  try {
    const decoded = decodeInput(input, config.maxBytes);
    if (!decoded.ok) return errorResponse(config, decoded.code);
    const parsed = parseStrictJson(decoded.text, config);
    if (!parsed.ok) return errorResponse(config, parsed.code);
    const v3 = v2RequestToV3Text(parsed.value);
    if (v3 === undefined) return errorResponse(config, REASON_CODES.SCHEMA_VERSION);
    return aggregateWith(config, v3);
  } catch {
    return errorResponse(config, REASON_CODES.INTERNAL);
  }
}
