import { describe, expect, it } from 'vitest';
import {
  aggregate,
  aggregateValue,
  createAggregator,
  DqsnError,
  REASON_CODES,
  resolveConfig,
} from '../src/index.js';
import { request, signal, text } from './fixtures.js';

const A = signal('sentinel', 'ALLOW');
const W = signal('adn', 'WARN');
const B = signal('guardian', 'BLOCK');
const E = signal('oracle', 'ERROR');

describe('aggregate: the decision', () => {
  it('is the most severe signal decision, ALLOW < WARN < BLOCK < ERROR', () => {
    expect(aggregate(text(request([A]))).decision).toBe('ALLOW');
    expect(aggregate(text(request([A, W]))).decision).toBe('WARN');
    expect(aggregate(text(request([W, B, A]))).decision).toBe('BLOCK');
    expect(aggregate(text(request([B, E, A, W]))).decision).toBe('ERROR');
  });

  it("carries DQSN's own code first, then the upstream codes deduplicated and sorted", () => {
    const x = signal('zeta', 'WARN', { reason_codes: ['Z_WARN', 'A_NOTE', 'Z_WARN'] });
    const y = signal('alpha', 'ALLOW', { reason_codes: ['A_NOTE', 'M_OK'] });
    const r = aggregate(text(request([x, y])));
    expect(r.reason_codes).toEqual(['DQSN_ESCALATE_WARN', 'A_NOTE', 'M_OK', 'Z_WARN']);
    expect(aggregate(text(request([E]))).reason_codes[0]).toBe(REASON_CODES.UPSTREAM_ERROR);
    expect(aggregate(text(request([B]))).reason_codes[0]).toBe(REASON_CODES.DENY_BLOCK);
  });

  it('an upstream ERROR is aggregated, not an invalid request: the signals are kept', () => {
    const r = aggregate(text(request([E, A])));
    expect(r.decision).toBe('ERROR');
    expect(r.evidence.unique_signals).toBe(2);
  });
});

describe('aggregate: where the reference breaks its contract', () => {
  it('an ALLOW placed first does not hide a BLOCK with the same context_hash', () => {
    const hash = A.context_hash;
    const block = signal('sentinel', 'BLOCK', { context_hash: hash });
    const r = aggregate(text(request([A, block])));
    expect(r.decision).toBe('BLOCK');
    expect(r.evidence.unique_signals).toBe(2);
    expect(aggregate(text(request([block, A]))).decision).toBe('BLOCK');
  });

  it('"decision":"BLOCK","decision":"ALLOW" is refused, not read as ALLOW', () => {
    const raw = text(request([B])).replace('"decision":"BLOCK"', '"decision":"BLOCK","decision":"ALLOW"');
    const r = aggregate(raw);
    expect(r.decision).toBe('ERROR');
    expect(r.reason_codes).toEqual([REASON_CODES.DUPLICATE_KEY]);
  });

  it('does not coerce: " dqsn ", "DQSN", "warn", " WARN", "3", 3.5, true', () => {
    expect(aggregate(text(request([A], { component: ' dqsn ' }))).reason_codes).toEqual([
      REASON_CODES.INVALID_REQUEST,
    ]);
    expect(aggregate(text(request([A], { component: 'DQSN' }))).decision).toBe('ERROR');
    for (const decision of ['warn', ' WARN', 'Warn', 'DENY', 'ESCALATE']) {
      expect(aggregate(text(request([{ ...W, decision }]))).reason_codes).toEqual([
        REASON_CODES.SIGNAL_INVALID,
      ]);
    }
    for (const v of ['3', 3.5, true, null, [3], 4, -3]) {
      expect(aggregate(text(request([A], { contract_version: v }))).reason_codes).toEqual([
        REASON_CODES.SCHEMA_VERSION,
      ]);
      expect(aggregate(text(request([{ ...A, contract_version: v }]))).reason_codes).toEqual([
        REASON_CODES.SIGNAL_INVALID,
      ]);
    }
    expect(aggregate(text(request([{ ...A, risk: { score: '0.1', tier: 'LOW' } }]))).decision).toBe('ERROR');
    expect(aggregate(text(request([{ ...A, risk: { score: 0.1, tier: 'low' } }]))).decision).toBe('ERROR');
  });

  it('refuses signals without reason_codes or evidence', () => {
    for (const field of [
      'reason_codes',
      'evidence',
      'meta',
      'risk',
      'context_hash',
      'request_id',
      'component',
    ]) {
      const s: Record<string, unknown> = { ...A };
      delete s[field];
      expect(aggregate(text(request([s]))).reason_codes, field).toEqual([REASON_CODES.SIGNAL_INVALID]);
    }
    expect(aggregate(text(request([{ ...A, reason_codes: [] }]))).decision).toBe('ERROR');
  });

  it('answers ERROR to an empty or missing signal list', () => {
    expect(aggregate(text(request([])))).toMatchObject({
      decision: 'ERROR',
      reason_codes: [REASON_CODES.SIGNALS_REQUIRED],
      meta: { fail_closed: true },
    });
    const { signals: _, ...noSignals } = request([A]);
    expect(aggregate(text(noSignals)).reason_codes).toEqual([REASON_CODES.SIGNALS_REQUIRED]);
  });
});

