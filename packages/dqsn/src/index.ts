export { aggregate } from './aggregate.js';
export { type Aggregator, aggregateV2, aggregateValue, createAggregator } from './aggregator.js';
export { DEFAULT_LIMITS, type DqsnConfig, type ResolvedConfig, RULES_ID, resolveConfig } from './config.js';
export { DqsnError, type DqsnErrorCode } from './errors.js';
export { createFetchHandler } from './fetch-handler.js';
export { type ForwardHook, type HttpForwardOptions, httpForwarder } from './forward.js';
export type { HandlerOptions } from './http-answer.js';
export { REASON_CODES, type ReasonCode } from './reason-codes.js';
export { requestSchema, signalSchema } from './schema.js';
export {
  FORBIDDEN_KEYS,
  parseStrictJson,
  type StrictJsonLimits,
  type StrictJsonResult,
} from './strict-json.js';
export type { Decision, DqsnResponse, JsonObject, JsonValue, RiskTier, SignalV3 } from './types.js';
