// What one step of the demo hands to the next. The demo is one pipeline:
// a QKD key feeds the session, the session's outcome becomes a contract, the
// run's outputs become an evidence bundle, every step emits a DQSN signal,
// and a temporal lease guards all of it.

import type { KeySource } from '@qsp/crypto-suite';

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
  /** A short upper-case code naming the outcome, e.g. HANDSHAKE_OK. */
  readonly code: string;
  readonly reason: string;
}

export interface DemoContext {
  /** The QKD link the crypto step brought up; the session mixes a key from it. */
  qkd?: { readonly label: string; readonly source: KeySource };
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
