/** A JSON value as the strict parser produces it: no NaN, no Infinity, no unsafe integers. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Decisions ordered by severity: ALLOW < WARN < BLOCK < ERROR. */
export type Decision = 'ALLOW' | 'WARN' | 'BLOCK' | 'ERROR';
export type RiskTier = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

/** One upstream Shield Contract v3 response (e.g. from Sentinel AI), exactly as received. */
export interface SignalV3 {
  readonly contract_version: 3;
  readonly component: string;
  readonly request_id: string;
  readonly context_hash: string;
  readonly decision: Decision;
  readonly risk: { readonly score: number; readonly tier: RiskTier };
  readonly reason_codes: readonly string[];
  readonly evidence: JsonObject;
  readonly meta: { readonly fail_closed: true; readonly latency_ms?: number; readonly model_used?: string };
}

/** The DQSN v3 response (seed §7). */
export interface DqsnResponse {
  readonly contract_version: 3;
  readonly component: 'dqsn';
  /** Echoed from the request; `""` when the request is too broken to carry a valid one. */
  readonly request_id: string;
  /** SHA-256 (hex) over the canonical signals, this output and the configuration fingerprint. */
  readonly context_hash: string;
  readonly decision: Decision;
  /** `reason_codes[0]` is DQSN's own code; the rest are the upstream codes, deduplicated and sorted. */
  readonly reason_codes: readonly string[];
  readonly evidence: {
    readonly input_signals: number;
    readonly unique_signals: number;
    /** The distinct signals, byte-identical to the input after canonicalisation, sorted by canonical form. */
    readonly signals: readonly SignalV3[];
  };
  readonly meta: { readonly fail_closed: true };
}
