import type { Signature } from '@qsp/crypto-suite';
import { noble } from '@qsp/crypto-suite';
import { SIGNATURE_ALGORITHM } from '../bundle.js';
import { fromBase64, toBase64 } from '../encoding.js';
import type { KeyRegistry } from '../keys.js';
import { QUANTUMLOCK_SIGN_PATH } from '../remote-signer.js';
import { json, problem, readJsonBody } from './responses.js';

export const QUANTUMLOCK_VERIFY_PATH = '/api/v1/quantum/crypto/verify';

export interface QuantumLockServiceOptions {
  /** Signing keys the service holds, by key id. */
  readonly signingKeys: ReadonlyMap<string, Uint8Array>;
  /** Public keys, validity and revocation for the verify endpoint. */
  readonly registry: KeyRegistry;
  /** Accepts or refuses a bearer token. */
  readonly authorize: (token: string | undefined) => boolean;
  readonly signature?: Signature;
  readonly now?: () => Date;
}

/**
 * A QuantumLock-compatible signing service (sign and verify endpoints) as
 * a fetch-style handler: what `remoteSigner` talks to. Messages are at most
 * 1 MiB (a bundle's signed bytes are metadata, not artifact data).
 */
export function createQuantumLockHandler(
  options: QuantumLockServiceOptions,
): (request: Request) => Promise<Response> {
  const sig = options.signature ?? noble.signature(SIGNATURE_ALGORITHM);
  const now = options.now ?? (() => new Date());
  return async (request) => {
    const path = new URL(request.url).pathname;
    if (path !== QUANTUMLOCK_SIGN_PATH && path !== QUANTUMLOCK_VERIFY_PATH)
      return problem(404, 'not_found', 'no such endpoint');
    if (request.method !== 'POST') return problem(405, 'method_not_allowed', 'POST only', { allow: 'POST' });
    const auth = request.headers.get('authorization');
    const token = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
    if (!options.authorize(token)) return problem(401, 'unauthorized', 'bad or missing bearer token');
    const body = await readJsonBody(request, 2 * 1024 * 1024);
    if ('response' in body) return body.response;
    const v = body.value as Record<string, unknown> | null;
    if (
      v === null ||
      typeof v !== 'object' ||
      typeof v.key_id !== 'string' ||
      typeof v.message !== 'string'
    ) {
      return problem(400, 'invalid_request', 'expected {message, key_id, algorithm}');
    }
    if (v.algorithm !== SIGNATURE_ALGORITHM)
      return problem(400, 'unsupported_algorithm', `only ${SIGNATURE_ALGORITHM}`);
    let message: Uint8Array;
    try {
      message = fromBase64(v.message);
    } catch {
      return problem(400, 'invalid_request', 'message is not standard base64');
    }
    if (path === QUANTUMLOCK_SIGN_PATH) {
      const secretKey = options.signingKeys.get(v.key_id);
      const key = options.registry.get(v.key_id);
      const at = now();
      if (!secretKey || !key) return problem(404, 'unknown_key', 'no such signing key');
      if (key.revokedAt !== null && key.revokedAt.getTime() <= at.getTime())
        return problem(409, 'key_revoked', 'key is revoked');
      if (at < key.notBefore || at > key.notAfter)
        return problem(409, 'key_not_valid', 'key is outside its validity');
      return json(200, {
        signature: toBase64(sig.sign(message, secretKey)),
        key_id: v.key_id,
        algorithm: SIGNATURE_ALGORITHM,
        signed_at: at.toISOString(),
      });
    }
    const key = options.registry.get(v.key_id);
    let valid = false;
    if (key && typeof v.signature === 'string') {
      try {
        valid = sig.verify(fromBase64(v.signature), message, key.publicKey);
      } catch {
        valid = false;
      }
    }
    const revoked = !key || (key.revokedAt !== null && key.revokedAt.getTime() <= now().getTime());
    return json(200, {
      valid: valid && !revoked,
      key_not_revoked: !revoked,
      verified_at: now().toISOString(),
    });
  };
}
