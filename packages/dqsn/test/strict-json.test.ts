import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseStrictJson, REASON_CODES } from '../src/index.js';

const LIMITS = { maxDepth: 64, maxStringLength: 1 << 20 };
const parse = (t: string, limits = LIMITS) => parseStrictJson(t, limits);
const codeOf = (t: string, limits = LIMITS) => {
  const r = parse(t, limits);
  return r.ok ? 'ok' : r.code;
};

/** JSON values without duplicate-key or forbidden-key ambiguity, as JSON.parse sees them. */
const safeJson = fc.jsonValue({ maxDepth: 6 }).filter((v) => {
  const s = JSON.stringify(v);
  return !/"(__proto__|constructor|prototype)":/.test(s) && s.isWellFormed();
});

describe('strict JSON parser', () => {
  it('agrees with JSON.parse on every valid document it accepts', () => {
    fc.assert(
      fc.property(safeJson, fc.boolean(), (v, pretty) => {
        const t = JSON.stringify(v, null, pretty ? 2 : undefined);
        const r = parse(t);
        // fc.jsonValue may produce -0 and integers beyond 2^53 (refused here, by design).
        if (!r.ok) {
          expect(r.code).toBe(REASON_CODES.BAD_NUMBER);
          return;
        }
        expect(r.value).toEqual(JSON.parse(t));
      }),
      { numRuns: 400 },
    );
  });

  it('never throws, for any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        expect(() => parse(s)).not.toThrow();
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws on mutations of a valid document', () => {
    const base = JSON.stringify({ a: [1, 2.5, 'x\\u0041', { b: null, c: true }], d: -0.5e-3 });
    fc.assert(
      fc.property(fc.nat(base.length - 1), fc.string({ unit: 'binary', maxLength: 3 }), (at, ins) => {
        const t = base.slice(0, at) + ins + base.slice(at + 1);
        const r = parse(t);
        if (r.ok) expect(r.value).toEqual(JSON.parse(t));
      }),
      { numRuns: 2000 },
    );
  });

  it('refuses duplicate keys at any depth, including escaped spellings', () => {
    expect(codeOf('{"decision":"BLOCK","decision":"ALLOW"}')).toBe(REASON_CODES.DUPLICATE_KEY);
    expect(codeOf('{"a":{"b":[{"c":1,"c":1}]}}')).toBe(REASON_CODES.DUPLICATE_KEY);
    expect(codeOf('{"a":1,"\\u0061":1}')).toBe(REASON_CODES.DUPLICATE_KEY);
    expect(codeOf('{"toString":1,"toString":2}')).toBe(REASON_CODES.DUPLICATE_KEY);
    expect(codeOf('{"toString":1,"hasOwnProperty":2}')).toBe('ok');
  });

  it('refuses __proto__, constructor and prototype keys at any depth', () => {
    for (const k of ['__proto__', 'constructor', 'prototype', '__pro\\u0074o__']) {
      expect(codeOf(`{"${k}":{}}`)).toBe(REASON_CODES.FORBIDDEN_KEY);
      expect(codeOf(`[{"x":[{"${k}":1}]}]`)).toBe(REASON_CODES.FORBIDDEN_KEY);
    }
    expect(codeOf('{"x":"__proto__"}')).toBe('ok');
  });

  it('refuses lone surrogates, raw or escaped, in keys and strings', () => {
    expect(codeOf('"\\ud800"')).toBe(REASON_CODES.INVALID_ENCODING);
    expect(codeOf('"\\udc00\\ud800"')).toBe(REASON_CODES.INVALID_ENCODING);
    expect(codeOf('{"\\ud83d":1}')).toBe(REASON_CODES.INVALID_ENCODING);
    expect(codeOf('"a\ud800b"')).toBe(REASON_CODES.INVALID_ENCODING);
    expect(codeOf('{"\udfff":1}')).toBe(REASON_CODES.INVALID_ENCODING);
    expect(codeOf('"\\ud83d\\ude00"')).toBe('ok');
    expect(codeOf('"😀"')).toBe('ok');
  });

  it('refuses a BOM', () => {
    expect(codeOf('\ufeff{}')).toBe(REASON_CODES.INVALID_ENCODING);
    expect(codeOf('{}\ufeff')).toBe(REASON_CODES.INVALID_REQUEST);
  });

  it('refuses non-finite, overflowing, underflowing and unsafe-integer numbers', () => {
    for (const t of [
      'NaN',
      'Infinity',
      '-Infinity',
      '[1e400]',
      '[-1e309]',
      '[1e-400]',
      '[9007199254740992]',
      '[-9007199254740993]',
      '[1e16]',
      '[1.5e300]',
      '[9007199254740991.5]',
    ]) {
      expect(codeOf(t), t).toBe(REASON_CODES.BAD_NUMBER);
    }
    for (const t of [
      '[9007199254740991]',
      '[-9007199254740991]',
      '[0]',
      '[-0]',
      '[0.0]',
      '[1e-300]',
      '[1.5e15]',
      '[0.5e-10]',
      '[0e10]',
    ]) {
      expect(codeOf(t), t).toBe('ok');
    }
  });

  it('refuses what RFC 8259 does not allow', () => {
    const bad = [
      '',
      ' ',
      '{',
      '}',
      '[1,]',
      '[,1]',
      '{"a":1,}',
      '{"a" 1}',
      '{a:1}',
      "{'a':1}",
      '01',
      '1.',
      '.5',
      '+1',
      '-',
      '1e',
      '1e+',
      '0x10',
      '"\t"',
      '"\\x41"',
      '"\\u12"',
      '"abc',
      'tru',
      'nul',
      'true false',
      '{}{}',
      '[]]',
      '"\\',
      '"\\u00"',
      '// c\n{}',
      '[1 2]',
      '{"a":1 "b":2}',
    ];
    for (const t of bad) expect(codeOf(t), JSON.stringify(t)).toBe(REASON_CODES.INVALID_REQUEST);
  });

  it('bounds depth without recursion: 10^6 nested arrays and objects answer at once', () => {
    const n = 1_000_000;
    const started = performance.now();
    expect(codeOf('['.repeat(n) + ']'.repeat(n))).toBe(REASON_CODES.DEPTH_LIMIT);
    expect(codeOf(`${'{"a":'.repeat(n)}1${'}'.repeat(n)}`)).toBe(REASON_CODES.DEPTH_LIMIT);
    expect(codeOf('['.repeat(n))).toBe(REASON_CODES.DEPTH_LIMIT);
    expect(performance.now() - started).toBeLessThan(2000);
    // Even with a very large depth limit the parser does not recurse.
    const deep = parse('['.repeat(n) + ']'.repeat(n), { maxDepth: n, maxStringLength: 10 });
    expect(deep.ok).toBe(true);
  });

  it('applies the depth limit exactly', () => {
    expect(codeOf('[[[1]]]', { maxDepth: 3, maxStringLength: 10 })).toBe('ok');
    expect(codeOf('[[[[1]]]]', { maxDepth: 3, maxStringLength: 10 })).toBe(REASON_CODES.DEPTH_LIMIT);
    expect(codeOf('{"a":{"b":{}}}', { maxDepth: 3, maxStringLength: 10 })).toBe('ok');
    expect(codeOf('{"a":{"b":{"c":{}}}}', { maxDepth: 3, maxStringLength: 10 })).toBe(
      REASON_CODES.DEPTH_LIMIT,
    );
  });

  it('applies the string limit to keys and values, after unescaping', () => {
    const lim = { maxDepth: 8, maxStringLength: 4 };
    expect(codeOf('"abcd"', lim)).toBe('ok');
    expect(codeOf('"abcde"', lim)).toBe(REASON_CODES.STRING_TOO_LONG);
    expect(codeOf('{"abcde":1}', lim)).toBe(REASON_CODES.STRING_TOO_LONG);
    expect(codeOf('"\\u0061\\u0062\\u0063\\u0064"', lim)).toBe('ok');
    expect(codeOf('"\\u0061\\u0062\\u0063\\u0064e"', lim)).toBe(REASON_CODES.STRING_TOO_LONG);
  });

  it('decodes every escape', () => {
    const r = parse('"\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u20AC"');
    expect(r).toEqual({ ok: true, value: '"\\/\b\f\n\r\t\u00e9\u20ac' });
  });

  it('builds plain objects that do not touch Object.prototype', () => {
    const r = parse('{"toString":"x","valueOf":[1],"hasOwnProperty":null}');
    expect(r.ok).toBe(true);
    if (r.ok) expect(Object.getPrototypeOf(r.value)).toBe(Object.prototype);
    expect(Object.prototype.toString).toBeTypeOf('function');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