describe('aggregate: deduplication', () => {
  it('merges only byte-identical signals (canonical form), whatever their key order or spacing', () => {
    const reordered = Object.fromEntries(Object.entries(A).reverse());
    const raw = `{"contract_version":3,"component":"dqsn","request_id":"r","signals":[${text(A)}, ${JSON.stringify(reordered, null, 2)}]}`;
    const r = aggregate(raw);
    expect(r.evidence).toMatchObject({ input_signals: 2, unique_signals: 1 });
    const differentEvidence = { ...A, evidence: { observations: 4 } };
    expect(aggregate(text(request([A, differentEvidence]))).evidence.unique_signals).toBe(2);
  });

  it('keeps the signals exactly as received, sorted by canonical form', () => {
    const r = aggregate(text(request([W, A, W])));
    expect(r.evidence.signals).toHaveLength(2);
    expect(r.evidence.signals).toContainEqual(A);
    expect(r.evidence.signals).toContainEqual(W);
    expect(aggregate(text(request([A, W]))).evidence.signals).toEqual(r.evidence.signals);
  });
});

describe('aggregate: context_hash', () => {
  it('is the same for the same request and configuration, whatever the signal order', () => {
    const one = aggregate(text(request([A, W, B])));
    const two = aggregate(text(request([B, A, W, A])));
    expect(one.decision).toBe(two.decision);
    // input_signals differs (4 vs 3), and it is part of the output, so the hashes differ...
    expect(one.context_hash).not.toBe(two.context_hash);
    // ...while a pure reordering keeps everything.
    expect(aggregate(text(request([W, B, A])))).toEqual(one);
  });

  it('depends on the configuration fingerprint', () => {
    const raw = text(request([A]));
    const a = aggregate(raw);
    const b = aggregate(raw, { maxSignals: 63 });
    expect(a.decision).toBe(b.decision);
    expect(a.context_hash).not.toBe(b.context_hash);
    expect(aggregate(raw, { maxSignals: 64 }).context_hash).toBe(a.context_hash);
  });

  it('depends on every signal and on the request_id', () => {
    const base = aggregate(text(request([A]))).context_hash;
    expect(aggregate(text(request([A], { request_id: 'req-2' }))).context_hash).not.toBe(base);
    expect(aggregate(text(request([{ ...A, evidence: { observations: 4 } }]))).context_hash).not.toBe(base);
    expect(aggregate(text(request([{ ...A, risk: { score: 0.11, tier: 'LOW' } }]))).context_hash).not.toBe(
      base,
    );
  });

  it('is deterministic for ERROR answers too, and differs per cause', () => {
    const e1 = aggregate('not json');
    expect(aggregate('still not json')).toEqual(e1);
    expect(aggregate('[]').context_hash).toBe(e1.context_hash); // same cause, same (empty) request_id
    expect(aggregate('{}').context_hash).not.toBe(e1.context_hash);
  });
});

