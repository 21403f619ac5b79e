/**
 * Stable `decision_layer.reason_code` values. build() sets the ENGINE_* codes
 * itself when it overrides an engine; the engines in this package use the rest.
 */
export const REASON = {
  /** The engine threw or rejected its promise. */
  ENGINE_ERROR: 'ENGINE_ERROR',
  /** The engine did not answer within build()'s timeout. */
  ENGINE_TIMEOUT: 'ENGINE_TIMEOUT',
  /** The engine's answer does not match the decision layer's schema. */
  ENGINE_INVALID_OUTPUT: 'ENGINE_INVALID_OUTPUT',
  /** The caller's signal aborted the build. */
  ENGINE_ABORTED: 'ENGINE_ABORTED',
  /** Every check the engine runs passed. */
  ALL_CHECKS_PASSED: 'ALL_CHECKS_PASSED',
  /** Evidence the engine needs is absent or malformed. */
  EVIDENCE_MISSING: 'EVIDENCE_MISSING',
  /** A signature by a trusted key does not verify: the evidence was altered. */
  SIGNATURE_INVALID: 'SIGNATURE_INVALID',
  /** Some required dimensions or approvals are not yet signed. */
  INCOMPLETE_ATTESTATION: 'INCOMPLETE_ATTESTATION',
  /** QKD: the estimated QBER is at or above the threshold. */
  QBER_TOO_HIGH: 'QBER_TOO_HIGH',
  /** QKD: the distilled key is shorter than the policy requires. */
  KEY_TOO_SHORT: 'KEY_TOO_SHORT',
  /** QKD: the key source aborted or could not confirm the key. */
  KEY_UNCONFIRMED: 'KEY_UNCONFIRMED',
  /** QKD: the report is older than allowed, or dated in the future. */
  REPORT_STALE: 'REPORT_STALE',
  /** QKD: the QBER estimate rests on too few sampled bits to be trusted yet. */
  SAMPLE_TOO_SMALL: 'SAMPLE_TOO_SMALL',
  /** Threshold: fewer than k approvers have signed. */
  QUORUM_NOT_REACHED: 'QUORUM_NOT_REACHED',
} as const;

export type ReasonCode = (typeof REASON)[keyof typeof REASON];
