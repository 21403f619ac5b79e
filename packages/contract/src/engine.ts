// The seam between the contract and whatever decides. An engine sees the
// input layer and returns a decision; run() turns every way an engine can
// fail (throw, reject, hang, return garbage, mutate its input) into a
// `reject` with a stable reason code, so the contract is fail-closed no
// matter which engine is plugged in.
import { ContractError } from './errors.js';
import { REASON, type ReasonCode } from './reasons.js';
import { decisionValidator, describeErrors } from './schema.js';
import type { DecisionLayer, EngineDecision, InputLayer, Scores } from './types.js';

export interface EngineContext {
  /** Aborted when build() gives up on the engine (timeout or the caller's signal). */
  readonly signal: AbortSignal;
  /** The build's clock, so engines that judge freshness agree with generated_at. */
  readonly now: Date;
}

/** A decision engine: PQC-backed, QKD-backed, threshold approval, or your own. */
export interface Engine {
  /** Stable engine name recorded in decision_layer.engine.id, e.g. "pqc". */
  readonly id: string;
  readonly version: string;
  decide(input: Readonly<InputLayer>, context: EngineContext): EngineDecision | Promise<EngineDecision>;
}

export const DEFAULT_TIMEOUT_MS = 5_000;
export const ZERO_SCORES: Readonly<Scores> = {
  integrity_trust: 0,
  execution_trust: 0,
  identity_trust: 0,
  time_trust: 0,
  total_trust: 0,
};

export interface RunOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly now?: Date;
}

function failure(code: ReasonCode, reason: string, engine: { id: string; version: string }): DecisionLayer {
  return {
    decision: 'reject',
    reason,
    scores: { ...ZERO_SCORES },
    verified_claims: [],
    reason_code: code,
    engine,
  };
}

function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

class Timeout {
  constructor(readonly ms: number) {}
}
class Aborted {}

function engineIdentity(engine: Engine): { id: string; version: string } {
  let id = 'unknown';
  let version = 'unknown';
  try {
    if (typeof engine.id === 'string' && engine.id.length > 0) id = engine.id;
    if (typeof engine.version === 'string' && engine.version.length > 0) version = engine.version;
  } catch {
    // A hostile getter only costs the engine its name in the record.
  }
  return { id, version };
}

/** The engine time limit, defaulted; INVALID_OPTION unless a positive number of ms setTimeout can hold. */
export function resolveTimeout(timeoutMs: number = DEFAULT_TIMEOUT_MS): number {
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0 || timeoutMs > 2_147_483_647) {
    throw new ContractError('INVALID_OPTION', 'timeoutMs must be a positive number of milliseconds');
  }
  return timeoutMs;
}

/** Runs an engine under fail-closed rules and returns the decision layer to embed. Throws only for bad options. */
export async function runEngine(
  engine: Engine,
  input: InputLayer,
  options: RunOptions = {},
): Promise<DecisionLayer> {
  const timeoutMs = resolveTimeout(options.timeoutMs);
  const identity = engineIdentity(engine);
  const controller = new AbortController();
  const external = options.signal;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let onAbort: (() => void) | undefined;
  const guards = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Timeout(timeoutMs)), timeoutMs);
    if (external) {
      onAbort = () => reject(new Aborted());
      if (external.aborted) onAbort();
      else external.addEventListener('abort', onAbort, { once: true });
    }
  });
  // Settled only by a timer or abort that lost the race; never an unhandled rejection.
  guards.catch(() => undefined);
  let raw: unknown;
  try {
    // The engine gets its own frozen copy: it can neither change what the contract records nor see later edits.
    const view = deepFreeze(structuredClone(input));
    const context: EngineContext = { signal: controller.signal, now: options.now ?? new Date() };
    raw = await Promise.race([Promise.resolve().then(() => engine.decide(view, context)), guards]);
    // Snapshot through JSON so getters, proxies and shared references cannot change the answer after validation.
    raw = JSON.parse(JSON.stringify(raw) ?? 'null');
  } catch (error) {
    controller.abort();
    if (error instanceof Timeout) {
      return failure(
        REASON.ENGINE_TIMEOUT,
        `engine ${identity.id} did not decide within ${error.ms} ms`,
        identity,
      );
    }
    if (error instanceof Aborted) return failure(REASON.ENGINE_ABORTED, 'the build was aborted', identity);
    return failure(REASON.ENGINE_ERROR, `engine ${identity.id} failed: ${describe(error)}`, identity);
  } finally {
    clearTimeout(timer);
    if (external && onAbort) external.removeEventListener('abort', onAbort);
  }
  if (!decisionValidator(raw)) {
    const problems = describeErrors(decisionValidator.errors).slice(0, 5).join('; ');
    return failure(
      REASON.ENGINE_INVALID_OUTPUT,
      `engine ${identity.id} returned an invalid decision: ${problems}`,
      identity,
    );
  }
  const out = raw as DecisionLayer;
  const layer: DecisionLayer = {
    decision: out.decision,
    reason: out.reason,
    scores: out.scores,
    verified_claims: out.verified_claims,
    engine: identity,
  };
  if (out.reason_code !== undefined) layer.reason_code = out.reason_code;
  return layer;
}
