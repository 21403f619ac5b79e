// `npm run demo`: the pipeline in src/pipeline.ts, narrated on stdout.
// The exit code is non-zero if any step fails.
import { runDemo } from './pipeline.js';

const { failed } = await runDemo((text) => process.stdout.write(text));
process.exitCode = failed === 0 ? 0 : 1;
