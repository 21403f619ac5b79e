// Deduplication and the decision rule. Nothing here reads a signal's meaning
// beyond its `decision` and `reason_codes`, and nothing changes a signal.
import { canonicalJson } from './canonical.js';
import { REASON_CODES, type ReasonCode } from './reason-codes.js';
import type { Decision, SignalV3 } from './types.js';

const SEVERITY: Readonly<Record<Decision, number>> = { ALLOW: 0, WARN: 1, BLOCK: 2, ERROR: 3 };
const DECISION_BY_SEVERITY: readonly Decision[] = ['ALLOW', 'WARN', 'BLOCK', 'ERROR'];

/** DQSN's own code for each aggregate decision of a valid request. */
export const DECISION_CODE: Readonly<Record<Decision, ReasonCode>> = {
  ALLOW: REASON_CODES.OK_ALLOW,
  WARN: REASON_CODES.ESCALATE_WARN,
  BLOCK: REASON_CODES.DENY_BLOCK,
  ERROR: REASON_CODES.UPSTREAM_ERROR,
};

export interface Aggregate {
  readonly decision: Decision;
  readonly reasonCodes: readonly string[];
  /** Distinct signals, sorted by canonical form. */
  readonly kept: readonly SignalV3[];
  /** The canonical JSON of each kept signal, same order. */
  readonly keptCanonical: readonly string[];
}

/** The most severe decision of a non-empty list, by ALLOW < WARN < BLOCK < ERROR. */
export function mostSevere(decisions: Iterable<Decision>): Decision {
  let max = -1;
  for (const d of decisions) max = Math.max(max, SEVERITY[d]);
  const out = DECISION_BY_SEVERITY[max];
  if (out === undefined) throw new RangeError('no decisions to aggregate');
  return out;
}

// Plain code-unit order, so every node sorts identically whatever its locale.
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Only byte-identical signals (equal canonical JSON) are merged: two signals
 * with one context_hash but different decisions are both kept and both count.
 */
export function aggregateSignals(signals: readonly SignalV3[]): Aggregate {
  const byCanonical = new Map<string, SignalV3>();
  for (const s of signals) {
    const c = canonicalJson(s);
    if (!byCanonical.has(c)) byCanonical.set(c, s);
  }
  const keptCanonical = [...byCanonical.keys()].sort(byCodeUnits);
  const kept = keptCanonical.map((c) => byCanonical.get(c)!);
  const decision = mostSevere(kept.map((s) => s.decision));
  const own = DECISION_CODE[decision];
  const upstream = new Set<string>();
  for (const s of kept) for (const code of s.reason_codes) if (code !== own) upstream.add(code);
  return { decision, reasonCodes: [own, ...[...upstream].sort(byCodeUnits)], kept, keptCanonical };
}
