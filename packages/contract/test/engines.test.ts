import { bb84KeySource, type KeySource } from '@qsp/crypto-suite';
import { describe, expect, it } from 'vitest';
import {
  approve,
  attestDimension,
  build,
  DIMENSIONS,
  type Engine,
  hybridEngine,
  type InputLayer,
  isContractError,
  pqcEngine,
  type QkdReport,
  qkdEngine,
  STAGE286_SPEC,
  thresholdEngine,
  verify,
} from '../src/index.js';
import { NOW, sampleInput, signer, trusted } from './helpers.js';

async function decide(engine: Engine, input: InputLayer) {
  const built = await build(STAGE286_SPEC, input, engine, { now: NOW });
  expect(verify(built.bytes).ok).toBe(true);
  return built.contract.decision_layer;
}

function attestAll(input: InputLayer, s = signer('ev')): InputLayer {
  let out = input;
  for (const d of DIMENSIONS) out = attestDimension(out, d, s);
  return out;
}

describe('pqc engine', () => {
  const key = signer('ev');
  const engine = pqcEngine({ trustedKeys: [trusted(key)] });

  it('accepts when every dimension is signed by a trusted key, scoring what it verified', async () => {
    const d = await decide(engine, attestAll(sampleInput()));
    expect(d).toMatchObject({ decision: 'accept', reason_code: 'ALL_CHECKS_PASSED' });
    expect(d.scores).toEqual({
      integrity_trust: 1,
      execution_trust: 1,
      identity_trust: 1,
      time_trust: 1,
      total_trust: 1,
    });
    expect(d.verified_claims).toHaveLength(4);
  });

  it('is pending while only some dimensions are signed', async () => {
    const input = attestDimension(attestDimension(sampleInput(), 'integrity', key), 'identity', key);
    const d = await decide(engine, input);
    expect(d).toMatchObject({ decision: 'pending', reason_code: 'INCOMPLETE_ATTESTATION' });
    expect(d.scores).toMatchObject({
      integrity_trust: 1,
      identity_trust: 1,
      execution_trust: 0,
      total_trust: 0,
    });
  });

  it('rejects unsigned evidence and ignores signatures by unknown keys', async () => {
    expect(await decide(engine, sampleInput())).toMatchObject({
      decision: 'reject',
      reason_code: 'EVIDENCE_MISSING',
    });
    expect(await decide(engine, attestAll(sampleInput(), signer('stranger')))).toMatchObject({
      decision: 'reject',
      reason_code: 'EVIDENCE_MISSING',
    });
  });

  it('rejects when signed claims were changed afterwards, or replayed into another session', async () => {
    const signed = attestAll(sampleInput());
    const changed = {
      ...signed,
      evidence: { ...signed.evidence, execution: { ...signed.evidence.execution, epochs: 4 } },
    };
    expect(await decide(engine, changed)).toMatchObject({
      decision: 'reject',
      reason_code: 'SIGNATURE_INVALID',
    });
    expect(await decide(engine, { ...signed, session_id: 'other' })).toMatchObject({
      decision: 'reject',
      reason_code: 'SIGNATURE_INVALID',
    });
  });

  it('rejects malformed attestations', async () => {
    const input = sampleInput();
    const bad = {
      ...input,
      evidence: { ...input.evidence, time: { ...input.evidence.time, attestations: 'x' } },
    };
    expect(await decide(engine, bad)).toMatchObject({ decision: 'reject', reason_code: 'EVIDENCE_MISSING' });
    const bad2 = { ...input, evidence: { ...input.evidence, time: { attestations: [{ key_id: 1 }] } } };
    expect(await decide(engine, bad2)).toMatchObject({ decision: 'reject' });
  });

  it('needs trusted keys of the right length', () => {
    expect(() => pqcEngine({ trustedKeys: [] })).toThrow(/at least one/);
    expect(() =>
      pqcEngine({ trustedKeys: [{ algorithm: 'ML-DSA-44', publicKey: new Uint8Array(3) }] }),
    ).toThrow(/wrong length/);
  });
});

