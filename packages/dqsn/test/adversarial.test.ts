import { afterAll, describe, expect, it } from 'vitest';
import { aggregate, aggregateV2, aggregateValue, REASON_CODES } from '../src/index.js';
import { request, signal, text } from './fixtures.js';

const PROTO_KEYS = Object.getOwnPropertyNames(Object.prototype).sort();
const PROTO_DESCRIPTORS = Object.getOwnPropertyDescriptors(Object.prototype);

afterAll(() => {
  // Nothing any test in this file fed in reached Object.prototype.
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(PROTO_KEYS);
  expect(Object.getOwnPropertyDescriptors(Object.prototype)).toEqual(PROTO_DESCRIPTORS);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
});

/** One value of each JSON type, plus edge values of the right type. */
const ALL_TYPES: readonly unknown[] = [null, true, false, 0, -1, 1.5, '', ' ', 'x', [], [1], {}, { a: 1 }];

const S = signal('sentinel', 'WARN', {
  meta: { fail_closed: true, latency_ms: 12, model_used: 'sentinel-v3' },
});

/** Every path to a scalar or container in a valid signal, and values that are valid there. */
const FIELDS: ReadonlyArray<{ path: readonly string[]; valid: (v: unknown) => boolean }> = [
  { path: ['contract_version'], valid: (v) => v === 3 },
  { path: ['component'], valid: (v) => v === 'x' },
  { path: ['request_id'], valid: (v) => v === 'x' },
  { path: ['context_hash'], valid: () => false },
  { path: ['decision'], valid: () => false },
  { path: ['risk'], valid: () => false },
  { path: ['risk', 'score'], valid: (v) => v === 0 },
  { path: ['risk', 'tier'], valid: () => false },
  { path: ['reason_codes'], valid: () => false },
  { path: ['evidence'], valid: (v) => typeof v === 'object' && v !== null && !Array.isArray(v) },
  { path: ['meta'], valid: () => false },
  { path: ['meta', 'fail_closed'], valid: (v) => v === true },
  { path: ['meta', 'latency_ms'], valid: (v) => v === 0 || v === 1.5 },
  { path: ['meta', 'model_used'], valid: (v) => v === 'x' },
];

function withField(
  base: Record<string, unknown>,
  path: readonly string[],
  value: unknown,
): Record<string, unknown> {
  const copy = structuredClone(base);
  let at: Record<string, unknown> = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string, unknown>;
  at[path[path.length - 1]!] = value;
  return copy;
}

describe('every field of every signal, wrong in every type', () => {
  it('the base signal is valid', () => {
    expect(aggregate(text(request([S]))).decision).toBe('WARN');
  });

  for (const { path, valid } of FIELDS) {
    it(`${path.join('.')}`, () => {
      for (const v of ALL_TYPES) {
        for (const position of [0, 1, 2]) {
          // The bad signal first, in the middle, and last, among valid ones.
          const others = [signal('a', 'ALLOW'), signal('b', 'BLOCK')];
          const signals = [...others];
          signals.splice(position, 0, withField(S, path, v));
          const r = aggregate(text(request(signals)));
          if (valid(v)) {
            expect(r.decision, `${path.join('.')}=${JSON.stringify(v)}`).toBe('BLOCK');
          } else {
            expect(r, `${path.join('.')}=${JSON.stringify(v)}`).toMatchObject({
              decision: 'ERROR',
              reason_codes: [REASON_CODES.SIGNAL_INVALID],
              meta: { fail_closed: true },
              evidence: { input_signals: 3, unique_signals: 0, signals: [] },
            });
          }
        }
      }
    });
  }

  it('unknown keys anywhere in the envelope, and in meta beyond latency_ms and model_used', () => {
    for (const path of [['x'], ['risk', 'x'], ['meta', 'x'], ['meta', 'fail_open']]) {
      expect(aggregate(text(request([withField(S, path, 1)]))).reason_codes).toEqual([
        REASON_CODES.SIGNAL_INVALID,
      ]);
    }
    // evidence is the upstream's own payload: any object is carried through untouched.
    expect(
      aggregate(text(request([withField(S, ['evidence', 'x'], { deep: [1, 'a', null] })]))).decision,
    ).toBe('WARN');
  });

  it('every top-level field wrong in every type', () => {
    for (const field of ['component', 'request_id', 'signals', 'constraints']) {
      for (const v of ALL_TYPES) {
        const r = aggregate(text(request([S], { [field]: v })));
        const ok =
          (field === 'component' && v === 'dqsn') ||
          (field === 'request_id' && v === 'x') ||
          (field === 'constraints' &&
            typeof v === 'object' &&
            v !== null &&
            !Array.isArray(v) &&
            !('a' in v));
        if (ok) expect(r.decision).toBe('WARN');
        else expect(r.decision, `${field}=${JSON.stringify(v)}`).toBe('ERROR');
      }
    }
  });
});

