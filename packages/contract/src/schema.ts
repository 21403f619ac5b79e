// The published JSON Schema is the single source of the contract's shape:
// the validators that run are ajv's standalone code, generated from
// schema/contract.schema.json in strict mode (src/generated/, by
// `pnpm generate:validators`; a test fails when they are stale), so nothing is
// compiled at run time and the package runs under a CSP without 'unsafe-eval'.
// The input and decision layers are validated by the schema's own $defs so
// build() and verify() can never disagree about what a layer may hold.
import type { ErrorObject } from 'ajv/dist/2020.js';
import schemaJson from '../schema/contract.schema.json' with { type: 'json' };
import { contract, decisionLayer, inputLayer } from './generated/validators.js';

/** The contract's JSON Schema (2020-12), as published at `@qsp/contract/schema.json`. */
export const contractSchema: Readonly<Record<string, unknown>> = schemaJson;

/** The schema's precompiled validators: the whole contract, its input layer, its decision layer. */
export { contract as contractValidator, decisionLayer as decisionValidator, inputLayer as inputValidator };

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
  return contract(value) ? [] : describeErrors(contract.errors);
}