describe('qkd engine', () => {
  const report = (r: Partial<QkdReport> = {}): QkdReport => ({
    protocol: 'BB84',
    key_id: 'key-1',
    qber: 0.03,
    sample_bits: 4096,
    key_length_bits: 256,
    measured_at: '2026-11-23T09:09:00.000Z',
    ...r,
  });
  const withReport = (r: unknown): InputLayer => {
    const input = sampleInput();
    return { ...input, evidence: { ...input.evidence, qkd: r } };
  };
  const source = (bits: number, fail = false): KeySource => ({
    id: 'kme-test',
    newKey: () => Promise.reject(new Error('not used')),
    keyById: async (id) => {
      if (fail) throw new Error('KME unreachable');
      return { keyId: id, key: new Uint8Array(bits / 8).fill(7) };
    },
  });

  it('accepts a fresh, low-QBER, long-enough key; scores follow the QBER margin', async () => {
    const d = await decide(qkdEngine(), withReport(report()));
    expect(d).toMatchObject({ decision: 'accept', reason_code: 'ALL_CHECKS_PASSED' });
    expect(d.scores.integrity_trust).toBeCloseTo(1 - 0.03 / 0.11);
    expect(d.scores.identity_trust).toBe(0.5);
  });

  it('confirms the key with a key source when given one', async () => {
    const d = await decide(qkdEngine({ keySource: source(256) }), withReport(report()));
    expect(d.decision).toBe('accept');
    expect(d.scores.identity_trust).toBe(1);
    expect(await decide(qkdEngine({ keySource: source(128) }), withReport(report()))).toMatchObject({
      reason_code: 'KEY_UNCONFIRMED',
      decision: 'reject',
    });
    expect(await decide(qkdEngine({ keySource: source(256, true) }), withReport(report()))).toMatchObject({
      reason_code: 'KEY_UNCONFIRMED',
      decision: 'reject',
    });
  });

  it.each([
    [{ qber: 0.11 }, 'QBER_TOO_HIGH'],
    [{ qber: 0.25 }, 'QBER_TOO_HIGH'],
    [{ key_length_bits: 128 }, 'KEY_TOO_SHORT'],
    [{ aborted: true }, 'KEY_UNCONFIRMED'],
    [{ measured_at: '2026-11-23T08:00:00.000Z' }, 'REPORT_STALE'],
    [{ measured_at: '2026-11-23T09:30:00.000Z' }, 'REPORT_STALE'],
  ] as const)('rejects %j with %s', async (change, code) => {
    expect(await decide(qkdEngine(), withReport(report(change)))).toMatchObject({
      decision: 'reject',
      reason_code: code,
    });
  });

  it('is pending when the QBER rests on too few sampled bits', async () => {
    expect(await decide(qkdEngine(), withReport(report({ sample_bits: 100 })))).toMatchObject({
      decision: 'pending',
      reason_code: 'SAMPLE_TOO_SMALL',
    });
  });

  it('rejects a missing or malformed report', async () => {
    for (const r of [
      undefined,
      null,
      'x',
      { ...report(), qber: -1 },
      { ...report(), qber: '0.01' },
      { ...report(), key_length_bits: 1.5 },
      { ...report(), measured_at: 'yesterday' },
    ]) {
      expect(await decide(qkdEngine(), withReport(r))).toMatchObject({
        decision: 'reject',
        reason_code: 'EVIDENCE_MISSING',
      });
    }
  });

  it('decides from a real BB84 run and confirms the key with the simulator key source', async () => {
    const kme = bb84KeySource({ seed: new Uint8Array(32).fill(4), qubits: 8192 });
    const material = await kme.newKey(32);
    const stats = kme.lastStats!;
    const fromRun = (): QkdReport => ({
      protocol: 'BB84',
      key_id: material.keyId,
      qber: stats.qber,
      sample_bits: stats.sampleBits,
      key_length_bits: material.key.length * 8,
      measured_at: '2026-11-23T09:09:30.000Z',
    });
    const d = await decide(qkdEngine({ keySource: kme }), withReport(fromRun()));
    expect(d).toMatchObject({ decision: 'accept', reason_code: 'ALL_CHECKS_PASSED' });
    expect(d.verified_claims).toContain(`key source bb84-sim confirmed key ${material.keyId}`);
    // The simulator hands a key out once: a replayed report cannot be confirmed again.
    expect(await decide(qkdEngine({ keySource: kme }), withReport(fromRun()))).toMatchObject({
      decision: 'reject',
      reason_code: 'KEY_UNCONFIRMED',
    });
  });

  it('rejects a run with an eavesdropper once the QBER reaches the policy threshold', async () => {
    const kme = bb84KeySource({
      seed: new Uint8Array(32).fill(4),
      qubits: 8192,
      eavesdropper: { interceptRate: 0.15 },
    });
    const material = await kme.newKey(32);
    const stats = kme.lastStats!;
    expect(stats.qber).toBeGreaterThan(0.04);
    const r: QkdReport = {
      protocol: 'BB84',
      key_id: material.keyId,
      qber: stats.qber,
      sample_bits: stats.sampleBits,
      key_length_bits: 256,
      measured_at: '2026-11-23T09:09:30.000Z',
    };
    expect(await decide(qkdEngine({ qberThreshold: 0.04, keySource: kme }), withReport(r))).toMatchObject({
      decision: 'reject',
      reason_code: 'QBER_TOO_HIGH',
    });
  });

  it('checks its options', () => {
    expect(() => qkdEngine({ qberThreshold: 0 })).toThrow(/qberThreshold/);
    expect(() => qkdEngine({ qberThreshold: 0.6 })).toThrow(/0.5/);
    expect(() => qkdEngine({ minKeyBits: 1.5 })).toThrow(/minKeyBits/);
  });
});

