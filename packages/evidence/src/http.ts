// Fetch-style (Request -> Response) HTTP handlers: the evidence API, its worker, and a QuantumLock-compatible signer.
export {
  ALL_SCOPES,
  type Authenticate,
  bearerToken,
  type Principal,
  type Scope,
  staticTokens,
} from './http/auth.js';
export { createEvidenceHandler, type EvidenceApiOptions } from './http/handlers.js';
export {
  createQuantumLockHandler,
  QUANTUMLOCK_VERIFY_PATH,
  type QuantumLockServiceOptions,
} from './http/quantumlock.js';
export { PackagingWorker, type WorkerOptions } from './http/worker.js';
