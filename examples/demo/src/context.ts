// What one step of the demo hands to the next. The demo is one pipeline:
// a QKD key feeds the session, the session's outcome becomes a contract, the
// run's outputs become an evidence bundle, every step emits a DQSN signal,
// and a temporal lease guards all of it.

/** A QKD key delivered by a key source, for the session's key mix. */
export interface QkdKey {
  readonly source: string;
  readonly keyId: string;
  readonly key: Uint8Array;
}

/** What the session step observed, in the shape a product contract's input needs. */
export interface SessionOutcome {
  readonly sessionId: string;
  readonly suite: string;
  readonly transcriptSha256: string;
  readonly peerKeyFingerprint: string;
  readonly qkdKeyId: string | null;
  readonly epochs: number;
  readonly rekeys: number;
  readonly bytesSent: number;
  readonly bytesReceived: number;
  readonly closeReason: string;
  readonly startedAt: string;
  readonly endedAt: string;
}

/** A file the run produced; the evidence step packs all of them. */
export interface Artifact {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** One step's verdict on itself, aggregated by DQSN at the end. */
export interface StepSignal {
  readonly step: string;
  readonly decision: 'ALLOW' | 'WARN' | 'BLOCK';
  readonly score: number;
  readonly reason: string;
}

export interface DemoContext {
  qkd?: QkdKey;
  session?: SessionOutcome;
  artifacts: Artifact[];
  signals: StepSignal[];
}

export function newContext(): DemoContext {
  return { artifacts: [], signals: [] };
}

/** A step that needs an earlier step's output fails loudly, never with made-up data. */
export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined)
    throw new Error(`${what} is missing: the step that produces it did not run or failed`);
  return value;
}