describe('threshold engine', () => {
  const approvers = ['a', 'b', 'c'].map((l) => signer(`approver-${l}`));
  const engine = thresholdEngine({ approvers: approvers.map(trusted), k: 2 });
  const at = new Date('2026-11-23T09:08:00.000Z');

  it('accepts at k of n distinct approvers', async () => {
    const input = approve(approve(sampleInput(), approvers[0]!, at), approvers[2]!, at);
    const d = await decide(engine, input);
    expect(d).toMatchObject({ decision: 'accept', reason_code: 'ALL_CHECKS_PASSED' });
    expect(d.verified_claims).toHaveLength(2);
  });

  it('counts an approver once, and is pending below k', async () => {
    const twice = approve(approve(sampleInput(), approvers[0]!, at), approvers[0]!, at);
    expect(await decide(engine, twice)).toMatchObject({
      decision: 'pending',
      reason_code: 'QUORUM_NOT_REACHED',
    });
    expect(await decide(engine, sampleInput())).toMatchObject({
      decision: 'pending',
      reason_code: 'QUORUM_NOT_REACHED',
    });
  });

  it('ignores strangers and stale approvals', async () => {
    const input = approve(approve(sampleInput(), approvers[0]!, at), signer('stranger'), at);
    expect(await decide(engine, input)).toMatchObject({ decision: 'pending' });
    const old = new Date('2026-11-20T09:00:00.000Z');
    const stale = approve(approve(sampleInput(), approvers[0]!, old), approvers[1]!, old);
    expect((await decide(engine, stale)).reason).toMatch(/outside/);
  });

  it('rejects when the input changed after approval, or an approval was altered', async () => {
    const input = approve(approve(sampleInput(), approvers[0]!, at), approvers[1]!, at);
    expect(await decide(engine, { ...input, subject: 'something else' })).toMatchObject({
      decision: 'reject',
      reason_code: 'SIGNATURE_INVALID',
    });
    const approvals = input.evidence.approvals as { approved_at: string }[];
    const moved = {
      ...input,
      evidence: {
        ...input.evidence,
        approvals: [{ ...approvals[0]!, approved_at: '2026-11-23T09:09:00.000Z' }, approvals[1]],
      },
    };
    expect(await decide(engine, moved)).toMatchObject({
      decision: 'reject',
      reason_code: 'SIGNATURE_INVALID',
    });
    const garbage = { ...input, evidence: { ...input.evidence, approvals: {} } };
    expect(await decide(engine, garbage)).toMatchObject({
      decision: 'reject',
      reason_code: 'EVIDENCE_MISSING',
    });
  });

  it('checks k and the approver list', () => {
    const keys = approvers.map(trusted);
    for (const k of [0, 4, 1.5, Number.NaN]) {
      try {
        thresholdEngine({ approvers: keys, k });
        expect.unreachable();
      } catch (e) {
        expect(isContractError(e, 'INVALID_OPTION')).toBe(true);
      }
    }
    expect(() => thresholdEngine({ approvers: [keys[0]!, keys[0]!], k: 1 })).toThrow(/distinct/);
  });
});

