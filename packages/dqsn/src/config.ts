import { canonicalJson, sha256Hex } from './canonical.js';
import { DqsnError } from './errors.js';

/** Operator limits. They come from the deployment, never from a request. */
export interface DqsnConfig {
  /** Largest request body in bytes (UTF-8). Default 512,000. */
  readonly maxBytes?: number;
  /** Most signals per request. Default 64. */
  readonly maxSignals?: number;
  /** Deepest nesting of objects and arrays; the top-level object is depth 1. Default 32, at most 1,000. */
  readonly maxDepth?: number;
  /** Longest string (keys included), in UTF-16 code units after unescaping. Default 8,192. */
  readonly maxStringLength?: number;
}

export interface ResolvedConfig {
  readonly maxBytes: number;
  readonly maxSignals: number;
  readonly maxDepth: number;
  readonly maxStringLength: number;
  /** SHA-256 (hex) of the canonical limits and rule-set id; part of every context_hash. */
  readonly fingerprint: string;
}

export const DEFAULT_LIMITS = Object.freeze({
  maxBytes: 512_000,
  maxSignals: 64,
  maxDepth: 32,
  maxStringLength: 8192,
});

/**
 * Names the aggregation rules this code implements. It is hashed into the
 * fingerprint so that nodes running different rules never produce the same
 * context_hash for the same request.
 */
export const RULES_ID = 'qsp-dqsn/shield-contract-v3/rules-1';

// canonicalize recurses; the ceiling keeps it, and anything else that walks a
// parsed value, far from the engine's stack limit.
const MAX_DEPTH_CEILING = 1000;
const MAX_BYTES_CEILING = 2 ** 30;

function limit(
  name: keyof typeof DEFAULT_LIMITS,
  value: number | undefined,
  min: number,
  max: number,
): number {
  const v = value ?? DEFAULT_LIMITS[name];
  if (!Number.isSafeInteger(v) || v < min || v > max) {
    throw new DqsnError('CONFIG_INVALID', `${name} must be an integer in [${min}, ${max}], got ${String(v)}`);
  }
  return v;
}

/** Validates operator limits, fills defaults, and computes the configuration fingerprint. */
export function resolveConfig(config: DqsnConfig = {}): ResolvedConfig {
  if (typeof config !== 'object' || config === null) {
    throw new DqsnError('CONFIG_INVALID', 'config must be an object');
  }
  const limits = {
    maxBytes: limit('maxBytes', config.maxBytes, 2, MAX_BYTES_CEILING),
    maxSignals: limit('maxSignals', config.maxSignals, 1, 1_000_000),
    maxDepth: limit('maxDepth', config.maxDepth, 4, MAX_DEPTH_CEILING),
    maxStringLength: limit('maxStringLength', config.maxStringLength, 64, MAX_BYTES_CEILING),
  };
  const fingerprint = sha256Hex(
    canonicalJson({ component: 'dqsn', contract_version: 3, rules: RULES_ID, limits }),
  );
  return Object.freeze({ ...limits, fingerprint });
}
