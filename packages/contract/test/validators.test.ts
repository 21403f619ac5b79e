// The schema's validators are ajv standalone code committed in src/generated/
// (scripts/ajv-standalone.mjs): no schema is compiled at run time, so the
// package runs under a Content-Security-Policy without 'unsafe-eval'.
import { fileURLToPath } from 'node:url';
import { precompiledValidatorsSuite } from '@qsp/test-kit/vitest';
import { STAGE286_REFERENCE } from '../src/index.js';

const reference = JSON.parse(STAGE286_REFERENCE.text);

precompiledValidatorsSuite({
  packageDir: fileURLToPath(new URL('..', import.meta.url)),
  samples: () => ({
    contract: reference,
    inputLayer: reference.input_layer,
    decisionLayer: reference.decision_layer,
  }),
  // The whole contract (the reference contract and an empty object), then the input layer through build().
  exercise: `
    const reference = JSON.parse(entry.STAGE286_REFERENCE.text);
    if (entry.schemaProblems(reference).length !== 0) throw new Error('reference contract rejected');
    if (entry.schemaProblems({}).length === 0) throw new Error('empty contract accepted');
    const refused = await entry.build(entry.STAGE286_SPEC, {}, {}).catch((e) => e);
    if (refused?.code !== 'INPUT_INVALID') throw refused;
    console.log(refused.message);
  `,
});
