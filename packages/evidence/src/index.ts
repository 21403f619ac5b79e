// Browser-safe entry: no node: imports. Files, storage, HTTP and the CLI live in subpath exports.
export {
  BUNDLE_VERSION,
  type BundleArtifact,
  type BundleSignature,
  type CapabilitiesSnapshot,
  type Cost,
  type EvidenceBundle,
  type Execution,
  type JobRecord,
  type Provenance,
  type ResultsSummary,
  SIGNATURE_ALGORITHM,
  type Timeline,
} from './bundle.js';
export { ARTIFACT_NAME_PATTERN, artifactSchema, bundleSchema, jobSchema } from './bundle-schema.js';
export { bundleHash, canonicalJson, serializeBundle, signingBytes } from './canonical.js';
export { formatDigest, fromBase64, isDigest, parseDigest, toBase64 } from './encoding.js';
export { EvidenceError, type EvidenceErrorCode, isEvidenceError } from './errors.js';
export {
  type KeyRecord,
  KeyRegistry,
  type KeyRegistryFile,
  keyRegistrySchema,
  ML_DSA_65_PUBLIC_KEY_BYTES,
  type RegisteredKey,
} from './keys.js';
export {
  canTransition,
  hasEvidence,
  isLifecycleState,
  LIFECYCLE_STATES,
  type LifecycleState,
  TRANSITIONS,
  transition,
} from './lifecycle.js';
export {
  inclusionProof,
  leafHash,
  merkleRoot,
  nodeHash,
  rootFromLeafHashes,
  verifyInclusion,
} from './merkle.js';
export { type ArtifactInput, type PackOptions, type PackProgress, type PackResult, pack } from './pack.js';
export {
  QUANTUMLOCK_SIGN_PATH,
  type QuantumLockSignRequest,
  type QuantumLockSignResponse,
  type RemoteSignerOptions,
  remoteSigner,
} from './remote-signer.js';
export {
  type GeneratedKey,
  generateKey,
  type LocalSignerOptions,
  localSigner,
  type Signer,
} from './signer.js';
export { type ArtifactSource, digestSource, type SourceDigest } from './source.js';
export { assertBundle, assertJob, bundleProblems, isBundle, parseJson } from './validate.js';
export {
  type ArtifactCheck,
  type ArtifactResolver,
  type CheckName,
  type CheckResult,
  type VerificationDetails,
  type VerificationReport,
  type VerifyOptions,
  verify,
} from './verify.js';
