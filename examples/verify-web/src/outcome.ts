// What the page shows for one verification, whatever was verified: one row
// per check, a verdict, and facts (decision, status, digests, Merkle roots).

export type RowStatus = 'pass' | 'fail' | 'not-checked';

export interface Row {
  /** The verifier's own check name, e.g. `contract_sha256` or `artifact_hash:counts.json`. */
  readonly id: string;
  readonly label: string;
  readonly status: RowStatus;
  readonly reason: string;
}

export interface Fact {
  readonly label: string;
  readonly value: string;
  /** Set when the fact is a comparison that came out wrong (e.g. a Merkle root that differs). */
  readonly mismatch?: boolean;
}

export type Verdict = 'valid' | 'invalid' | 'incomplete';

export interface Outcome {
  readonly kind: 'contract' | 'bundle';
  readonly verdict: Verdict;
  readonly headline: string;
  readonly rows: readonly Row[];
  readonly facts: readonly Fact[];
  /** Things the person should know about their inputs (a key that was not used, an unlisted file). */
  readonly notes: readonly string[];
}

/** Fail closed: any failed row makes it invalid; any row not checked keeps it from being called valid. */
export function verdictOf(rows: readonly Row[]): Verdict {
  if (rows.length === 0 || rows.some((r) => r.status === 'fail')) return 'invalid';
  return rows.some((r) => r.status === 'not-checked') ? 'incomplete' : 'valid';
}

export function headlineOf(kind: Outcome['kind'], rows: readonly Row[]): string {
  const what = kind === 'contract' ? 'product contract' : 'evidence bundle';
  const failed = rows.filter((r) => r.status === 'fail').length;
  const skipped = rows.filter((r) => r.status === 'not-checked').length;
  const verdict = verdictOf(rows);
  if (verdict === 'invalid')
    return `This ${what} does NOT verify: ${failed} of ${rows.length} checks failed.`;
  if (verdict === 'incomplete') {
    return `Every check that ran passed, but ${skipped} of ${rows.length} could not be checked with what you gave: this ${what} is not verified.`;
  }
  return `This ${what} verifies: all ${rows.length} checks passed.`;
}
