import { canonicalJson, sha256Hex } from './canonical.js';
import type { ResolvedConfig } from './config.js';
import type { ReasonCode } from './reason-codes.js';
import type { Decision, DqsnResponse, SignalV3 } from './types.js';

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

export function buildResponse(config: ResolvedConfig, o: Output): DqsnResponse {
  const counts = { input_signals: o.inputSignals, unique_signals: o.kept.length };
  const context_hash = sha256Hex(contextHashPreimage(config.fingerprint, o, o.keptCanonical));
  return {
    contract_version: 3,
    component: 'dqsn',
    request_id: o.requestId,
    context_hash,
    decision: o.decision,
    reason_codes: o.reasonCodes,
    evidence: { ...counts, signals: o.kept },
    meta: { fail_closed: true },
  };
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
