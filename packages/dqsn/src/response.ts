import { canonicalJson, sha256Hex } from './canonical.js';
import type { ResolvedConfig } from './config.js';
import type { ReasonCode } from './reason-codes.js';
import type { Decision, DqsnResponse, SignalV3 } from './types.js';

/** What buildResponse makes a response of; it takes ownership of the arrays (and freezes them). */
export interface Output {
  readonly requestId: string;
  readonly decision: Decision;
  readonly reasonCodes: readonly string[];
  readonly inputSignals: number;
  readonly kept: readonly SignalV3[];
  readonly keptCanonical: readonly string[];
}

/**
 * context_hash = SHA-256 of the RFC 8785 form of
 * `{"config": fingerprint, "output": <response without context_hash and evidence.signals>, "signals": [kept]}`.
 * The kept signals are already canonical strings, and RFC 8785 serialises an
 * object's members in key order and an array as its members' canonical forms
 * joined by commas, so the preimage is assembled from canonicalize's output
 * for each part instead of canonicalising every signal a second time
 * (test/response.test.ts checks it equals canonicalize of the whole object).
 */
export function contextHashPreimage(
  fingerprint: string,
  o: Output,
  keptCanonical: readonly string[],
): string {
  return `{"config":${canonicalJson(fingerprint)},"output":${canonicalJson(hashedOutput(o))},"signals":[${keptCanonical.join(',')}]}`;
}

/** The response without context_hash and evidence.signals: what the hash binds besides the signals. */
function hashedOutput(o: Output) {
  return {
    contract_version: 3,
    component: 'dqsn',
    request_id: o.requestId,
    decision: o.decision,
    reason_codes: o.reasonCodes,
    evidence: { input_signals: o.inputSignals, unique_signals: o.kept.length },
    meta: { fail_closed: true },
  };
}

/** The kept signals' canonical forms, for the responses buildResponse made (see responseJson). */
const keptCanonicalOf = new WeakMap<DqsnResponse, readonly string[]>();

/**
 * The response object, its evidence, meta and arrays are frozen (the arrays
 * are `o`'s own, handed over). The kept signals are the parsed input objects,
 * bound by context_hash and not frozen: responseJson serialises what was
 * aggregated, whatever is done to them afterwards.
 */
export function buildResponse(config: ResolvedConfig, o: Output): DqsnResponse {
  const context_hash = sha256Hex(contextHashPreimage(config.fingerprint, o, o.keptCanonical));
  const response: DqsnResponse = Object.freeze({
    contract_version: 3,
    component: 'dqsn',
    request_id: o.requestId,
    context_hash,
    decision: o.decision,
    reason_codes: Object.freeze(o.reasonCodes),
    evidence: Object.freeze({
      input_signals: o.inputSignals,
      unique_signals: o.kept.length,
      signals: Object.freeze(o.kept),
    }),
    meta: Object.freeze({ fail_closed: true as const }),
  });
  keptCanonicalOf.set(response, o.keptCanonical);
  return response;
}

/**
 * The RFC 8785 JSON of a response: for one buildResponse made, assembled from
 * the kept signals' canonical forms (members in RFC 8785 key order) instead of
 * canonicalising every signal a second time; for any other object,
 * canonicalize of the whole (test/response.test.ts checks both agree).
 */
export function responseJson(r: DqsnResponse): string {
  const kept = keptCanonicalOf.get(r);
  if (kept === undefined) return canonicalJson(r);
  const e = r.evidence;
  return (
    `{"component":"dqsn","context_hash":${canonicalJson(r.context_hash)},"contract_version":3,` +
    `"decision":${canonicalJson(r.decision)},"evidence":{"input_signals":${canonicalJson(e.input_signals)},` +
    `"signals":[${kept.join(',')}],"unique_signals":${canonicalJson(e.unique_signals)}},` +
    `"meta":{"fail_closed":true},"reason_codes":${canonicalJson(r.reason_codes)},` +
    `"request_id":${canonicalJson(r.request_id)}}`
  );
}

/** The fail-closed answer to an invalid request: ERROR, one reason code, nothing kept. */
export function errorResponse(
  config: ResolvedConfig,
  code: ReasonCode,
  requestId = '',
  inputSignals = 0,
): DqsnResponse {
  return buildResponse(config, {
    requestId,
    decision: 'ERROR',
    reasonCodes: [code],
    inputSignals,
    kept: [],
    keptCanonical: [],
  });
}
