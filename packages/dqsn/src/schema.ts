// The Shield Contract v3 shapes as JSON Schema, compiled once by ajv in
// strict mode (unknown keywords, ambiguous types and the like are errors at
// compile time, not silent passes at run time). Ajv never coerces or fills
// defaults here: validation reads the parsed request and changes nothing.
import { Ajv, type ValidateFunction } from 'ajv';

/** Non-empty, no leading or trailing whitespace, no control characters: identifiers are taken as sent. */
export const IDENTIFIER_PATTERN = '^(?!\\s)[^\\u0000-\\u001f\\u007f]+(?<!\\s)$';
export const IDENTIFIER_RE = new RegExp(IDENTIFIER_PATTERN, 'u');
const HEX64_PATTERN = '^[0-9a-f]{64}$';
/** Reason codes are tokens: letters, digits and `_ . : -`, starting with a letter or digit. */
const REASON_CODE_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_.:-]*$';

export const DECISIONS = ['ALLOW', 'WARN', 'BLOCK', 'ERROR'] as const;
export const RISK_TIERS = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;
export const TOP_LEVEL_KEYS: ReadonlySet<string> = new Set([
  'contract_version',
  'component',
  'request_id',
  'signals',
  'constraints',
]);

/** One upstream v3 response: all nine fields, exact values, nothing else. */
export const signalSchema = {
  $id: 'https://qsp.dev/schemas/dqsn/signal-v3.json',
  type: 'object',
  required: [
    'contract_version',
    'component',
    'request_id',
    'context_hash',
    'decision',
    'risk',
    'reason_codes',
    'evidence',
    'meta',
  ],
  additionalProperties: false,
  properties: {
    contract_version: { type: 'integer', const: 3 },
    component: { type: 'string', pattern: IDENTIFIER_PATTERN },
    request_id: { type: 'string', pattern: IDENTIFIER_PATTERN },
    context_hash: { type: 'string', pattern: HEX64_PATTERN },
    decision: { type: 'string', enum: [...DECISIONS] },
    risk: {
      type: 'object',
      required: ['score', 'tier'],
      additionalProperties: false,
      properties: {
        score: { type: 'number', minimum: 0, maximum: 1 },
        tier: { type: 'string', enum: [...RISK_TIERS] },
      },
    },
    reason_codes: {
      type: 'array',
      minItems: 1,
      maxItems: 64,
      items: { type: 'string', maxLength: 96, pattern: REASON_CODE_PATTERN },
    },
    evidence: { type: 'object' },
    meta: {
      type: 'object',
      required: ['fail_closed'],
      additionalProperties: false,
      properties: {
        fail_closed: { type: 'boolean', const: true },
        // Sentinel AI's two optional fields; nothing else is accepted.
        latency_ms: { type: 'number', minimum: 0 },
        model_used: { type: 'string', pattern: IDENTIFIER_PATTERN, maxLength: 256 },
      },
    },
  },
} as const;

/** The request envelope; each signal is checked separately so its failure has its own code. */
export const requestSchema = {
  $id: 'https://qsp.dev/schemas/dqsn/request-v3.json',
  type: 'object',
  required: ['contract_version', 'component', 'request_id', 'signals'],
  additionalProperties: false,
  properties: {
    contract_version: { type: 'integer', const: 3 },
    component: { type: 'string', const: 'dqsn' },
    request_id: { type: 'string', pattern: IDENTIFIER_PATTERN },
    signals: { type: 'array' },
    constraints: {
      type: 'object',
      additionalProperties: false,
      properties: { max_latency_ms: { type: 'integer', minimum: 0 } },
    },
  },
} as const;

export interface Validators {
  readonly request: ValidateFunction;
  readonly signal: ValidateFunction;
}

let compiled: Validators | undefined;

function newAjv(): Ajv {
  return new Ajv({
    strict: true,
    allErrors: false,
    coerceTypes: false,
    useDefaults: false,
    validateFormats: false,
  });
}

/** The compiled validators, built on first use and shared. */
export function validators(): Validators {
  if (compiled === undefined) {
    const ajv = newAjv();
    compiled = { request: ajv.compile(requestSchema), signal: ajv.compile(signalSchema) };
  }
  return compiled;
}

/** A fresh ajv instance for a whole request with its signals, as a benchmark baseline uses it. */
export function compileWholeRequestValidator(): ValidateFunction {
  const ajv = newAjv();
  ajv.addSchema(signalSchema);
  return ajv.compile({
    ...requestSchema,
    $id: 'https://qsp.dev/schemas/dqsn/request-v3-whole.json',
    properties: {
      ...requestSchema.properties,
      signals: { type: 'array', items: { $ref: signalSchema.$id } },
    },
  });
}
