// A product contract through @qsp/contract's verify(): each of its named
// checks becomes a row, and the decision layer and exposure layer become facts.
import {
  type CheckId,
  type Contract,
  PYTHON_RULE,
  pythonDigest,
  RFC8785_RULE,
  rfc8785Digest,
  type TrustedKey,
  verify,
} from '@qsp/contract';
import { isObject } from './bytes.js';
import { fingerprint, type KeyMaterial } from './keys.js';
import { type Fact, headlineOf, type Outcome, type Row, verdictOf } from './outcome.js';

export interface ContractInputs {
  /** The contract file's bytes, exactly as published (the digest and .sha256 checks need them). */
  readonly contract: Uint8Array;
  readonly key?: KeyMaterial;
  /** The published `.sha256` file, sha256sum format. */
  readonly sha256File?: Uint8Array;
  /** Semver range of contract versions accepted, e.g. "^1.0". */
  readonly pin?: string;
  readonly now?: Date;
}

const LABELS: Record<CheckId, string> = {
  parse: 'Parses as one JSON object (no duplicate keys)',
  stage: 'Stage binding',
  'policy.fail_closed_required': 'Policy requires fail-closed',
  decision: 'Decision is accept, pending or reject',
  'enforcement.fail_closed': 'Enforcement is fail-closed',
  public_status: 'Public status equals the decision',
  file_sha256: 'File matches its published .sha256',
  schema: 'Matches the contract JSON Schema',
  spec_version: 'Spec version is one this verifier understands',
  pin: 'Spec version is within your pinned range',
  execution_state: 'Execution state and outputs follow from the decision',
  contract_sha256: 'Contract digest (contract_sha256) recomputed',
  signature: 'ML-DSA signature by a trusted key',
};

function trustedKeys(key: KeyMaterial | undefined, now: Date, notes: string[]): TrustedKey[] | undefined {
  if (!key) return undefined;
  if (key.kind === 'key') return [{ algorithm: key.algorithm, publicKey: key.publicKey }];
  const usable = key.registry
    .keys()
    .filter((k) => (k.revokedAt === null || k.revokedAt > now) && k.notBefore <= now && now <= k.notAfter);
  const left = key.registry.keys().length - usable.length;
  if (left > 0)
    notes.push(
      `${left} key(s) in the registry are revoked or outside their validity window now, so they are not trusted.`,
    );
  return usable.map((k) => ({ algorithm: k.algorithm, publicKey: k.publicKey }));
}

/** The digest under the contract's own rule, as the verifier computed it for its check; undefined when it cannot be. */
function recomputeDigest(rule: string | undefined, contract: unknown, bytes: Uint8Array): string | undefined {
  try {
    if (rule === RFC8785_RULE && isObject(contract)) return rfc8785Digest(contract as unknown as Contract);
    if (rule === PYTHON_RULE) return pythonDigest(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    // The contract_sha256 row already says why.
  }
  return undefined;
}

const str = (v: unknown) => (typeof v === 'string' ? v : v === undefined ? '(missing)' : JSON.stringify(v));

export function checkContract(inputs: ContractInputs): Outcome {
  const notes: string[] = [];
  const now = inputs.now ?? new Date();
  const keys = trustedKeys(inputs.key, now, notes);
  const result = verify(inputs.contract, {
    ...(keys ? { keys } : {}),
    ...(inputs.sha256File ? { sha256File: inputs.sha256File } : {}),
    ...(inputs.pin ? { pin: inputs.pin } : {}),
  });
  const rows: Row[] = result.checks.map((c) => ({
    id: c.id,
    label: LABELS[c.id] ?? c.id,
    status: c.status === 'skip' ? 'not-checked' : c.status,
    reason: c.detail,
  }));

  const facts: Fact[] = [];
  const c = isObject(result.contract) ? result.contract : {};
  const decision = isObject(c.decision_layer) ? c.decision_layer : {};
  const exposure = isObject(c.exposure_layer) ? c.exposure_layer : {};
  facts.push({ label: 'Decision', value: str(decision.decision) });
  facts.push({
    label: 'Public status',
    value: str(exposure.public_status),
    mismatch: exposure.public_status !== decision.decision,
  });
  if (decision.reason !== undefined) facts.push({ label: 'Reason', value: str(decision.reason) });
  if (decision.reason_code !== undefined)
    facts.push({ label: 'Reason code', value: str(decision.reason_code) });
  if (c.spec_version !== undefined) facts.push({ label: 'Spec version', value: str(c.spec_version) });
  if (c.generated_at !== undefined) facts.push({ label: 'Generated at', value: str(c.generated_at) });
  facts.push({ label: 'Contract digest (stated)', value: str(exposure.contract_sha256) });
  const recomputed = recomputeDigest(result.digestRule, result.contract, inputs.contract);
  if (recomputed !== undefined) {
    facts.push({
      label: 'Contract digest (recomputed)',
      value: recomputed,
      mismatch: recomputed !== exposure.contract_sha256,
    });
  }
  facts.push({ label: 'Digest rule', value: result.digestRule ?? 'unknown' });
  const sig = isObject(exposure.signature) ? exposure.signature : undefined;
  facts.push({
    label: 'Signed by',
    value: sig ? `${str(sig.algorithm)} key ${str(sig.key_id)}` : 'not signed',
  });
  if (inputs.key?.kind === 'key')
    notes.push(`Trusted key: ${inputs.key.algorithm}, SHA-256 ${fingerprint(inputs.key.publicKey)}.`);

  return {
    kind: 'contract',
    verdict: verdictOf(rows),
    headline: headlineOf('contract', rows),
    rows,
    facts,
    notes,
  };
}
