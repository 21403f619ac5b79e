import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../src/canonical.js';
import { aggregate, type Decision, REASON_CODES } from '../src/index.js';

const DECISIONS: readonly Decision[] = ['ALLOW', 'WARN', 'BLOCK', 'ERROR'];
const SEVERITY: Record<Decision, number> = { ALLOW: 0, WARN: 1, BLOCK: 2, ERROR: 3 };

const ident = fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/);
const evidenceValue = fc.jsonValue({ maxDepth: 3 }).filter((v) => {
  const s = JSON.stringify(v);
  return !/"(__proto__|constructor|prototype)":/.test(s) && s.isWellFormed() && !/\d{16,}|e\+?\d/.test(s);
});

const signalArb = fc.record({
  contract_version: fc.constant(3),
  component: ident,
  request_id: ident,
  context_hash: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex')),
  decision: fc.constantFrom(...DECISIONS),
  risk: fc.record({
    score: fc.double({ min: 0, max: 1, noNaN: true }).map((x) => (Object.is(x, -0) ? 0 : x)),
    tier: fc.constantFrom('LOW', 'MEDIUM', 'HIGH', 'CRITICAL'),
  }),
  reason_codes: fc.array(fc.stringMatching(/^[A-Z][A-Z0-9_]{0,15}$/), { minLength: 1, maxLength: 4 }),
  evidence: fc.dictionary(ident, evidenceValue, { maxKeys: 4 }),
  meta: fc.oneof(
    fc.constant({ fail_closed: true }),
    fc.record({ fail_closed: fc.constant(true), latency_ms: fc.nat(5000), model_used: ident }),
  ),
});

const requestArb = fc.record({
  contract_version: fc.constant(3),
  component: fc.constant('dqsn'),
  request_id: ident,
  signals: fc.array(signalArb, { minLength: 1, maxLength: 8 }),
});

/** Serialises with shuffled keys at every level and random insignificant whitespace. */
function scramble(value: unknown, rand: () => number): string {
  const ws = () => [' ', '\n', '\t', '\r', '', ''][Math.floor(rand() * 6)]!;
  if (Array.isArray(value))
    return `[${ws()}${value.map((v) => scramble(v, rand)).join(`${ws()},${ws()}`)}${ws()}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value);
    for (let i = entries.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [entries[i], entries[j]] = [entries[j]!, entries[i]!];
    }
    return `{${ws()}${entries.map(([k, v]) => `${JSON.stringify(k)}${ws()}:${ws()}${scramble(v, rand)}`).join(`${ws()},${ws()}`)}${ws()}}`;
  }
  return JSON.stringify(value);
}

function seeded(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

describe('properties', () => {
  it('the output is independent of key order and whitespace', () => {
    fc.assert(
      fc.property(requestArb, fc.integer(), (req, seed) => {
        const plain = aggregate(JSON.stringify(req));
        expect(plain.decision).not.toBe(undefined);
        expect(plain.reason_codes[0]).not.toMatch(/^DQSN_ERROR_(?!UPSTREAM)/);
        const scrambled = aggregate(scramble(req, seeded(seed)));
        expect(canonicalJson(scrambled)).toBe(canonicalJson(plain));
      }),
      { numRuns: 150 },
    );
  });

  it('the decision is the most severe signal decision', () => {
    fc.assert(
      fc.property(requestArb, (req) => {
        const r = aggregate(JSON.stringify(req));
        const max = req.signals.reduce(
          (m, s) => (SEVERITY[s.decision] > SEVERITY[m] ? s.decision : m),
          'ALLOW' as Decision,
        );
        expect(r.decision).toBe(max);
        expect(r.reason_codes[0]).toBe(
          {
            ALLOW: REASON_CODES.OK_ALLOW,
            WARN: REASON_CODES.ESCALATE_WARN,
            BLOCK: REASON_CODES.DENY_BLOCK,
            ERROR: REASON_CODES.UPSTREAM_ERROR,
          }[max],
        );
      }),
      { numRuns: 150 },
    );
  });

  it('exact duplicates never change the decision, the kept signals or the codes', () => {
    fc.assert(
      fc.property(
        requestArb,
        fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
        fc.integer(),
        (req, picks, seed) => {
          const base = aggregate(JSON.stringify(req));
          const rand = seeded(seed);
          const dupes = picks.map((p) => req.signals[p % req.signals.length]!);
          const all = [...req.signals, ...dupes].map((s) => ({ s, k: rand() })).sort((a, b) => a.k - b.k);
          const withDupes = `{"contract_version":3,"component":"dqsn","request_id":${JSON.stringify(req.request_id)},"signals":[${all
            .map(({ s }) => scramble(s, rand))
            .join(',')}]}`;
          const r = aggregate(withDupes);
          expect(r.decision).toBe(base.decision);
          expect(r.reason_codes).toEqual(base.reason_codes);
          expect(r.evidence.signals).toEqual(base.evidence.signals);
          expect(r.evidence.input_signals).toBe(req.signals.length + dupes.length);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('never throws; every ERROR carries exactly one code and fail_closed', () => {
    const anyInput = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 300 }),
      fc.uint8Array({ maxLength: 300 }),
      fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
      requestArb.chain((req) =>
        fc.nat(JSON.stringify(req).length).map((cut) => JSON.stringify(req).slice(0, cut)),
      ),
    );
    fc.assert(
      fc.property(anyInput, (input) => {
        const r = aggregate(input);
        expect(r.meta.fail_closed).toBe(true);
        expect(r.context_hash).toMatch(/^[0-9a-f]{64}$/);
        if (r.decision === 'ERROR' && r.reason_codes[0] !== REASON_CODES.UPSTREAM_ERROR) {
          expect(r.reason_codes).toHaveLength(1);
          expect(r.evidence.signals).toEqual([]);
        }
      }),
      { numRuns: 1500 },
    );
  });
});
