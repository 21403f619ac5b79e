export {
  APPROVAL_PURPOSE,
  type Approval,
  type Attestation,
  approvalStatement,
  approve,
  attestDimension,
  DIMENSIONS,
  type Dimension,
  dimensionStatement,
  EVIDENCE_PURPOSE,
} from './attest.js';
export { type BuildOptions, type BuiltContract, build, DEFAULT_FILE_NAME, sha256Line } from './build.js';
export { canonicalPreimage, PYTHON_RULE, pythonDigest, RFC8785_RULE, rfc8785Digest } from './digest.js';
export { ALLOWED_OUTPUTS, EXECUTION_STATE, enforcementFor } from './enforcement.js';
export {
  DEFAULT_TIMEOUT_MS,
  type Engine,
  type EngineContext,
  type RunOptions,
  runEngine,
} from './engine.js';
export { type HybridEngineOptions, hybridEngine } from './engines/hybrid.js';
export { type PqcEngineOptions, pqcEngine } from './engines/pqc.js';
export { type QkdEngineOptions, type QkdReport, qkdEngine } from './engines/qkd.js';
export { type ThresholdEngineOptions, thresholdEngine } from './engines/threshold.js';
export { ContractError, type ContractErrorCode, isContractError } from './errors.js';
export { generateSigner, keyId, SIGNING_CONTEXT, type Signer, type TrustedKey, trustedKey } from './keys.js';
export { MAX_DEPTH } from './limits.js';
export { pythonFloatRepr, pythonPrettyJson } from './python-json.js';
export { REASON, type ReasonCode } from './reasons.js';
export { STAGE286_REFERENCE } from './reference.js';
export { contractSchema, schemaProblems } from './schema.js';
export { checkSpec, type ProductSpec, STAGE286_SPEC } from './spec.js';
export type * from './types.js';
export {
  type Check,
  type CheckId,
  type CheckStatus,
  type VerifyOptions,
  type VerifyResult,
  verify,
} from './verify.js';
export { CONTRACT_VERSION, STAGE, SUPPORTED_RANGE } from './version.js';