describe('aggregate: ERROR answers', () => {
  it('have the full v3 shape, one reason code, and echo only a valid request_id', () => {
    const r = aggregate(text(request([{ ...A, decision: 'MAYBE' }], { request_id: 'r-77' })));
    expect(r).toEqual({
      contract_version: 3,
      component: 'dqsn',
      request_id: 'r-77',
      context_hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      decision: 'ERROR',
      reason_codes: [REASON_CODES.SIGNAL_INVALID],
      evidence: { input_signals: 1, unique_signals: 0, signals: [] },
      meta: { fail_closed: true },
    });
    expect(aggregate(text(request([A], { request_id: 5, extra: 1 }))).request_id).toBe('');
    expect(aggregate(text(request([A], { request_id: ' x' }))).request_id).toBe('');
  });

  it('the gates run in the seed order: bytes, parse, version, top-level keys, envelope, count, signals', () => {
    const huge = 'x'.repeat(600_000);
    expect(aggregate(`{"contract_version":2,"__proto__":1,"pad":"${huge}"}`).reason_codes).toEqual([
      REASON_CODES.PAYLOAD_TOO_LARGE,
    ]);
    expect(aggregate('{"contract_version":2,"__proto__":1}').reason_codes).toEqual([
      REASON_CODES.FORBIDDEN_KEY,
    ]);
    expect(aggregate('{"contract_version":2,"extra":1}').reason_codes).toEqual([REASON_CODES.SCHEMA_VERSION]);
    expect(aggregate('{"contract_version":3,"extra":1,"component":"x"}').reason_codes).toEqual([
      REASON_CODES.UNKNOWN_TOP_LEVEL_KEY,
    ]);
    expect(aggregate(text(request([A], { component: 'x', signals: [] }))).reason_codes).toEqual([
      REASON_CODES.INVALID_REQUEST,
    ]);
    const many = Array.from({ length: 65 }, () => ({ bogus: true }));
    expect(aggregate(text(request(many))).reason_codes).toEqual([REASON_CODES.SIGNAL_TOO_MANY]);
  });

  it('refuses invalid UTF-8 and inputs that are neither text nor bytes', () => {
    expect(aggregate(new Uint8Array([0x7b, 0xff, 0x7d])).reason_codes).toEqual([
      REASON_CODES.INVALID_ENCODING,
    ]);
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(text(request([A])))]);
    expect(aggregate(withBom).reason_codes).toEqual([REASON_CODES.INVALID_ENCODING]);
    expect(aggregate(new TextEncoder().encode(text(request([A])))).decision).toBe('ALLOW');
    for (const bad of [undefined, null, 42, {}, [], new ArrayBuffer(4)]) {
      expect(aggregate(bad as unknown as string).reason_codes).toEqual([REASON_CODES.INVALID_REQUEST]);
    }
  });

  it('counts the byte limit in UTF-8, not in string length', () => {
    const pad = (s: string) => text(request([{ ...A, evidence: { pad: s } }]));
    const small = pad('');
    const limit = { maxBytes: small.length + 300, maxStringLength: 1000 };
    expect(aggregate(pad('a'.repeat(290)), limit).decision).toBe('ALLOW');
    expect(aggregate(pad('é'.repeat(290)), limit).reason_codes).toEqual([REASON_CODES.PAYLOAD_TOO_LARGE]);
    expect(aggregate(new TextEncoder().encode(pad('é'.repeat(290))), limit).reason_codes).toEqual([
      REASON_CODES.PAYLOAD_TOO_LARGE,
    ]);
  });
});

