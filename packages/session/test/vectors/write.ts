// Regenerates test/vectors/handshake-v1.json: `tsx test/vectors/write.ts`.
// Only after a deliberate protocol change; the vectors test fails otherwise.
import { writeFileSync } from 'node:fs';
import { buildVector, VECTOR_PARAMS } from './build.js';

const file = new URL('./handshake-v1.json', import.meta.url);
writeFileSync(
  file,
  `${JSON.stringify({ version: 'QSP v1.0', vectors: VECTOR_PARAMS.map(buildVector) }, null, 1)}\n`,
);
process.stdout.write(`wrote ${file.pathname}\n`);
