// The schemas' validators are ajv standalone code committed in src/generated/
// (scripts/ajv-standalone.mjs): no schema is compiled at run time, so the
// package runs under a Content-Security-Policy without 'unsafe-eval'.
import { fileURLToPath } from 'node:url';
import { precompiledValidatorsSuite } from '@qsp/test-kit/vitest';
import { pack } from '../src/index.js';
import { artifacts, JOB, PACKAGED_AT, registry, SIGNER } from './fixtures.js';

precompiledValidatorsSuite({
  packageDir: fileURLToPath(new URL('..', import.meta.url)),
  samples: async () => {
    const { bundle } = await pack(JOB, artifacts(), SIGNER, { now: () => PACKAGED_AT });
    return {
      bundle: JSON.parse(JSON.stringify(bundle)),
      job: JSON.parse(JSON.stringify(JOB)),
      keyRegistry: JSON.parse(JSON.stringify(registry().toJSON())),
    };
  },
  // Each validator once: bundle, job and key registry.
  exercise: `
    const problems = entry.bundleProblems({});
    if (problems.length === 0) throw new Error('empty bundle accepted');
    const job = (() => { try { entry.assertJob({}); } catch (e) { return e; } })();
    if (job?.code !== 'INVALID_BUNDLE') throw job ?? new Error('empty job accepted');
    const registry = entry.KeyRegistry.parse('{"keys":[]}');
    const bad = (() => { try { entry.KeyRegistry.parse('{"keys":{}}'); } catch (e) { return e; } })();
    if (bad?.code !== 'INVALID_KEY_REGISTRY') throw bad ?? new Error('bad registry accepted');
    console.log(problems.length, job.message, bad.message, registry.constructor.name);
  `,
});
