/**
 * The Stage286 product contract. Field names and nesting are the reference
 * tools' (../shared/vectors/contract/stage286), so consumers of those files
 * keep working; fields marked "since 1.0 (this package)" are optional
 * additions that the reference verifier ignores.
 *
 * schema/contract.schema.json describes the same shape; test/schema-types.test.ts
 * fails when the two drift apart.
 */

export type Decision = 'accept' | 'pending' | 'reject';
export type ExecutionState = 'halted_safe' | 'restricted' | 'released';

/** How `exposure_layer.contract_sha256` was computed. Absent in reference contracts (see digest.ts). */
export type DigestRule = 'rfc8785-sha256';

/** One evidence dimension: free-form claims plus, optionally, ML-DSA attestations over them. */
export interface EvidenceDimension {
  [claim: string]: unknown;
}

export interface Evidence {
  integrity: EvidenceDimension;
  execution: EvidenceDimension;
  identity: EvidenceDimension;
  time: EvidenceDimension;
  /** Engine-specific evidence (a QKD report, approvals, ...) sits beside the four dimensions. */
  [extra: string]: unknown;
}

export interface Policy {
  policy_id: string;
  /** Must be true: a policy that does not require fail-closed cannot produce a contract. */
  fail_closed_required: boolean;
  /** Engine parameters recorded for audit (thresholds, k-of-n, ...). */
  [param: string]: unknown;
}

export interface InputLayer {
  session_id: string;
  subject: string;
  policy: Policy;
  evidence: Evidence;
}

export interface Scores {
  integrity_trust: number;
  execution_trust: number;
  identity_trust: number;
  time_trust: number;
  total_trust: number;
}

export interface EngineInfo {
  id: string;
  version: string;
}

export interface DecisionLayer {
  decision: Decision;
  reason: string;
  scores: Scores;
  verified_claims: string[];
  /** Since 1.0 (this package): a stable machine-readable reason, e.g. ENGINE_TIMEOUT. */
  reason_code?: string;
  /** Since 1.0 (this package): which engine decided. The exposure layer never depends on it. */
  engine?: EngineInfo;
}

export interface EnforcementLayer {
  fail_closed: boolean;
  execution_state: ExecutionState;
  allowed_outputs: string[];
}

/** An ML-DSA signature over the same canonical bytes the digest covers. */
export interface ContractSignature {
  algorithm: 'ML-DSA-44' | 'ML-DSA-65' | 'ML-DSA-87';
  /** Lowercase hex SHA-256 of the public key. */
  key_id: string;
  /** Lowercase hex public key, so a verifier without a key list can at least check self-consistency. */
  public_key: string;
  /** Lowercase hex signature; "" in the signed bytes. */
  value: string;
}

export interface ExposureLayer {
  public_status: Decision;
  exposure_artifacts: string[];
  /** Lowercase hex SHA-256 of the canonical contract with this field set to "". */
  contract_sha256: string;
  /** Since 1.0 (this package): the digest rule; absent means the reference's Python form. */
  digest_rule?: DigestRule;
  /** Since 1.0 (this package): optional ML-DSA signature binding. */
  signature?: ContractSignature;
}

export interface Contract {
  stage: string;
  spec_version: string;
  generated_at: string;
  input_layer: InputLayer;
  decision_layer: DecisionLayer;
  enforcement_layer: EnforcementLayer;
  exposure_layer: ExposureLayer;
}

/** What an engine returns; build() validates it before it reaches a contract. */
export interface EngineDecision {
  decision: Decision;
  reason: string;
  scores: Scores;
  verified_claims: string[];
  reason_code?: string;
}
