// A consumer that pins the product contract format it accepts (semver) and
// acts on public_status alone, whichever engine the producer used. Runs
// against the published @qsp/contract tarball, outside the workspace.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  approve,
  build,
  generateSigner,
  hybridEngine,
  qkdEngine,
  STAGE286_REFERENCE,
  STAGE286_SPEC,
  thresholdEngine,
  trustedKey,
  verify,
} from '@qsp/contract';
import { verifyFile, writeContract } from '@qsp/contract/node';

const PIN = '^1.0';
const fail = (msg) => {
  throw new Error(`contract-pin: ${msg}`);
};

// The reference contract made by the seed's Python tools verifies as it is.
const reference = verify(STAGE286_REFERENCE.text, { sha256File: STAGE286_REFERENCE.sha256File, pin: PIN });
if (!reference.ok) fail(`reference refused: ${reference.failed.join(', ')}`);

// A format the consumer has not adopted is refused by the pin, and only by checks that say so.
const future = STAGE286_REFERENCE.text.replace('"spec_version": "1.0.0"', '"spec_version": "2.0.0"');
const refused = verify(future, { pin: PIN });
if (refused.ok || !refused.checks.some((c) => c.status === 'fail' && /pin|spec_version/.test(c.id)))
  fail('a 2.0.0 contract was not refused by the pin');

// Two engines behind the same contract: the consumer's code does not change.
const now = new Date();
const producer = generateSigner('ML-DSA-65');
const approvers = [generateSigner('ML-DSA-44'), generateSigner('ML-DSA-44')];
const base = {
  session_id: 'consumer-release-1',
  subject: 'gateway release 1',
  policy: { policy_id: 'release-policy-v1', fail_closed_required: true },
  evidence: {
    integrity: { manifest_sha256: 'ab'.repeat(32) },
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
const input = approve(approve(base, approvers[0], now), approvers[1], now);
const threshold = thresholdEngine({ approvers: approvers.map(trustedKey), k: 2 });
const dir = mkdtempSync(join(tmpdir(), 'qsp-contract-pin-'));
try {
  for (const engine of [threshold, hybridEngine({ engines: [threshold, qkdEngine()] })]) {
    const built = await build(STAGE286_SPEC, input, engine, { signer: producer, now });
    const result = verify(built.bytes, {
      sha256File: built.sha256File,
      pin: PIN,
      keys: [trustedKey(producer)],
    });
    if (!result.ok) fail(`${engine.id}: ${result.failed.join(', ')}`);
    const status = result.contract.exposure_layer.public_status;
    // A stranger's key is not trusted: the signature check must fail.
    const stranger = verify(built.bytes, { pin: PIN, keys: [trustedKey(generateSigner('ML-DSA-65'))] });
    if (stranger.ok) fail(`${engine.id}: verified under an untrusted key`);
    // The files as written on disk verify the same way.
    const written = await writeContract(built, dir);
    const fromDisk = await verifyFile(written.contractPath, { pin: PIN, keys: [trustedKey(producer)] });
    if (!fromDisk.ok) fail(`${engine.id}: the written files did not verify: ${fromDisk.failed.join(', ')}`);
    console.log(
      `ok ${engine.id}: ${built.contract.decision_layer.decision}, public_status ${status}, files verify`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log('ok contract pin: reference accepted, 2.0.0 refused, two engines behind one pinned contract');
