// Writes the published JSON Schema files from the TypeScript definitions
// (test/schema.test.ts fails when they drift apart). `pnpm schema` then
// regenerates the precompiled validators from them (scripts/ajv-standalone.mjs).
import { writeFileSync } from 'node:fs';
import { bundleSchema, jobSchema, keyRegistrySchema } from '../src/index.js';

const dir = new URL('../schema/', import.meta.url);
const files: [string, unknown][] = [
  ['evidence-bundle-1.0.schema.json', bundleSchema],
  ['evidence-job-1.0.schema.json', jobSchema],
  ['evidence-key-registry-1.0.schema.json', keyRegistrySchema],
];
for (const [name, schema] of files) writeFileSync(new URL(name, dir), `${JSON.stringify(schema, null, 2)}\n`);