describe('configuration', () => {
  it('limits come from the operator, with documented defaults', () => {
    expect(resolveConfig()).toMatchObject({
      maxBytes: 512_000,
      maxSignals: 64,
      maxDepth: 32,
      maxStringLength: 8192,
    });
    const many = Array.from({ length: 3 }, (_, i) => signal(`c${i}`, 'ALLOW'));
    expect(aggregate(text(request(many)), { maxSignals: 2 }).reason_codes).toEqual([
      REASON_CODES.SIGNAL_TOO_MANY,
    ]);
    expect(aggregate(text(request([A])), { maxDepth: 4 }).decision).toBe('ALLOW');
    expect(aggregate(text(request([{ ...A, evidence: { a: {} } }])), { maxDepth: 4 }).reason_codes).toEqual([
      REASON_CODES.DEPTH_LIMIT,
    ]);
  });

  it('a request cannot raise them: constraints carry no limits', () => {
    const r = aggregate(text(request([A], { constraints: { max_signals: 1000 } })));
    expect(r.reason_codes).toEqual([REASON_CODES.INVALID_REQUEST]);
    expect(aggregate(text(request([A], { constraints: { max_latency_ms: -1 } }))).decision).toBe('ERROR');
  });

  it('bad operator limits throw at creation, and make aggregate answer ERROR rather than throw', () => {
    for (const bad of [
      { maxBytes: 0 },
      { maxSignals: 1.5 },
      { maxDepth: 1e9 },
      { maxStringLength: Number.NaN },
    ]) {
      expect(() => createAggregator(bad)).toThrow(DqsnError);
      const r = aggregate(text(request([A])), bad);
      expect(r).toMatchObject({
        decision: 'ERROR',
        reason_codes: [REASON_CODES.INTERNAL],
        meta: { fail_closed: true },
      });
    }
    try {
      createAggregator({ maxBytes: -1 });
    } catch (e) {
      expect((e as DqsnError).code).toBe('CONFIG_INVALID');
    }
  });
});

describe('aggregateValue (the object API)', () => {
  it('gives the same answer as the raw path for plain data', () => {
    const req = request([A, W]);
    expect(aggregateValue(req)).toEqual(aggregate(text(req)));
  });

  it('refuses NaN, Infinity, -Infinity and unsafe integers instead of serialising them as null', () => {
    for (const score of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const r = aggregateValue(request([{ ...A, risk: { score, tier: 'LOW' } }]));
      expect(r.reason_codes).toEqual([REASON_CODES.BAD_NUMBER]);
    }
    expect(aggregateValue(request([{ ...A, evidence: { n: 2 ** 53 } }])).reason_codes).toEqual([
      REASON_CODES.BAD_NUMBER,
    ]);
  });

  it('refuses values that are not JSON data', () => {
    const getter = { ...A };
    Object.defineProperty(getter, 'decision', { get: () => 'ALLOW', enumerable: true });
    const cyclic: Record<string, unknown> = { ...A };
    cyclic.evidence = cyclic;
    const proxyThrows = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    const sparse = [A];
    sparse.length = 2;
    const cases: unknown[] = [
      request([getter]),
      request([{ ...A, evidence: new Map() }]),
      request([{ ...A, evidence: { d: new Date(0) } }]),
      request([{ ...A, evidence: { u: undefined } }]),
      request([{ ...A, evidence: { b: 1n } }]),
      request([{ ...A, evidence: { f: () => 1 } }]),
      request([{ ...A, [Symbol('s')]: 1 }]),
      request([proxyThrows]),
      request(sparse),
      undefined,
      'a string',
    ];
    for (const v of cases) {
      const r = aggregateValue(v);
      expect(r.decision).toBe('ERROR');
      expect(r.meta.fail_closed).toBe(true);
    }
    expect(aggregateValue(request([cyclic])).reason_codes).toEqual([REASON_CODES.DEPTH_LIMIT]);
    const proto = JSON.parse('{"__proto__": {"x": 1}}');
    expect(aggregateValue(request([{ ...A, evidence: proto }])).reason_codes).toEqual([
      REASON_CODES.FORBIDDEN_KEY,
    ]);
  });

  it('bounds a huge value by the byte limit before copying it all', () => {
    const big = new Array(1_000_000).fill(1);
    expect(aggregateValue(request([{ ...A, evidence: { big } }])).reason_codes).toEqual([
      REASON_CODES.PAYLOAD_TOO_LARGE,
    ]);
  });

  it('reads each property once, so a proxy cannot show two different values', () => {
    let reads = 0;
    const flipping = new Proxy(
      { ...A },
      {
        getOwnPropertyDescriptor(target, key) {
          const d = Reflect.getOwnPropertyDescriptor(target, key);
          if (key === 'decision' && d) {
            reads++;
            return { ...d, value: reads === 1 ? 'BLOCK' : 'ALLOW' };
          }
          return d;
        },
      },
    );
    const r = aggregateValue(request([flipping]));
    expect(reads).toBe(1);
    expect(r.decision).toBe('BLOCK');
    expect(r.evidence.signals[0]?.decision).toBe('BLOCK');
  });
});
