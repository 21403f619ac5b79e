// The contract gates after parsing, in the seed's order: version before
// schema, allowlisted top-level keys, the request envelope, the signal count,
// then every signal as a full v3 envelope.
import type { ResolvedConfig } from './config.js';
import { REASON_CODES, type ReasonCode } from './reason-codes.js';
import { IDENTIFIER_RE, TOP_LEVEL_KEYS, validators } from './schema.js';
import type { JsonObject, JsonValue, SignalV3 } from './types.js';

export type ValidatedRequest =
  | { readonly ok: true; readonly requestId: string; readonly signals: readonly SignalV3[] }
  | {
      readonly ok: false;
      readonly code: ReasonCode;
      readonly requestId: string;
      readonly inputSignals: number;
    };

function isObject(v: JsonValue): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The request_id to echo in an ERROR response: only one that is itself valid. */
function echoableId(v: JsonObject): string {
  const id = Object.hasOwn(v, 'request_id') ? v.request_id : undefined;
  return typeof id === 'string' && IDENTIFIER_RE.test(id) ? id : '';
}

export function validateRequest(value: JsonValue, config: ResolvedConfig): ValidatedRequest {
  if (!isObject(value))
    return { ok: false, code: REASON_CODES.INVALID_REQUEST, requestId: '', inputSignals: 0 };
  const requestId = echoableId(value);
  const fail = (code: ReasonCode, inputSignals = 0): ValidatedRequest => ({
    ok: false,
    code,
    requestId,
    inputSignals,
  });

  // Version gate: the JSON number 3 and nothing else ("3", 3.5, absent, true).
  if (!Object.hasOwn(value, 'contract_version') || value.contract_version !== 3) {
    return fail(REASON_CODES.SCHEMA_VERSION);
  }
  for (const key of Object.keys(value)) {
    if (!TOP_LEVEL_KEYS.has(key)) return fail(REASON_CODES.UNKNOWN_TOP_LEVEL_KEY);
  }
  if (!Object.hasOwn(value, 'signals')) return fail(REASON_CODES.SIGNALS_REQUIRED);
  const { request, signal } = validators();
  if (!request(value)) return fail(REASON_CODES.INVALID_REQUEST);

  const signals = value.signals as JsonValue[];
  if (signals.length === 0) return fail(REASON_CODES.SIGNALS_REQUIRED);
  if (signals.length > config.maxSignals) return fail(REASON_CODES.SIGNAL_TOO_MANY, signals.length);
  for (const s of signals) {
    if (!signal(s)) return fail(REASON_CODES.SIGNAL_INVALID, signals.length);
  }
  return { ok: true, requestId: value.request_id as string, signals: signals as unknown as SignalV3[] };
}
