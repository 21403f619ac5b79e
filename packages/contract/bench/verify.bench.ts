// Issue #4's target: verify() of a built contract file reaches at least 50%
// of the verifications per second of a baseline that does only the three
// unavoidable steps — JSON.parse, the compiled ajv validator of the published
// schema, and SHA-256 over the RFC 8785 canonical bytes — in the same run.
import { readFileSync } from 'node:fs';
import { runSuite } from '@qsp/bench-kit';
import { noble } from '@qsp/crypto-suite';
import { Ajv2020 } from 'ajv/dist/2020.js';
import canonicalize from 'canonicalize';
import schema from '../schema/contract.schema.json' with { type: 'json' };
import {
  attestDimension,
  build,
  DIMENSIONS,
  type InputLayer,
  pqcEngine,
  STAGE286_SPEC,
  verify,
} from '../src/index.js';
import { sampleInput } from '../test/helpers.js';

const sha256 = noble.hash('SHA-256');
const encoder = new TextEncoder();
const mldsa = noble.signature('ML-DSA-65');
const pair = mldsa.keygen(new Uint8Array(32).fill(1));
const signer = { algorithm: 'ML-DSA-65' as const, publicKey: pair.publicKey, secretKey: pair.secretKey };

// A realistic contract: the pqc engine's decision over four signed evidence dimensions.
let input: InputLayer = sampleInput({ session_id: 'qsp-session-bench' });
for (const d of DIMENSIONS) input = attestDimension(input, d, signer);
const engine = pqcEngine({ trustedKeys: [{ algorithm: signer.algorithm, publicKey: signer.publicKey }] });
const built = await build(STAGE286_SPEC, input, engine);
const signed = await build(STAGE286_SPEC, input, engine, { signer });
const reference = readFileSync(
  new URL('../test/fixtures/stage286/qsp_product_contract.json', import.meta.url),
);

const ajv = new Ajv2020({ strict: true, allErrors: true });
const validate = ajv.compile(schema);

function baseline(bytes: Uint8Array) {
  return () => {
    const value = JSON.parse(new TextDecoder().decode(bytes)) as unknown;
    if (!validate(value)) throw new Error('baseline: schema failed');
    const digest = sha256.digest(encoder.encode(canonicalize(value)));
    if (digest.length !== 32) throw new Error('unreachable');
  };
}

const verifies =
  (bytes: Uint8Array, options = {}) =>
  () => {
    if (!verify(bytes, options).ok) throw new Error('verify failed');
  };

const base = {
  name: 'JSON.parse + compiled ajv + SHA-256(RFC 8785)',
  bytesPerOp: built.bytes.length,
  fn: baseline(built.bytes),
};

await runSuite('@qsp/contract', [
  {
    name: `verify a built contract file (${built.bytes.length} B)`,
    subject: { name: 'verify(bytes)', bytesPerOp: built.bytes.length, fn: verifies(built.bytes) },
    baseline: base,
    minRatio: 0.5,
    note: 'ratio = verify ops/s / baseline ops/s; all 13 checks, no .sha256 file, unsigned',
  },
  {
    name: 'verify a built contract file with its .sha256 file and a pin',
    subject: {
      name: 'verify(bytes, {sha256File, pin})',
      bytesPerOp: built.bytes.length,
      fn: verifies(built.bytes, { sha256File: built.sha256File, pin: '^1.0' }),
    },
    baseline: base,
    note: 'reported, no target: one more SHA-256 over the file bytes and a semver range check',
  },
  {
    name: 'verify an ML-DSA-65 signed contract against its trusted key',
    subject: {
      name: 'verify(bytes, {keys})',
      bytesPerOp: signed.bytes.length,
      fn: verifies(signed.bytes, { keys: [{ algorithm: 'ML-DSA-65', publicKey: signer.publicKey }] }),
    },
    baseline: { ...base, bytesPerOp: signed.bytes.length, fn: baseline(signed.bytes) },
    note: 'reported, no target: dominated by the ML-DSA-65 verification (pure JS, noble)',
  },
  {
    name: 'verify the stage286 reference contract (Python digest rule)',
    subject: { name: 'verify(reference bytes)', bytesPerOp: reference.length, fn: verifies(reference) },
    baseline: { ...base, bytesPerOp: reference.length, fn: baseline(reference) },
    note: "reported, no target: the reference rule re-parses the text keeping number lexemes to rebuild Python's json.dumps bytes",
  },
]);
