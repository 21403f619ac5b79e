import { type Engine, noble, type Signature, type SignatureId } from '@qsp/crypto-suite';
import { canonicalBytes, fromBase64, toBase64, toHex } from './encoding.js';
import { TemporalError } from './errors.js';
import { parseRfc3339 } from './rfc3339.js';
import { assertSystemId } from './uuid.js';

export const TOKEN_TYPE = 'qsafp/1.0 renewal-token';

/**
 * What approvers sign to allow one renewal. It names the system, the lease
 * sequence it extends (so it is useless once any other renewal happened),
 * and the exact expiration it grants.
 */
export interface RenewalToken {
  readonly type: typeof TOKEN_TYPE;
  readonly system_id: string;
  readonly sequence: number;
  /** 16 random bytes, base64: two tokens are never equal. */
  readonly nonce: string;
  readonly issued_at: string;
  /** The token is void after this time. */
  readonly expires_at: string;
  /** The expiration the renewal grants (already capped by the policy). */
  readonly new_expiration: string;
}

/** One approver's signature over a token. */
export interface Approval {
  /** Hex SHA-256 of the token's canonical bytes. */
  readonly token_id: string;
  /** Hex SHA-256 of the approver's public key. */
  readonly approver: string;
  /** ML-DSA signature (base64) over the token's canonical bytes. */
  readonly signature: string;
}

export const APPROVAL_CONTEXT = new TextEncoder().encode('qsafp/1.0 renewal-approval');

const sha256 = noble.hash('SHA-256');
const HEX64 = /^[0-9a-f]{64}$/;

export function tokenBytes(token: RenewalToken): Uint8Array {
  return canonicalBytes(token);
}

export function tokenId(token: RenewalToken): string {
  return toHex(sha256.digest(tokenBytes(token)));
}

/** Stable id of an approver key: hex SHA-256 of the public key bytes. */
export function keyId(publicKey: Uint8Array): string {
  return toHex(sha256.digest(publicKey));
}

/** Checks a token's shape (it may arrive from a file or the network before approval). */
export function parseToken(input: unknown): RenewalToken {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new TemporalError('INVALID_ARGUMENT', 'renewal token must be an object');
  }
  const t = input as Record<string, unknown>;
  const keys = ['type', 'system_id', 'sequence', 'nonce', 'issued_at', 'expires_at', 'new_expiration'];
  for (const k of Object.keys(t)) {
    if (!keys.includes(k))
      throw new TemporalError('INVALID_ARGUMENT', `unknown token field ${JSON.stringify(k)}`);
  }
  if (t.type !== TOKEN_TYPE) throw new TemporalError('INVALID_ARGUMENT', 'not a renewal token');
  assertSystemId(t.system_id);
  if (!Number.isSafeInteger(t.sequence) || (t.sequence as number) < 1) {
    throw new TemporalError('INVALID_ARGUMENT', 'token sequence must be a positive integer');
  }
  if (typeof t.nonce !== 'string' || fromBase64(t.nonce, 'INVALID_ARGUMENT', 'nonce').length !== 16) {
    throw new TemporalError('INVALID_ARGUMENT', 'token nonce must be 16 bytes of base64');
  }
  parseRfc3339(t.issued_at, 'issued_at');
  parseRfc3339(t.expires_at, 'expires_at');
  parseRfc3339(t.new_expiration, 'new_expiration');
  return Object.freeze({ ...(t as unknown as RenewalToken) });
}

export interface ApproverKey {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

/** A fresh ML-DSA key pair for an approver (or a controller); keep `secretKey` with its holder. */
export function generateApproverKey(alg: SignatureId = 'ML-DSA-65', crypto: Engine = noble): ApproverKey {
  return crypto.signature(alg).keygen();
}

/** An approver's act: sign the token (after reading what it grants). */
export function approveRenewal(
  token: RenewalToken,
  key: ApproverKey,
  alg: Signature = noble.signature('ML-DSA-65'),
): Approval {
  const checked = parseToken(token);
  const bytes = tokenBytes(checked);
  const signature = alg.sign(bytes, key.secretKey, { context: APPROVAL_CONTEXT });
  return Object.freeze({
    token_id: toHex(sha256.digest(bytes)),
    approver: keyId(key.publicKey),
    signature: toBase64(signature),
  });
}

/**
 * Counts valid approvals of `token` by distinct keys of the approver set.
 * Any malformed, foreign, duplicate or forged approval is an error, not a
 * silent skip: a caller who sends one has a bug or is an attacker.
 */
export function countApprovals(
  token: RenewalToken,
  approvals: unknown,
  approvers: { readonly alg: SignatureId; readonly keys: readonly string[] },
  crypto: Engine = noble,
): number {
  if (!Array.isArray(approvals)) throw new TemporalError('INVALID_ARGUMENT', 'approvals must be an array');
  if (approvals.length > approvers.keys.length) {
    throw new TemporalError('INVALID_ARGUMENT', 'more approvals than approver keys');
  }
  const bytes = tokenBytes(token);
  const id = toHex(sha256.digest(bytes));
  const byKeyId = new Map(approvers.keys.map((k) => [keyId(fromBase64(k, 'INVALID_ARGUMENT', 'key')), k]));
  const alg = crypto.signature(approvers.alg);
  const seen = new Set<string>();
  for (const a of approvals as unknown[]) {
    if (typeof a !== 'object' || a === null)
      throw new TemporalError('INVALID_ARGUMENT', 'approval must be an object');
    const { token_id, approver, signature } = a as Record<string, unknown>;
    if (typeof token_id !== 'string' || typeof approver !== 'string' || typeof signature !== 'string') {
      throw new TemporalError('INVALID_ARGUMENT', 'approval fields must be strings');
    }
    if (!HEX64.test(token_id) || !HEX64.test(approver)) {
      throw new TemporalError('INVALID_ARGUMENT', 'approval ids must be 64 lowercase hex digits');
    }
    if (token_id !== id) throw new TemporalError('WRONG_TOKEN', 'approval is for another renewal token');
    const key = byKeyId.get(approver);
    if (key === undefined)
      throw new TemporalError('UNKNOWN_APPROVER', 'approval key is not in the approver set');
    if (seen.has(approver)) throw new TemporalError('DUPLICATE_APPROVAL', 'the same approver signed twice');
    seen.add(approver);
    const sig = fromBase64(signature, 'BAD_APPROVAL', 'approval signature');
    let ok = false;
    try {
      ok = alg.verify(sig, bytes, fromBase64(key, 'INVALID_ARGUMENT', 'key'), { context: APPROVAL_CONTEXT });
    } catch (cause) {
      throw new TemporalError('BAD_APPROVAL', 'approval signature could not be checked', { cause });
    }
    if (!ok) throw new TemporalError('BAD_APPROVAL', 'approval signature does not verify');
  }
  return seen.size;
}
