import { EvidenceError } from '../errors.js';
import { SQLSTATE } from './schema-sql.js';

/** Maps a database error to the package's error codes (triggers raise the QE… SQLSTATEs). */
export function storeError(cause: unknown, what: string): EvidenceError {
  if (cause instanceof EvidenceError) return cause;
  const code = (cause as { code?: unknown })?.code;
  const message = `${what}: ${(cause as Error)?.message ?? String(cause)}`;
  switch (code) {
    case SQLSTATE.RETENTION_LOCKED:
      return new EvidenceError('RETENTION_LOCKED', message, { cause });
    case SQLSTATE.ILLEGAL_TRANSITION:
      return new EvidenceError('ILLEGAL_TRANSITION', message, { cause });
    case '23505':
      return new EvidenceError('CONFLICT', message, { cause });
    case '23503':
      return new EvidenceError('NOT_FOUND', message, { cause });
    default:
      return new EvidenceError('STORE_FAILED', message, { cause });
  }
}
