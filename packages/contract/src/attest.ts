// Signed statements over evidence, shared by the PQC and threshold engines.
// A statement is the RFC 8785 form of an object naming its purpose and the
// session, subject and policy it belongs to, so a signature made for one
// session, dimension or purpose never verifies for another.
import { bytesToHex, hexToBytes, utf8ToBytes } from '@noble/hashes/utils.js';
import { type Engine as CryptoEngine, noble } from '@qsp/crypto-suite';
import canonicalize from 'canonicalize';
import { keyId, SIGNING_CONTEXT, type Signer, type TrustedKey } from './keys.js';
import type { InputLayer } from './types.js';

/** An ML-DSA signature as it sits in the evidence. */
export interface Attestation {
  key_id: string;
  algorithm: TrustedKey['algorithm'];
  signature: string;
}

export function statementBytes(statement: Record<string, unknown>): Uint8Array {
  const text = canonicalize(statement);
  if (text === undefined) throw new TypeError('statement is not JSON-serialisable');
  return utf8ToBytes(text);
}

export function signStatement(
  statement: Record<string, unknown>,
  signer: Signer,
  crypto: CryptoEngine = noble,
): Attestation {
  const sig = crypto.signature(signer.algorithm).sign(statementBytes(statement), signer.secretKey, {
    context: SIGNING_CONTEXT,
  });
  return { key_id: keyId(signer.publicKey), algorithm: signer.algorithm, signature: bytesToHex(sig) };
}

export type AttestationCheck = 'valid' | 'invalid' | 'untrusted' | 'malformed';

const HEX = /^([0-9a-f]{2})+$/;

export function isAttestationShape(value: unknown): value is Attestation {
  if (typeof value !== 'object' || value === null) return false;
  const a = value as Record<string, unknown>;
  return (
    typeof a.key_id === 'string' &&
    typeof a.algorithm === 'string' &&
    typeof a.signature === 'string' &&
    HEX.test(a.signature)
  );
}

/**
 * Checks one attestation: `untrusted` when its key is not in the index (it
 * proves nothing, so it is ignored), `invalid` when a trusted key's
 * signature does not verify (the evidence was altered: a reason to reject).
 */
export function checkAttestation(
  value: unknown,
  statement: Record<string, unknown>,
  trusted: ReadonlyMap<string, TrustedKey>,
  crypto: CryptoEngine = noble,
): AttestationCheck {
  if (!isAttestationShape(value)) return 'malformed';
  const key = trusted.get(value.key_id);
  if (!key) return 'untrusted';
  if (key.algorithm !== value.algorithm) return 'invalid';
  const scheme = crypto.signature(key.algorithm);
  const sig = hexToBytes(value.signature);
  if (sig.length !== scheme.signatureLength) return 'invalid';
  return scheme.verify(sig, statementBytes(statement), key.publicKey, { context: SIGNING_CONTEXT })
    ? 'valid'
    : 'invalid';
}

export const EVIDENCE_PURPOSE = 'qsp-contract/evidence/v1';
export const APPROVAL_PURPOSE = 'qsp-contract/approval/v1';
export const DIMENSIONS = ['integrity', 'execution', 'identity', 'time'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

/** What a PQC attestation over one evidence dimension signs: its claims without the attestations. */
export function dimensionStatement(
  input: Readonly<InputLayer>,
  dimension: Dimension,
): Record<string, unknown> {
  const { attestations: _ignored, ...claims } = input.evidence[dimension];
  return {
    purpose: EVIDENCE_PURPOSE,
    session_id: input.session_id,
    subject: input.subject,
    policy_id: input.policy.policy_id,
    dimension,
    claims,
  };
}

/** What an approver signs: the whole input except the approvals, plus the approval time. */
export function approvalStatement(input: Readonly<InputLayer>, approvedAt: string): Record<string, unknown> {
  const { approvals: _ignored, ...evidence } = input.evidence;
  return {
    purpose: APPROVAL_PURPOSE,
    session_id: input.session_id,
    subject: input.subject,
    policy: input.policy,
    evidence,
    approved_at: approvedAt,
  };
}

/** Returns a copy of the input with an ML-DSA attestation added to one evidence dimension. */
export function attestDimension(
  input: InputLayer,
  dimension: Dimension,
  signer: Signer,
  crypto: CryptoEngine = noble,
): InputLayer {
  const attestation = signStatement(dimensionStatement(input, dimension), signer, crypto);
  const current = input.evidence[dimension];
  const existing = Array.isArray(current.attestations) ? (current.attestations as unknown[]) : [];
  return {
    ...input,
    evidence: { ...input.evidence, [dimension]: { ...current, attestations: [...existing, attestation] } },
  };
}

/** An approval: an attestation plus the signed approval time. */
export interface Approval extends Attestation {
  approved_at: string;
}

/** Returns a copy of the input with one approver's signature added to evidence.approvals. */
export function approve(
  input: InputLayer,
  signer: Signer,
  approvedAt: Date = new Date(),
  crypto: CryptoEngine = noble,
): InputLayer {
  const at = approvedAt.toISOString();
  const approval: Approval = {
    ...signStatement(approvalStatement(input, at), signer, crypto),
    approved_at: at,
  };
  const existing = Array.isArray(input.evidence.approvals) ? (input.evidence.approvals as unknown[]) : [];
  return { ...input, evidence: { ...input.evidence, approvals: [...existing, approval] } };
}
