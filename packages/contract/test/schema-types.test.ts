// The TypeScript types (src/types.ts) and the published JSON Schema
// (schema/contract.schema.json) describe one shape. The key tables below are
// checked against the types by the compiler (every key, and whether it is
// optional) and against the schema by this test, so neither can change alone.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Contract, contractSchema, schemaProblems } from '../src/index.js';
import type {
  ContractSignature,
  Decision,
  DecisionLayer,
  DigestRule,
  EnforcementLayer,
  EngineInfo,
  ExecutionState,
  ExposureLayer,
  InputLayer,
  Scores,
} from '../src/types.js';

type Presence<T> = {
  [K in keyof T as string extends K ? never : K]-?: object extends Pick<T, K> ? 'optional' : 'required';
};

const tables = {
  '': {
    stage: 'required',
    spec_version: 'required',
    generated_at: 'required',
    input_layer: 'required',
    decision_layer: 'required',
    enforcement_layer: 'required',
    exposure_layer: 'required',
  } satisfies Presence<Contract>,
  input_layer: {
    session_id: 'required',
    subject: 'required',
    policy: 'required',
    evidence: 'required',
  } satisfies Presence<InputLayer>,
  decision_layer: {
    decision: 'required',
    reason: 'required',
    scores: 'required',
    verified_claims: 'required',
    reason_code: 'optional',
    engine: 'optional',
  } satisfies Presence<DecisionLayer>,
  'decision_layer/scores': {
    integrity_trust: 'required',
    execution_trust: 'required',
    identity_trust: 'required',
    time_trust: 'required',
    total_trust: 'required',
  } satisfies Presence<Scores>,
  'decision_layer/engine': { id: 'required', version: 'required' } satisfies Presence<EngineInfo>,
  enforcement_layer: {
    fail_closed: 'required',
    execution_state: 'required',
    allowed_outputs: 'required',
  } satisfies Presence<EnforcementLayer>,
  exposure_layer: {
    public_status: 'required',
    exposure_artifacts: 'required',
    contract_sha256: 'required',
    digest_rule: 'optional',
    signature: 'optional',
  } satisfies Presence<ExposureLayer>,
  'exposure_layer/signature': {
    algorithm: 'required',
    key_id: 'required',
    public_key: 'required',
    value: 'required',
  } satisfies Presence<ContractSignature>,
} as const;

// Every member of each union type, checked both ways by the compiler: a
// member added to the type and not here, or listed here and not in the type,
// is a type error; the test then holds the schema to the same lists.
type Exactly<T, U extends readonly T[]> = [T] extends [U[number]] ? U : never;
const decisions = ['accept', 'pending', 'reject'] as const satisfies readonly Decision[];
const states = ['halted_safe', 'restricted', 'released'] as const satisfies readonly ExecutionState[];
const algorithms = [
  'ML-DSA-44',
  'ML-DSA-65',
  'ML-DSA-87',
] as const satisfies readonly ContractSignature['algorithm'][];
const rules = ['rfc8785-sha256'] as const satisfies readonly DigestRule[];
const enums: Record<string, readonly string[]> = {
  'decision_layer/decision': decisions satisfies Exactly<Decision, typeof decisions>,
  'exposure_layer/public_status': decisions,
  'enforcement_layer/execution_state': states satisfies Exactly<ExecutionState, typeof states>,
  'exposure_layer/signature/algorithm': algorithms satisfies Exactly<
    ContractSignature['algorithm'],
    typeof algorithms
  >,
  'exposure_layer/digest_rule': rules satisfies Exactly<DigestRule, typeof rules>,
};

interface Node {
  enum?: string[];
  const?: string;
  properties?: Record<string, Node & { $ref?: string }>;
  required?: string[];
  additionalProperties?: boolean;
  $defs?: Record<string, Node>;
  $ref?: string;
}
const schema = contractSchema as Node;
const resolve = (n: Node): Node => (n.$ref ? schema.$defs![n.$ref.replace('#/$defs/', '')]! : n);

