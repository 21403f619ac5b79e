import {
  attestDimension,
  build,
  DIMENSIONS,
  generateSigner,
  type InputLayer,
  keyId,
  pqcEngine,
  STAGE286_REFERENCE,
  STAGE286_SPEC,
  trustedKey,
  type VerifyResult,
  verify,
} from '@qsp/contract';
import { type DemoContext, need } from '../context.js';

const short = (hex: string) => `${hex.slice(0, 16)}…`;

function summary(result: VerifyResult): string {
  const count = (status: string) => result.checks.filter((c) => c.status === status).length;
  return `${count('pass')} pass, ${count('skip')} skip, ${count('fail')} fail`;
}

/**
 * Turns a session's outcome into a product contract with the PQC engine,
 * verifies it, verifies the Stage286 reference contract, and shows a
 * tampered copy failing with the checks that caught it.
 */
export async function run(log: (line: string) => void, context: DemoContext): Promise<void> {
  const outcome = need(context.session, "the session step's outcome");
  let input: InputLayer = {
    session_id: outcome.sessionId,
    subject: 'QSP session between gateway-a and gateway-b',
    policy: { policy_id: 'qsp-product-policy-v1', fail_closed_required: true },
    evidence: {
      integrity: { transcript_sha256: outcome.transcriptSha256 },
      execution: {
        epochs: outcome.epochs,
        rekeys: outcome.rekeys,
        close_reason: outcome.closeReason,
        qkd_key_id: outcome.qkdKeyId ?? 'none',
      },
      identity: { peer_key_fingerprint: outcome.peerKeyFingerprint, suite: outcome.suite },
      time: { started_at: outcome.startedAt, ended_at: outcome.endedAt },
    },
  };

  // The session's own signing key attests each evidence dimension (ML-DSA-65).
  const evidenceKey = generateSigner('ML-DSA-65');
  for (const d of DIMENSIONS) input = attestDimension(input, d, evidenceKey);
  log(
    `session ${outcome.sessionId}: ${DIMENSIONS.length} evidence dimensions signed by ML-DSA-65 key ${short(keyId(evidenceKey.publicKey))}`,
  );

  const contractKey = generateSigner('ML-DSA-65');
  const engine = pqcEngine({ trustedKeys: [trustedKey(evidenceKey)] });
  const built = await build(STAGE286_SPEC, input, engine, { signer: contractKey });
  const c = built.contract;
  log(
    `pqc engine: ${c.decision_layer.decision} (${c.decision_layer.reason_code}) -> execution_state ${c.enforcement_layer.execution_state}, public_status ${c.exposure_layer.public_status}`,
  );
  log(
    `contract_sha256 ${short(c.exposure_layer.contract_sha256)} (RFC 8785), ${built.bytes.length} bytes, signed by ML-DSA-65 key ${short(keyId(contractKey.publicKey))}`,
  );
  log(`.sha256 file: ${built.sha256File.trim().replace(/^([0-9a-f]{16})[0-9a-f]+/, '$1…')}`);
  if (c.decision_layer.decision !== 'accept')
    throw new Error(`expected accept, got ${c.decision_layer.reason}`);

  const keys = [trustedKey(contractKey)];
  const ok = verify(built.bytes, { sha256File: built.sha256File, pin: '^1.0', keys });
  log(`verify (pin ^1.0, trusted key): ${ok.ok ? 'PASS' : 'FAIL'} — ${summary(ok)}`);
  if (!ok.ok) throw new Error(`the built contract failed: ${ok.failed.join(', ')}`);

  const reference = verify(new TextEncoder().encode(STAGE286_REFERENCE.text), {
    sha256File: STAGE286_REFERENCE.sha256File,
    pin: '^1.0',
  });
  log(
    `Stage286 reference contract (Python tools): ${reference.ok ? 'PASS' : 'FAIL'} — ${summary(reference)}, digest rule ${reference.digestRule}`,
  );
  if (!reference.ok) throw new Error(`the reference contract failed: ${reference.failed.join(', ')}`);

  // Someone re-labels the contract for another session and lifts a score.
  const tampered = built.text
    .replace(`"session_id":"${outcome.sessionId}"`, '"session_id":"qsp-session-forged"')
    .replace('"time_trust":1', '"time_trust":0.99');
  const bad = verify(tampered, { sha256File: built.sha256File, pin: '^1.0', keys });
  if (bad.ok) throw new Error('a tampered contract verified');
  log(`tampered copy: FAIL — ${summary(bad)}`);
  for (const check of bad.checks.filter((x) => x.status === 'fail')) log(`  ✗ ${check.id}: ${check.detail}`);
  context.artifacts.push(
    { name: built.fileName, bytes: built.bytes },
    { name: `${built.fileName}.sha256`, bytes: new TextEncoder().encode(built.sha256File) },
  );
  context.signals.push({
    step: 'contract',
    decision: 'ALLOW',
    score: 0.1,
    code: 'ACCEPT',
    reason: `contract ${c.exposure_layer.public_status}, verified under pin ^1.0`,
  });
}
