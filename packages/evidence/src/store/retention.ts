import { EvidenceError } from '../errors.js';

/**
 * The seed's retention table: standard 365 days, mutable; compliance 7
 * years, WORM; enterprise configurable. The database computes the end of
 * retention from its own clock and enforces it in triggers.
 */
export type Retention =
  | { readonly class: 'standard' }
  | { readonly class: 'compliance'; readonly years?: number }
  | { readonly class: 'enterprise'; readonly days: number; readonly immutable: boolean };

export interface RetentionSql {
  readonly retentionClass: string;
  readonly immutable: boolean;
  readonly years: number;
  readonly days: number;
}

export function retentionSql(r: Retention): RetentionSql {
  switch (r?.class) {
    case 'standard':
      return { retentionClass: 'standard', immutable: false, years: 0, days: 365 };
    case 'compliance': {
      const years = r.years ?? 7;
      if (!Number.isInteger(years) || years < 7 || years > 100) {
        throw new EvidenceError(
          'INVALID_ARGUMENT',
          'compliance retention is a whole number of years, at least 7',
        );
      }
      return { retentionClass: 'compliance', immutable: true, years, days: 0 };
    }
    case 'enterprise':
      if (!Number.isInteger(r.days) || r.days < 0 || r.days > 36500 || typeof r.immutable !== 'boolean') {
        throw new EvidenceError(
          'INVALID_ARGUMENT',
          'enterprise retention needs 0..36500 days and an immutable flag',
        );
      }
      return { retentionClass: 'enterprise', immutable: r.immutable, years: 0, days: r.days };
    default:
      throw new EvidenceError(
        'INVALID_ARGUMENT',
        'retention class must be standard, compliance or enterprise',
      );
  }
}
