// The product spec a contract is built from. The Stage286 reference spec
// (spec/stage286.spec.json, copied from the reference tools, MIT) is the
// default; a caller's own spec must describe the same contract.
import semver from 'semver';
import stage286Spec from '../spec/stage286.spec.json' with { type: 'json' };
import { ContractError } from './errors.js';
import { STAGE, SUPPORTED_RANGE } from './version.js';

export interface ProductSpec {
  readonly stage: string;
  readonly version: string;
  readonly title?: string;
  readonly product_layers?: Readonly<
    Record<
      string,
      { readonly required_fields?: readonly string[]; readonly allowed_decisions?: readonly string[] }
    >
  >;
  readonly [other: string]: unknown;
}

/** The reference tools' spec document (qsp_product_spec.json). */
export const STAGE286_SPEC: ProductSpec = stage286Spec;

const LAYER_FIELDS: Readonly<Record<string, readonly string[]>> = {
  input_layer: ['session_id', 'subject', 'policy', 'evidence'],
  decision_layer: ['decision', 'reason', 'scores', 'verified_claims'],
  enforcement_layer: ['fail_closed', 'execution_state', 'allowed_outputs'],
  exposure_layer: ['public_status', 'exposure_artifacts', 'contract_sha256'],
};
const DECISIONS = ['accept', 'pending', 'reject'];

/** Checks that a spec describes a contract this package builds; returns its version. */
export function checkSpec(spec: unknown): string {
  const fail = (why: string): never => {
    throw new ContractError('SPEC_UNSUPPORTED', why);
  };
  if (typeof spec !== 'object' || spec === null) return fail('spec must be an object');
  const s = spec as ProductSpec;
  if (s.stage !== STAGE) fail(`spec stage is ${JSON.stringify(s.stage)}, this package builds ${STAGE}`);
  if (typeof s.version !== 'string' || semver.valid(s.version) !== s.version)
    fail('spec version must be a semver string');
  if (!semver.satisfies(s.version, SUPPORTED_RANGE))
    fail(`spec version ${s.version} is outside ${SUPPORTED_RANGE}`);
  for (const [layer, def] of Object.entries(s.product_layers ?? {})) {
    const known = LAYER_FIELDS[layer];
    if (!known) fail(`spec names an unknown layer ${layer}`);
    for (const field of def.required_fields ?? []) {
      if (!known!.includes(field)) fail(`spec requires ${layer}.${field}, which this contract does not have`);
    }
    const allowed = def.allowed_decisions;
    if (allowed && (allowed.length !== DECISIONS.length || !DECISIONS.every((d) => allowed.includes(d)))) {
      fail(`spec allows decisions ${allowed.join('|')}, this contract has ${DECISIONS.join('|')}`);
    }
  }
  return s.version;
}
