// Every JSON Schema the verifiers compile with ajv at run time, taken from the
// packages' public exports. The build precompiles them (see
// build/ajv-precompile.ts) so the page needs no eval under its CSP.
export { contractSchema } from '@qsp/contract';
export { bundleSchema, jobSchema, keyRegistrySchema } from '@qsp/evidence';