function nodeAt(path: string): Node {
  let n: Node = schema;
  for (const part of path.split('/').filter(Boolean)) n = resolve(resolve(n).properties![part]!);
  return resolve(n);
}

describe('types and schema agree', () => {
  for (const [path, table] of Object.entries(tables)) {
    it(`${path || 'contract'}: same keys, same required set, closed`, () => {
      const node = nodeAt(path);
      expect(Object.keys(node.properties ?? {}).sort()).toEqual(Object.keys(table).sort());
      const required = Object.entries(table)
        .filter(([, v]) => v === 'required')
        .map(([k]) => k);
      expect([...(node.required ?? [])].sort()).toEqual(required.sort());
      expect(node.additionalProperties).toBe(false);
    });
  }

  for (const [path, members] of Object.entries(enums)) {
    it(`${path}: the schema allows exactly the type's members`, () => {
      const node = nodeAt(path);
      expect([...(node.enum ?? (node.const !== undefined ? [node.const] : []))].sort()).toEqual(
        [...members].sort(),
      );
    });
  }

  it('every value of the Contract type that the runtime rules allow passes the schema', () => {
    const score = fc.double({ min: 0, max: 1, noNaN: true });
    const hex = (n: number) =>
      fc.uint8Array({ minLength: n, maxLength: n }).map((b) => Buffer.from(b).toString('hex'));
    const decision = fc.constantFrom('accept', 'pending', 'reject') as fc.Arbitrary<
      Contract['decision_layer']['decision']
    >;
    const contract: fc.Arbitrary<Contract> = fc.record({
      stage: fc.constant('stage286'),
      spec_version: fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20)).map((v) => v.join('.')),
      generated_at: fc
        .date({ min: new Date(0), max: new Date(4e12), noInvalidDate: true })
        .map((d) => d.toISOString()),
      input_layer: fc.record({
        session_id: fc.string({ minLength: 1 }),
        subject: fc.string({ minLength: 1 }),
        policy: fc.record({ policy_id: fc.string({ minLength: 1 }), fail_closed_required: fc.boolean() }),
        evidence: fc.record({
          integrity: fc.dictionary(fc.string(), fc.jsonValue()),
          execution: fc.dictionary(fc.string(), fc.jsonValue()),
          identity: fc.dictionary(fc.string(), fc.jsonValue()),
          time: fc.dictionary(fc.string(), fc.jsonValue()),
        }),
      }),
      decision_layer: fc.record(
        {
          decision,
          reason: fc.string({ minLength: 1 }),
          scores: fc.record({
            integrity_trust: score,
            execution_trust: score,
            identity_trust: score,
            time_trust: score,
            total_trust: score,
          }),
          verified_claims: fc.array(fc.string()),
          reason_code: fc.constantFrom('ENGINE_ERROR', 'ALL_CHECKS_PASSED', 'QBER_TOO_HIGH'),
          engine: fc.record({ id: fc.string({ minLength: 1 }), version: fc.string({ minLength: 1 }) }),
        },
        { requiredKeys: ['decision', 'reason', 'scores', 'verified_claims'] },
      ),
      enforcement_layer: fc.record({
        fail_closed: fc.boolean(),
        execution_state: fc.constantFrom('halted_safe', 'restricted', 'released'),
        allowed_outputs: fc.array(fc.string()),
      }),
      exposure_layer: fc.record(
        {
          public_status: decision,
          exposure_artifacts: fc.array(fc.string()),
          contract_sha256: hex(32),
          digest_rule: fc.constant('rfc8785-sha256' as const),
          signature: fc.record({
            algorithm: fc.constantFrom('ML-DSA-44', 'ML-DSA-65', 'ML-DSA-87'),
            key_id: hex(32),
            public_key: hex(8),
            value: hex(8),
          }),
        },
        { requiredKeys: ['public_status', 'exposure_artifacts', 'contract_sha256'] },
      ),
    });
    fc.assert(
      fc.property(contract, (c) => {
        expect(schemaProblems(c)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
