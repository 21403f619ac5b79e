export {
  type BoundaryEventType,
  type BoundaryListener,
  type BoundaryOptions,
  guard,
  type LeaseSignal,
  TemporalBoundary,
  wrapModel,
} from './boundary.js';
export { type ClockSource, EffectiveClock, ManualClock, systemClock } from './clock.js';
export {
  type EngineEvent,
  type EngineListener,
  type ReceiveResult,
  type RegisterOptions,
  type RenewalResult,
  TemporalEngine,
  type TemporalEngineOptions,
} from './engine.js';
export { isTemporalError, TemporalError, type TemporalErrorCode } from './errors.js';
export {
  type ApproverSet,
  isLive,
  LEASE_STATES,
  type LeaseRecord,
  type LeaseState,
  type LeaseStatus,
  renewalDueAt,
  stateAt,
  statusAt,
} from './lease.js';
export { MemoryStore } from './memory-store.js';
export {
  MESSAGE_CONTEXT,
  MESSAGE_VERSION,
  type MessageFields,
  OPERATIONS,
  type Operation,
  parseMessage,
  type QsafpMessage,
  ReplayGuard,
  signedBytes,
  signMessage,
  type UnsignedMessage,
  type VerifiedMessage,
  type VerifyMessageOptions,
  verifyMessage,
} from './message.js';
export {
  MAX_DURATION_SECONDS,
  PRESETS,
  type PresetName,
  preset,
  type TemporalPolicy,
  validatePolicy,
} from './policy.js';
export {
  APPROVAL_CONTEXT,
  type Approval,
  type ApproverKey,
  approveRenewal,
  generateApproverKey,
  keyId,
  parseToken,
  type RenewalToken,
  tokenId,
} from './renewal.js';
export { formatRfc3339, parseRfc3339 } from './rfc3339.js';
export type { StoreSnapshot, TemporalStore } from './store.js';
export { isSystemId, newSystemId } from './uuid.js';
