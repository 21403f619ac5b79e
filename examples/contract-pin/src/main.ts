// A consumer of QSP product contracts: it accepts contract format 1.x only
// (semver pin), requires the producer's ML-DSA signature, and acts on
// public_status alone, so the producer may swap the engine behind it.
import {
  approve,
  build,
  type Engine,
  generateSigner,
  hybridEngine,
  type InputLayer,
  qkdEngine,
  STAGE286_REFERENCE,
  STAGE286_SPEC,
  type TrustedKey,
  thresholdEngine,
  trustedKey,
  verify,
} from '@qsp/contract';

const PIN = '^1.0';

/** What the consumer does with a contract: verify it, then act on public_status only. */
function consume(label: string, bytes: Uint8Array, sha256File: string, keys?: TrustedKey[]): boolean {
  const result = verify(bytes, { sha256File, pin: PIN, ...(keys ? { keys } : {}) });
  if (!result.ok) {
    const why = result.checks.filter((c) => c.status === 'fail').map((c) => `${c.id} (${c.detail})`);
    console.log(`${label}: REFUSED — ${why.join('; ')}`);
    return false;
  }
  const contract = result.contract as { exposure_layer: { public_status: string } };
  console.log(`${label}: accepted under ${PIN}, public_status ${contract.exposure_layer.public_status}`);
  return true;
}

// Exit non-zero when any contract is not treated as expected, so CI can run this file.
function expectOutcome(accepted: boolean, wanted: boolean, label: string): void {
  if (accepted !== wanted) {
    console.error(`${label}: expected ${wanted ? 'acceptance' : 'refusal'}`);
    process.exitCode = 1;
  }
}

// 1. The Stage286 reference contract (made by the reference's Python tools).
const referenceAccepted = consume(
  'stage286 reference',
  new TextEncoder().encode(STAGE286_REFERENCE.text),
  STAGE286_REFERENCE.sha256File,
);
expectOutcome(referenceAccepted, true, 'stage286 reference');

// 2. The producer decides with two different engines; the consumer's code does not change.
const producer = generateSigner('ML-DSA-65');
const approvers = [generateSigner('ML-DSA-44'), generateSigner('ML-DSA-44')];
const now = new Date();
const base: InputLayer = {
  session_id: 'release-4.2',
  subject: 'gateway release 4.2',
  policy: { policy_id: 'release-policy-v1', fail_closed_required: true },
  evidence: {
    integrity: { manifest_sha256: 'ef'.repeat(32) },
    execution: { ci_reproducible: true },
    identity: { issuer: 'ci@example.org' },
    time: { built_at: now.toISOString() },
    qkd: {
      protocol: 'BB84',
      key_id: 'k-1',
      qber: 0.02,
      sample_bits: 4096,
      key_length_bits: 256,
      measured_at: now.toISOString(),
    },
  },
};
const input = approve(approve(base, approvers[0]!, now), approvers[1]!, now);
const threshold = thresholdEngine({ approvers: approvers.map(trustedKey), k: 2 });
const engines: Engine[] = [threshold, hybridEngine({ engines: [threshold, qkdEngine()] })];
for (const engine of engines) {
  const built = await build(STAGE286_SPEC, input, engine, { signer: producer, now });
  const label = `contract from ${engine.id}`;
  expectOutcome(consume(label, built.bytes, built.sha256File, [trustedKey(producer)]), true, label);
}

// 3. A contract that claims a format this consumer has not adopted is refused, not guessed at.
const future = STAGE286_REFERENCE.text.replace('"spec_version": "1.0.0"', '"spec_version": "2.0.0"');
const futureBytes = new TextEncoder().encode(future);
expectOutcome(
  consume('a 2.0.0 contract', futureBytes, STAGE286_REFERENCE.sha256File),
  false,
  'a 2.0.0 contract',
);
