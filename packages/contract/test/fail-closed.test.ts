// Every way an engine can fail ends in a `reject` contract that still
// verifies (it is a well-formed, fail-closed contract), never an accept.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  build,
  type Engine,
  type EngineDecision,
  hybridEngine,
  runEngine,
  STAGE286_SPEC,
  verify,
} from '../src/index.js';
import { sampleInput } from './helpers.js';

const good: EngineDecision = {
  decision: 'accept',
  reason: 'fine',
  scores: { integrity_trust: 1, execution_trust: 1, identity_trust: 1, time_trust: 1, total_trust: 1 },
  verified_claims: [],
};

async function expectReject(
  engine: Engine,
  code: string,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
) {
  const built = await build(STAGE286_SPEC, sampleInput(), engine, { timeoutMs: 200, ...options });
  expect(built.contract.decision_layer.decision).toBe('reject');
  expect(built.contract.decision_layer.reason_code).toBe(code);
  expect(built.contract.enforcement_layer.execution_state).toBe('halted_safe');
  expect(built.contract.exposure_layer.public_status).toBe('reject');
  expect(verify(built.bytes, { sha256File: built.sha256File }).ok).toBe(true);
  return built;
}

const engine = (decide: Engine['decide']): Engine => ({ id: 'test', version: '1', decide });

describe('fail-closed engine handling', () => {
  it('an engine that throws is ENGINE_ERROR', async () => {
    const built = await expectReject(
      engine(() => {
        throw new Error('boom');
      }),
      'ENGINE_ERROR',
    );
    expect(built.contract.decision_layer.reason).toMatch(/boom/);
  });

  it('an engine whose promise rejects (with anything) is ENGINE_ERROR', async () => {
    await expectReject(
      engine(() => Promise.reject(new TypeError('nope'))),
      'ENGINE_ERROR',
    );
    await expectReject(
      engine(() => Promise.reject(undefined)),
      'ENGINE_ERROR',
    );
  });

  it('an engine that hangs is ENGINE_TIMEOUT, and sees its signal aborted', async () => {
    let seen: AbortSignal | undefined;
    await expectReject(
      engine((_input, ctx) => {
        seen = ctx.signal;
        return new Promise<never>(() => undefined);
      }),
      'ENGINE_TIMEOUT',
      { timeoutMs: 30 },
    );
    expect(seen?.aborted).toBe(true);
  });

  it('a caller abort is ENGINE_ABORTED', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 10);
    await expectReject(
      engine(() => new Promise<never>(() => undefined)),
      'ENGINE_ABORTED',
      { timeoutMs: 5_000, signal: controller.signal },
    );
    await expectReject(
      engine(() => good),
      'ENGINE_ABORTED',
      { signal: AbortSignal.abort() },
    );
  });

  it('an engine object that is not an engine is ENGINE_ERROR', async () => {
    await expectReject({ id: 'x', version: '1' } as unknown as Engine, 'ENGINE_ERROR');
    // An engine whose name getter throws is still run; it only loses its name in the record.
    const hostile: Engine = {
      get id(): string {
        throw new Error('getter');
      },
      version: '1',
      decide: () => good,
    };
    // A JavaScript caller is not held to the EngineDecision type: the answer is checked at run time.
    const lying: Engine = {
      id: 'test',
      version: '1',
      decide: () => JSON.parse('{"decision":"yes","reason":"r","scores":{},"verified_claims":[]}'),
    };
    const built = await expectReject(lying, 'ENGINE_INVALID_OUTPUT');
    expect(built.contract.decision_layer.engine?.id).toBe('test');
    const named = await build(STAGE286_SPEC, sampleInput(), hostile);
    expect(named.contract.decision_layer.engine?.id).toBe('unknown');
  });

  it('any output that is not a valid decision is ENGINE_INVALID_OUTPUT', async () => {
    const invalid = fc.oneof(
      fc.anything(),
      fc.record({
        decision: fc.oneof(fc.constantFrom('accept', 'pending', 'reject'), fc.string()),
        reason: fc.oneof(fc.string(), fc.integer()),
        scores: fc.dictionary(fc.string(), fc.oneof(fc.double(), fc.string())),
        verified_claims: fc.oneof(fc.array(fc.string()), fc.string()),
      }),
    );
    await fc.assert(
      fc.asyncProperty(invalid, async (output) => {
        const built = await build(
          STAGE286_SPEC,
          sampleInput(),
          engine(() => output as EngineDecision),
          { timeoutMs: 1000 },
        );
        // Random output can be valid only by accident; it then passes through as the engine's answer.
        if (
          built.contract.decision_layer.reason_code !== 'ENGINE_INVALID_OUTPUT' &&
          built.contract.decision_layer.reason_code !== 'ENGINE_ERROR'
        ) {
          expect(output).toMatchObject({ decision: built.contract.decision_layer.decision });
        } else {
          expect(built.contract.decision_layer.decision).toBe('reject');
          expect(built.contract.enforcement_layer.execution_state).toBe('halted_safe');
        }
      }),
      { numRuns: 150 },
    );
  });

  it('specific invalid outputs: out-of-range scores, extra fields, NaN, wrong enum', async () => {
    const outputs = [
      { ...good, scores: { ...good.scores, total_trust: 1.5 } },
      { ...good, scores: { ...good.scores, total_trust: -0.1 } },
      { ...good, scores: { ...good.scores, extra: 1 } },
      { ...good, surprise: true },
      { ...good, decision: 'released' },
      { ...good, verified_claims: [1] },
      { ...good, reason: '' },
      { ...good, reason_code: 'lower case' },
      null,
      [],
      'accept',
    ];
    for (const o of outputs)
      await expectReject(
        engine(() => o as EngineDecision),
        'ENGINE_INVALID_OUTPUT',
      );
    // NaN and BigInt do not survive the JSON snapshot: NaN becomes null (invalid), BigInt throws.
    await expectReject(
      engine(() => ({ ...good, scores: { ...good.scores, total_trust: Number.NaN } })),
      'ENGINE_INVALID_OUTPUT',
    );
    await expectReject(
      engine(() => ({ ...good, scores: { ...good.scores, total_trust: 1n } }) as never),
      'ENGINE_ERROR',
    );
  });
});

describe('engine time limit option', () => {
  const never: Engine = { id: 'never', version: '1', decide: () => new Promise<EngineDecision>(() => {}) };
  it('runEngine, build and hybridEngine refuse the same bad timeoutMs values alike', async () => {
    for (const timeoutMs of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 31]) {
      await expect(runEngine(never, sampleInput(), { timeoutMs })).rejects.toMatchObject({
        code: 'INVALID_OPTION',
      });
      await expect(build(STAGE286_SPEC, sampleInput(), never, { timeoutMs })).rejects.toMatchObject({
        code: 'INVALID_OPTION',
      });
      expect(() => hybridEngine({ engines: [never, never], timeoutMs })).toThrow(
        expect.objectContaining({ code: 'INVALID_OPTION' }),
      );
    }
  });
});
