// What both HTTP adapters (fetch and node:http) answer for a request body.
// They differ only in how they read the body under the byte limit.
import type { Aggregator } from './aggregator.js';
import type { DqsnConfig } from './config.js';
import type { ForwardHook } from './forward.js';
import { REASON_CODES, type ReasonCode } from './reason-codes.js';
import { errorResponse, responseJson } from './response.js';
import type { DqsnResponse } from './types.js';

export interface HandlerOptions extends DqsnConfig {
  /** Receives each response to a valid request before the caller does (see `ForwardHook`). */
  readonly forward?: ForwardHook;
  /** Accept legacy v2 requests on this handler instead of v3 (they are converted and validated as v3). */
  readonly legacyV2?: boolean;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The canonical (RFC 8785) JSON of `response`: identical bytes on every node. */
  readonly body: string;
  readonly response: DqsnResponse;
}

const AGGREGATED: ReadonlySet<string> = new Set([
  REASON_CODES.OK_ALLOW,
  REASON_CODES.ESCALATE_WARN,
  REASON_CODES.DENY_BLOCK,
  REASON_CODES.UPSTREAM_ERROR,
]);

function statusFor(r: DqsnResponse): number {
  const code = r.reason_codes[0] ?? '';
  if (AGGREGATED.has(code)) return 200;
  if (code === REASON_CODES.PAYLOAD_TOO_LARGE) return 413;
  if (code === REASON_CODES.FORWARD_FAILED) return 502;
  if (code === REASON_CODES.INTERNAL) return 500;
  return 400;
}

function toAnswer(
  response: DqsnResponse,
  status = statusFor(response),
  extra: Record<string, string> = {},
): HttpAnswer {
  return {
    status,
    headers: {
      'content-type': 'application/json; charset=utf-8',
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
      'x-dqsn-decision': response.decision,
      ...extra,
    },
    body: responseJson(response),
    response,
  };
}

/** An ERROR answer produced by the adapter itself (wrong method, body over the limit). */
export function refusal(
  aggregator: Aggregator,
  code: ReasonCode,
  status: number,
  extra?: Record<string, string>,
) {
  return toAnswer(errorResponse(aggregator.config, code), status, extra);
}

/** Aggregates a complete body, forwards a successful result, and never rejects. */
export async function answerBody(
  aggregator: Aggregator,
  body: Uint8Array,
  options: HandlerOptions,
): Promise<HttpAnswer> {
  const response = options.legacyV2 ? aggregator.aggregateV2(body) : aggregator.aggregate(body);
  const answer = toAnswer(response);
  if (options.forward === undefined || answer.status !== 200) return answer;
  try {
    await options.forward(response, answer.body);
    return answer;
  } catch {
    return toAnswer(
      errorResponse(
        aggregator.config,
        REASON_CODES.FORWARD_FAILED,
        response.request_id,
        response.evidence.input_signals,
      ),
    );
  }
}
