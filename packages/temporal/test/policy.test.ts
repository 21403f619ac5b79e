import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTemporalError } from '../src/errors.js';
import { MAX_DURATION_SECONDS, PRESETS, preset, validatePolicy } from '../src/policy.js';

const refused = (input: unknown, code = 'INVALID_POLICY') => {
  try {
    validatePolicy(input);
  } catch (error) {
    expect(isTemporalError(error, code as never), String(error)).toBe(true);
    return;
  }
  throw new Error(`accepted ${JSON.stringify(input)}`);
};

const ok = { initial_period: 60, warning_phase: 20, grace_period: 10, maximum_extension: 60 };

describe('temporal policy', () => {
  it('every preset is a valid policy, and preset() returns it', () => {
    for (const [name, policy] of Object.entries(PRESETS)) {
      expect(validatePolicy(policy)).toEqual(policy);
      expect(preset(name)).toBe(policy);
    }
    expect(() => preset('nope')).toThrow(expect.objectContaining({ code: 'UNKNOWN_PRESET' }));
    // Inherited names are not presets.
    expect(() => preset('toString')).toThrow(expect.objectContaining({ code: 'UNKNOWN_PRESET' }));
    expect(() => preset('__proto__')).toThrow(expect.objectContaining({ code: 'UNKNOWN_PRESET' }));
  });

  it('the documented preset durations (docs/temporal.md) are exactly these', () => {
    expect(PRESETS).toEqual({
      standard: {
        initial_period: 86_400,
        warning_phase: 3_600,
        grace_period: 900,
        maximum_extension: 2_505_600,
      },
      strict: { initial_period: 3_600, warning_phase: 600, grace_period: 0, maximum_extension: 82_800 },
      relaxed: {
        initial_period: 604_800,
        warning_phase: 86_400,
        grace_period: 3_600,
        maximum_extension: 7_171_200,
      },
      demo: { initial_period: 10, warning_phase: 4, grace_period: 3, maximum_extension: 20 },
    });
  });

  it('refuses negative, non-finite, non-number and absurd durations', () => {
    for (const field of Object.keys(ok)) {
      for (const bad of [-1, -0.001, Number.NaN, Number.POSITIVE_INFINITY, '60', null, undefined, 1e300]) {
        refused({ ...ok, [field]: bad });
      }
      refused({ ...ok, [field]: MAX_DURATION_SECONDS + 1 });
      // Finer than a millisecond cannot be stored exactly.
      refused({ ...ok, [field]: 10.0005 });
    }
  });

  it('refuses inconsistent policies', () => {
    refused({ ...ok, initial_period: 0 });
    refused({ ...ok, warning_phase: 60 });
    refused({ ...ok, warning_phase: 61 });
    refused({ ...ok, initial_period: MAX_DURATION_SECONDS, maximum_extension: 1 });
    refused({ ...ok, extra: 1 });
    refused({ initial_period: 60, warning_phase: 20, grace_period: 10 });
    refused(null);
    refused([60, 20, 10, 60]);
    refused('standard');
  });

  it('accepts zero warning, zero grace, zero extension and millisecond durations', () => {
    expect(
      validatePolicy({ initial_period: 0.001, warning_phase: 0, grace_period: 0, maximum_extension: 0 }),
    ).toEqual({
      initial_period: 0.001,
      warning_phase: 0,
      grace_period: 0,
      maximum_extension: 0,
    });
  });

  it('property: any policy is either refused with INVALID_POLICY or returned unchanged', () => {
    const duration = fc.oneof(
      fc.integer({ min: -10, max: MAX_DURATION_SECONDS + 10 }),
      fc.double({ noNaN: false }),
      fc.integer({ min: 0, max: 10_000_000 }).map((ms) => ms / 1000),
    );
    fc.assert(
      fc.property(duration, duration, duration, duration, (a, b, c, d) => {
        const input = { initial_period: a, warning_phase: b, grace_period: c, maximum_extension: d };
        let out: unknown;
        try {
          out = validatePolicy(input);
        } catch (error) {
          expect(isTemporalError(error, 'INVALID_POLICY')).toBe(true);
          return;
        }
        expect(out).toEqual(input);
        expect(b).toBeLessThan(a);
        expect(a + d).toBeLessThanOrEqual(MAX_DURATION_SECONDS);
      }),
      { numRuns: 500 },
    );
  });
});
