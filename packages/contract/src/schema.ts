// The published JSON Schema is the single source of the contract's shape at
// run time. Its validators are ajv's standalone code, generated from
// schema/contract.schema.json in strict mode (src/generated/, by
// `pnpm generate:validators`; a test fails when they are stale), so nothing is
// compiled at run time and the package runs under a CSP without 'unsafe-eval'.
// The input and decision layers are validated by the schema's own $defs so
// build() and verify() can never disagree about what a layer may hold.
import type { ErrorObject, ValidateFunction } from 'ajv/dist/2020.js';
import schemaJson from '../schema/contract.schema.json' with { type: 'json' };
import { contract, decisionLayer, inputLayer } from './generated/validators.js';

/** The contract's JSON Schema (2020-12), as published at `@qsp/contract/schema.json`. */
export const contractSchema: Readonly<Record<string, unknown>> = schemaJson;

interface Validators {
  readonly contract: ValidateFunction;
  readonly input: ValidateFunction;
  readonly decision: ValidateFunction;
}

const compiled: Validators = { contract, input: inputLayer, decision: decisionLayer };

/** The schema's validators (precompiled: the whole contract, its input and its decision layer). */
export function validators(): Validators {
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
