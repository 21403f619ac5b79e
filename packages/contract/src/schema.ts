// The published JSON Schema is the single source of the contract's shape at
// run time. It is compiled once per process, in ajv's strict mode, and the
// input and decision layers are validated by its own $defs so build() and
// verify() can never disagree about what a layer may hold.
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import schemaJson from '../schema/contract.schema.json' with { type: 'json' };

/** The contract's JSON Schema (2020-12), as published at `@qsp/contract/schema.json`. */
export const contractSchema: Readonly<Record<string, unknown>> = schemaJson;

interface Validators {
  readonly contract: ValidateFunction;
  readonly input: ValidateFunction;
  readonly decision: ValidateFunction;
}

let compiled: Validators | undefined;

function fragment(ajv: Ajv2020, def: string): ValidateFunction {
  const fn = ajv.getSchema(`${schemaJson.$id}#/$defs/${def}`);
  if (!fn) throw new Error(`schema has no $defs/${def}`);
  return fn;
}

/** The compiled validators; the first call compiles, every later call reuses them. */
export function validators(): Validators {
  if (!compiled) {
    const ajv = new Ajv2020({ strict: true, allErrors: true, allowUnionTypes: false });
    const contract = ajv.compile(schemaJson);
    compiled = { contract, input: fragment(ajv, 'input_layer'), decision: fragment(ajv, 'decision_layer') };
  }
  return compiled;
}

/** One line per ajv error: "<json pointer> <message>". */
export function describeErrors(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((e) => {
    const extra =
      e.keyword === 'additionalProperties'
        ? ` (${String((e.params as { additionalProperty?: unknown }).additionalProperty)})`
        : '';
    return `${e.instancePath || '/'} ${e.message ?? 'is invalid'}${extra}`;
  });
}

/** Schema problems of a whole contract; empty when it is valid. */
export function schemaProblems(value: unknown): string[] {
  const { contract } = validators();
  return contract(value) ? [] : describeErrors(contract.errors);
}