describe('hybrid engine', () => {
  const key = signer('ev');
  const pqc = pqcEngine({ trustedKeys: [trusted(key)] });
  const qkd = qkdEngine();
  const hybrid = hybridEngine({ engines: [pqc, qkd] });
  const report: QkdReport = {
    protocol: 'BB84',
    key_id: 'key-1',
    qber: 0.02,
    sample_bits: 4096,
    key_length_bits: 256,
    measured_at: '2026-11-23T09:09:00.000Z',
  };
  const both = (r: unknown = report): InputLayer => {
    const input = attestAll(sampleInput(), key);
    return { ...input, evidence: { ...input.evidence, qkd: r } };
  };

  it('accepts only when every engine accepts; scores are the weakest of each', async () => {
    const d = await decide(hybrid, both());
    expect(d).toMatchObject({
      decision: 'accept',
      reason_code: 'ALL_CHECKS_PASSED',
      engine: { id: 'hybrid(pqc+qkd)' },
    });
    expect(d.scores.integrity_trust).toBeCloseTo(1 - 0.02 / 0.11);
    expect(d.scores.identity_trust).toBe(0.5);
    expect(d.verified_claims.filter((c) => c.startsWith('pqc: '))).toHaveLength(4);
    expect(d.verified_claims.some((c) => c.startsWith('qkd: '))).toBe(true);
  });

  it('rejects when one engine rejects, naming it and its reason code', async () => {
    const d = await decide(hybrid, both({ ...report, qber: 0.2 }));
    expect(d).toMatchObject({ decision: 'reject', reason_code: 'QBER_TOO_HIGH' });
    expect(d.reason).toMatch(/^qkd: /);
    const unsigned = { ...sampleInput(), evidence: { ...sampleInput().evidence, qkd: report } };
    expect(await decide(hybrid, unsigned)).toMatchObject({
      decision: 'reject',
      reason_code: 'EVIDENCE_MISSING',
    });
  });

  it('is pending when one engine is pending and none rejects', async () => {
    expect(await decide(hybrid, both({ ...report, sample_bits: 10 }))).toMatchObject({
      decision: 'pending',
      reason_code: 'SAMPLE_TOO_SMALL',
    });
  });

  it('an inner engine that throws, hangs or lies makes the whole a reject', async () => {
    const good: Engine = {
      id: 'good',
      version: '1',
      decide: () => ({
        decision: 'accept',
        reason: 'ok',
        scores: { integrity_trust: 1, execution_trust: 1, identity_trust: 1, time_trust: 1, total_trust: 1 },
        verified_claims: [],
      }),
    };
    const throwing: Engine = {
      id: 'bad',
      version: '1',
      decide: () => {
        throw new Error('inner boom');
      },
    };
    const hanging: Engine = { id: 'slow', version: '1', decide: () => new Promise<never>(() => undefined) };
    const lying: Engine = { id: 'liar', version: '1', decide: () => JSON.parse('{"decision":"accept"}') };
    for (const [inner, code] of [
      [throwing, 'ENGINE_ERROR'],
      [hanging, 'ENGINE_TIMEOUT'],
      [lying, 'ENGINE_INVALID_OUTPUT'],
    ] as const) {
      const d = await decide(hybridEngine({ engines: [good, inner], timeoutMs: 30 }), sampleInput());
      expect(d).toMatchObject({ decision: 'reject', reason_code: code });
    }
  });

  it('needs at least two engines and a sane timeout', () => {
    expect(() => hybridEngine({ engines: [pqc] })).toThrow(/at least two/);
    expect(() => hybridEngine({ engines: [pqc, qkd], timeoutMs: 0 })).toThrow(/timeoutMs/);
  });
});