describe('hostile sizes and shapes', () => {
  it('10^6-deep nesting answers ERROR quickly, through every entry point', () => {
    const n = 1_000_000;
    const deep = '['.repeat(n) + ']'.repeat(n);
    const started = performance.now();
    expect(aggregate(deep).reason_codes).toEqual([REASON_CODES.PAYLOAD_TOO_LARGE]);
    expect(aggregate(deep, { maxBytes: 4_000_000 }).reason_codes).toEqual([REASON_CODES.DEPTH_LIMIT]);
    expect(
      aggregate(`{"a":${'{"a":'.repeat(n)}1${'}'.repeat(n + 1)}`, { maxBytes: 8_000_000 }).reason_codes,
    ).toEqual([REASON_CODES.DEPTH_LIMIT]);
    expect(aggregateV2(deep, { maxBytes: 4_000_000 }).reason_codes).toEqual([REASON_CODES.DEPTH_LIMIT]);
    let nested: unknown = 1;
    for (let i = 0; i < n; i++) nested = [nested];
    expect(aggregateValue(nested).reason_codes).toEqual([REASON_CODES.DEPTH_LIMIT]);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('100 MB input is refused at the byte limit without being parsed', () => {
    const bytes = new Uint8Array(100 * 1024 * 1024).fill(0x5b); // '[' * 100 MiB
    let started = performance.now();
    expect(aggregate(bytes).reason_codes).toEqual([REASON_CODES.PAYLOAD_TOO_LARGE]);
    expect(aggregateV2(bytes).reason_codes).toEqual([REASON_CODES.PAYLOAD_TOO_LARGE]);
    expect(performance.now() - started).toBeLessThan(50);
    const str = 'a'.repeat(100 * 1024 * 1024);
    started = performance.now();
    expect(aggregate(str).reason_codes).toEqual([REASON_CODES.PAYLOAD_TOO_LARGE]);
    expect(performance.now() - started).toBeLessThan(50);
  });

  it('a string of 4-byte characters just under the UTF-16 length limit is still measured in bytes', () => {
    const emoji = '😀'.repeat(150_000); // 300,000 UTF-16 units, 600,000 UTF-8 bytes
    expect(aggregate(`"${emoji}"`).reason_codes).toEqual([REASON_CODES.PAYLOAD_TOO_LARGE]);
  });

  it('many keys, long strings, long numbers within the byte limit stay bounded', () => {
    const manyKeys = `{${Array.from({ length: 30_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`;
    expect(aggregate(text(request([S])).replace('"observations":3', manyKeys.slice(1, -1))).decision).toBe(
      'WARN',
    );
    expect(aggregate(`[${'1'.repeat(400_000)}]`).reason_codes).toEqual([REASON_CODES.BAD_NUMBER]);
    expect(aggregate(`[0.${'0'.repeat(400_000)}1]`).reason_codes).toEqual([REASON_CODES.BAD_NUMBER]);
    expect(aggregate(`["${'a'.repeat(9000)}"]`).reason_codes).toEqual([REASON_CODES.STRING_TOO_LONG]);
  });

  it('prototype-polluting payloads change nothing', () => {
    const payloads = [
      '{"__proto__":{"polluted":true}}',
      '{"constructor":{"prototype":{"polluted":true}}}',
      `{"contract_version":3,"component":"dqsn","request_id":"r","signals":[{"__proto__":{"polluted":1}}]}`,
      text(request([S])).replace('"observations":3', '"__proto__":{"polluted":true}'),
      text(request([S])).replace('"observations":3', '"constructor":{"prototype":{"polluted":true}}'),
    ];
    for (const p of payloads) {
      const r = aggregate(p);
      expect(r.reason_codes).toEqual([REASON_CODES.FORBIDDEN_KEY]);
      expect(aggregateV2(p).decision).toBe('ERROR');
      expect(aggregateValue(JSON.parse(p)).decision).toBe('ERROR');
    }
  });

  it('no exception escapes, for any of a battery of hostile inputs', () => {
    const inputs: unknown[] = [
      '',
      '\u0000',
      '\ud800',
      '{"a":"\\ud800"}',
      '\ufeff{}',
      'null',
      '[]',
      '{}',
      '"string"',
      '1',
      new Uint8Array(0),
      new Uint8Array([0xc0, 0x80]),
      new Uint8Array([0xed, 0xa0, 0x80]),
      Symbol('s'),
      () => 1,
      new Proxy(
        {},
        {
          get: () => {
            throw new Error('x');
          },
        },
      ),
    ];
    for (const input of inputs) {
      expect(() => aggregate(input as string)).not.toThrow();
      expect(aggregate(input as string).decision).toBe('ERROR');
      expect(() => aggregateV2(input as string)).not.toThrow();
      expect(() => aggregateValue(input)).not.toThrow();
    }
  });
});
