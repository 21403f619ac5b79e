// QKD-backed engine: the decision comes from a QKD key-source report in
// evidence.qkd (BB84/E91 post-processing statistics). The key is accepted
// only if the estimated QBER is under the threshold (above ~11% BB84 cannot
// distil a secret key), the distilled key is long enough, the estimate rests
// on enough sampled bits, and the report is fresh. With a KeySource the
// engine also fetches the key by id and checks its length, so the report is
// corroborated by the source that holds the key.
import { type KeySource, wipe } from '@qsp/crypto-suite';
import type { Engine } from '../engine.js';
import { ContractError } from '../errors.js';
import { REASON } from '../reasons.js';
import type { EngineDecision, InputLayer } from '../types.js';
import { scores } from './scores.js';

/** The report a QKD link's post-processing emits, as it sits in `input_layer.evidence.qkd`. */
export interface QkdReport {
  protocol: string;
  key_id: string;
  /** Estimated quantum bit error rate, in [0, 0.5]. */
  qber: number;
  /** Bits of the sifted key sacrificed to estimate the QBER. */
  sample_bits: number;
  /** Length of the final key after error correction and privacy amplification. */
  key_length_bits: number;
  /** RFC 3339 time of the measurement. */
  measured_at: string;
  aborted?: boolean;
}

export interface QkdEngineOptions {
  /** Reject at or above this QBER; default 0.11 (BB84's asymptotic bound). */
  readonly qberThreshold?: number;
  /** Minimum final key length in bits; default 256. */
  readonly minKeyBits?: number;
  /** Below this many sampled bits the estimate is too coarse: pending; default 1000. */
  readonly minSampleBits?: number;
  /** Maximum report age; default 5 minutes. Reports dated more than 60 s ahead are stale too. */
  readonly maxAgeMs?: number;
  /** When given, the key is fetched by id and its length must match the report. */
  readonly keySource?: KeySource;
}

const FUTURE_SKEW_MS = 60_000;

function parseReport(value: unknown): QkdReport | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'evidence.qkd is missing';
  const r = value as Record<string, unknown>;
  if (typeof r.protocol !== 'string' || r.protocol.length === 0)
    return 'evidence.qkd.protocol must be a string';
  if (typeof r.key_id !== 'string' || r.key_id.length === 0) return 'evidence.qkd.key_id must be a string';
  if (typeof r.qber !== 'number' || !(r.qber >= 0 && r.qber <= 0.5))
    return 'evidence.qkd.qber must be a number in [0, 0.5]';
  for (const f of ['sample_bits', 'key_length_bits'] as const) {
    const v = r[f];
    if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0)
      return `evidence.qkd.${f} must be a non-negative integer`;
  }
  if (typeof r.measured_at !== 'string' || Number.isNaN(Date.parse(r.measured_at))) {
    return 'evidence.qkd.measured_at must be a date-time';
  }
  if (r.aborted !== undefined && typeof r.aborted !== 'boolean')
    return 'evidence.qkd.aborted must be a boolean';
  return r as unknown as QkdReport;
}

function positive(name: string, value: number, integer: boolean): number {
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isSafeInteger(value))) {
    throw new ContractError('INVALID_OPTION', `${name} must be a positive ${integer ? 'integer' : 'number'}`);
  }
  return value;
}

export function qkdEngine(options: QkdEngineOptions = {}): Engine {
  const threshold = positive('qberThreshold', options.qberThreshold ?? 0.11, false);
  if (threshold > 0.5) throw new ContractError('INVALID_OPTION', 'qberThreshold must be at most 0.5');
  const minKeyBits = positive('minKeyBits', options.minKeyBits ?? 256, true);
  const minSampleBits = positive('minSampleBits', options.minSampleBits ?? 1000, true);
  const maxAgeMs = positive('maxAgeMs', options.maxAgeMs ?? 300_000, false);
  const source = options.keySource;

  return {
    id: 'qkd',
    version: '1.0.0',
    async decide(input: Readonly<InputLayer>, context): Promise<EngineDecision> {
      const report = parseReport(input.evidence.qkd);
      if (typeof report === 'string') {
        return {
          decision: 'reject',
          reason: report,
          scores: scores(0, 0, 0, 0),
          verified_claims: [],
          reason_code: REASON.EVIDENCE_MISSING,
        };
      }
      const claims: string[] = [];
      const margin = 1 - report.qber / threshold;
      const longEnough = report.key_length_bits >= minKeyBits;
      const age = context.now.getTime() - Date.parse(report.measured_at);
      const fresh = age <= maxAgeMs && age >= -FUTURE_SKEW_MS;
      const established = !report.aborted && longEnough;

      let confirmed: boolean | undefined;
      let confirmError = '';
      if (source && established) {
        try {
          const material = await source.keyById(report.key_id);
          confirmed = material.keyId === report.key_id && material.key.length * 8 === report.key_length_bits;
          if (!confirmed)
            confirmError = `key source holds ${material.key.length * 8} bits for ${report.key_id}`;
          wipe(material.key);
        } catch (error) {
          confirmed = false;
          confirmError = `key source could not deliver ${report.key_id}: ${error instanceof Error ? error.message : String(error)}`;
        }
      }
      const s = scores(
        margin,
        established ? 1 : 0,
        confirmed === true ? 1 : confirmed === false ? 0 : 0.5,
        fresh ? 1 : 0,
      );

      if (report.qber < threshold)
        claims.push(`${report.protocol} QBER ${report.qber} is under the threshold ${threshold}`);
      if (longEnough)
        claims.push(`QKD key ${report.key_id} is ${report.key_length_bits} bits (minimum ${minKeyBits})`);
      if (fresh) claims.push(`QKD report measured at ${report.measured_at} is fresh`);
      if (confirmed) claims.push(`key source ${source!.id} confirmed key ${report.key_id}`);

      const reject = (reason: string, reason_code: string): EngineDecision => ({
        decision: 'reject',
        reason,
        scores: s,
        verified_claims: claims,
        reason_code,
      });
      if (report.aborted) return reject('the QKD link aborted the key exchange', REASON.KEY_UNCONFIRMED);
      if (report.qber >= threshold)
        return reject(`QBER ${report.qber} is at or above the threshold ${threshold}`, REASON.QBER_TOO_HIGH);
      if (!longEnough)
        return reject(
          `key is ${report.key_length_bits} bits, policy requires ${minKeyBits}`,
          REASON.KEY_TOO_SHORT,
        );
      if (!fresh)
        return reject(
          `report measured at ${report.measured_at} is outside the ${maxAgeMs} ms window`,
          REASON.REPORT_STALE,
        );
      if (confirmed === false) return reject(confirmError, REASON.KEY_UNCONFIRMED);
      if (report.sample_bits < minSampleBits) {
        return {
          decision: 'pending',
          reason: `QBER estimated from ${report.sample_bits} bits, policy requires ${minSampleBits}`,
          scores: s,
          verified_claims: claims,
          reason_code: REASON.SAMPLE_TOO_SMALL,
        };
      }
      const how = confirmed ? ' and confirmed by the key source' : ' (not corroborated by a key source)';
      return {
        decision: 'accept',
        reason: `QKD key established under policy${how}`,
        scores: s,
        verified_claims: claims,
        reason_code: REASON.ALL_CHECKS_PASSED,
      };
    },
  };
}
