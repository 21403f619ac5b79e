import { describe, expect, it } from 'vitest';
import {
  attestDimension,
  build,
  DIMENSIONS,
  type Engine,
  type EngineDecision,
  isContractError,
  pqcEngine,
  STAGE286_SPEC,
  verify,
} from '../src/index.js';
import { NOW, sampleInput, signer, trusted } from './helpers.js';

const ok: EngineDecision = {
  decision: 'accept',
  reason: 'fine',
  scores: { integrity_trust: 1, execution_trust: 1, identity_trust: 1, time_trust: 1, total_trust: 1 },
  verified_claims: ['x'],
};
const fixed = (d: unknown): Engine => ({ id: 'fixed', version: '1', decide: () => d as EngineDecision });

function deep(n: number): unknown {
  let v: unknown = [];
  for (let i = 1; i < n; i++) v = [v];
  return v;
}

describe('build', () => {
  it('builds a contract that verifies, with the .sha256 file of its bytes', async () => {
    const built = await build(STAGE286_SPEC, sampleInput(), fixed(ok), { now: NOW });
    expect(built.contract.enforcement_layer).toEqual({
      fail_closed: true,
      execution_state: 'released',
      allowed_outputs: ['normalized_contract', 'public_verification_artifacts', 'verification_page_inputs'],
    });
    expect(built.contract.exposure_layer.public_status).toBe('accept');
    expect(built.contract.exposure_layer.digest_rule).toBe('rfc8785-sha256');
    expect(built.contract.generated_at).toBe(NOW.toISOString());
    expect(built.sha256File).toMatch(/^[0-9a-f]{64} {2}qsp_product_contract\.json\n$/);
    const result = verify(built.bytes, { sha256File: built.sha256File, pin: '^1.0' });
    expect(result.failed).toEqual([]);
    expect(result.digestRule).toBe('rfc8785-sha256');
    expect(verify(built.contract).ok).toBe(true);
  });

  it.each([
    ['pending', 'restricted'],
    ['reject', 'halted_safe'],
  ] as const)('a %s decision is %s, never released', async (decision, state) => {
    const built = await build(STAGE286_SPEC, sampleInput(), fixed({ ...ok, decision }), { now: NOW });
    expect(built.contract.enforcement_layer.execution_state).toBe(state);
    expect(built.contract.exposure_layer.public_status).toBe(decision);
    expect(built.contract.enforcement_layer.allowed_outputs).not.toContain('public_verification_artifacts');
    expect(verify(built.bytes).ok).toBe(true);
  });

  it('signs the canonical bytes with ML-DSA when given a signer', async () => {
    const s = signer('contract-signer', 'ML-DSA-65');
    const built = await build(STAGE286_SPEC, sampleInput(), fixed(ok), { now: NOW, signer: s });
    expect(verify(built.bytes, { keys: [trusted(s)] }).checks.find((c) => c.id === 'signature')?.status).toBe(
      'pass',
    );
    const other = signer('someone-else', 'ML-DSA-65');
    expect(verify(built.bytes, { keys: [trusted(other)] }).failed).toEqual(['signature']);
    const untrusted = verify(built.bytes);
    expect(untrusted.ok).toBe(true);
    expect(untrusted.checks.find((c) => c.id === 'signature')).toMatchObject({ status: 'skip' });
  });

  it('refuses input it cannot put into a contract, with INPUT_INVALID', async () => {
    const bad: unknown[] = [
      null,
      'x',
      { ...sampleInput(), session_id: 7 },
      { ...sampleInput(), extra_layer: {} },
      { ...sampleInput(), evidence: { integrity: {} } },
      { ...sampleInput(), policy: { policy_id: 'p', fail_closed_required: false } },
      { ...sampleInput(), evidence: { ...sampleInput().evidence, time: { x: Number.NaN } } },
      { ...sampleInput(), evidence: { ...sampleInput().evidence, time: { x: 1n } } },
      { ...sampleInput(), evidence: { ...sampleInput().evidence, time: { x: deep(10_000) } } },
      { ...sampleInput(), evidence: { ...sampleInput().evidence, time: { x: deep(61) } } },
    ];
    const cyclic = sampleInput();
    cyclic.evidence.time.self = cyclic;
    bad.push(cyclic);
    for (const input of bad) {
      await expect(build(STAGE286_SPEC, input as never, fixed(ok))).rejects.toSatisfy((e) =>
        isContractError(e, 'INPUT_INVALID'),
      );
    }
  });

  it('refuses a file name that is not a bare name, with INVALID_OPTION', async () => {
    for (const fileName of ['', '.', '..', '../escape.json', 'a/b.json', 'a\\b', 'two\nlines', 'nul\0']) {
      await expect(build(STAGE286_SPEC, sampleInput(), fixed(ok), { fileName })).rejects.toSatisfy((e) =>
        isContractError(e, 'INVALID_OPTION'),
      );
    }
    const built = await build(STAGE286_SPEC, sampleInput(), fixed(ok), { fileName: 'contract v1.json' });
    expect(built.sha256File.endsWith('  contract v1.json\n')).toBe(true);
  });

  it('accepts input nested up to the limit, and the contract verifies', async () => {
    // contract > input_layer > evidence > time > 60 arrays = 64 levels.
    const input = { ...sampleInput(), evidence: { ...sampleInput().evidence, time: { x: deep(60) } } };
    const built = await build(STAGE286_SPEC, input, fixed(ok), { now: NOW });
    expect(verify(built.bytes).ok).toBe(true);
  });

  it('refuses a spec for another stage, version or decision set, with SPEC_UNSUPPORTED', async () => {
    const specs = [
      { ...STAGE286_SPEC, stage: 'stage287' },
      { ...STAGE286_SPEC, version: '2.0.0' },
      { ...STAGE286_SPEC, version: '1.1.0' },
      { ...STAGE286_SPEC, version: 'v1' },
      { ...STAGE286_SPEC, product_layers: { decision_layer: { allowed_decisions: ['accept', 'reject'] } } },
      { ...STAGE286_SPEC, product_layers: { decision_layer: { required_fields: ['verdict'] } } },
    ];
    for (const spec of specs) {
      await expect(build(spec, sampleInput(), fixed(ok))).rejects.toSatisfy((e) =>
        isContractError(e, 'SPEC_UNSUPPORTED'),
      );
    }
  });

  it('records the input as it was, even when the engine tries to change it', async () => {
    const input = sampleInput();
    const mutating: Engine = {
      id: 'mutating',
      version: '1',
      decide(view) {
        (view as { subject: string }).subject = 'changed';
        return ok;
      },
    };
    const built = await build(STAGE286_SPEC, input, mutating);
    expect(built.contract.decision_layer.decision).toBe('reject');
    expect(built.contract.decision_layer.reason_code).toBe('ENGINE_ERROR');
    expect(built.contract.input_layer.subject).toBe(input.subject);
  });

  it('builds an accepted contract with the pqc engine from signed evidence', async () => {
    const s = signer('evidence', 'ML-DSA-65');
    let input = sampleInput();
    for (const d of DIMENSIONS) input = attestDimension(input, d, s);
    const built = await build(STAGE286_SPEC, input, pqcEngine({ trustedKeys: [trusted(s)] }), { now: NOW });
    expect(built.contract.decision_layer).toMatchObject({ decision: 'accept', engine: { id: 'pqc' } });
    expect(built.contract.decision_layer.verified_claims).toHaveLength(4);
    expect(verify(built.text).ok).toBe(true);
  });
});
