import { TemporalError } from './errors.js';

// RFC 3339 §5.6 date-time with a mandatory offset. Leap second 60 is refused:
// Date cannot represent it, and silently rolling it into the next minute
// would move a deadline.
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?([Zz]|([+-])(\d{2}):(\d{2}))$/;

const MAX_TIMESTAMP_LENGTH = 40;

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Parses an RFC 3339 date-time into epoch milliseconds. Fractions finer than
 * a millisecond are truncated towards the past.
 */
export function parseRfc3339(value: unknown, field = 'timestamp'): number {
  if (typeof value !== 'string' || value.length > MAX_TIMESTAMP_LENGTH) {
    throw new TemporalError('INVALID_TIMESTAMP', `${field} must be an RFC 3339 date-time string`);
  }
  const m = DATE_TIME.exec(value);
  if (!m) throw new TemporalError('INVALID_TIMESTAMP', `${field} is not RFC 3339: ${JSON.stringify(value)}`);
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const offsetHours = m[10] === undefined ? 0 : Number(m[10]);
  const offsetMinutes = m[11] === undefined ? 0 : Number(m[11]);
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > daysInMonth(year, month) ||
    hour > 23 ||
    minute > 59 ||
    second > 59 ||
    offsetHours > 23 ||
    offsetMinutes > 59
  ) {
    throw new TemporalError(
      'INVALID_TIMESTAMP',
      `${field} has a field out of range: ${JSON.stringify(value)}`,
    );
  }
  const fraction = m[7] === undefined ? 0 : Math.floor(Number(`0${m[7]}`) * 1000);
  const sign = m[9] === '-' ? -1 : 1;
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, fraction);
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear undoes that.
  const date = new Date(utc);
  date.setUTCFullYear(year);
  const ms = date.getTime() - sign * (offsetHours * 60 + offsetMinutes) * 60_000;
  if (!Number.isFinite(ms)) throw new TemporalError('INVALID_TIMESTAMP', `${field} is out of range`);
  return ms;
}

/** Formats epoch milliseconds as RFC 3339 UTC with millisecond precision (the form this package emits). */
export function formatRfc3339(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0 || ms > 253_402_300_799_999) {
    throw new TemporalError('INVALID_TIMESTAMP', `cannot format ${ms} as an RFC 3339 date-time`);
  }
  return new Date(ms).toISOString();
}
