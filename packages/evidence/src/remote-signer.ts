import type { Signature } from '@qsp/crypto-suite';
import { noble } from '@qsp/crypto-suite';
import { SIGNATURE_ALGORITHM } from './bundle.js';
import { fromBase64, toBase64 } from './encoding.js';
import { EvidenceError } from './errors.js';
import type { Signer } from './signer.js';

/** The sign endpoint of a QuantumLock signing service. */
export const QUANTUMLOCK_SIGN_PATH = '/api/v1/quantum/crypto/sign';

/** Request body of `POST /api/v1/quantum/crypto/sign`. */
export interface QuantumLockSignRequest {
  /** Standard base64 of the message bytes. */
  readonly message: string;
  readonly key_id: string;
  readonly algorithm: typeof SIGNATURE_ALGORITHM;
}

/** Response body (200) of the sign endpoint. */
export interface QuantumLockSignResponse {
  readonly signature: string;
  readonly key_id: string;
  readonly algorithm: typeof SIGNATURE_ALGORITHM;
  readonly signed_at?: string;
}

export interface RemoteSignerOptions {
  /** Service origin, e.g. `https://quantumlock.example.com`. */
  readonly baseUrl: string | URL;
  readonly keyId: string;
  readonly token?: string;
  /**
   * The key's public key. When given, every signature the service returns is
   * verified before it is used, so a faulty or hostile service cannot make
   * pack emit an unverifiable bundle.
   */
  readonly publicKey?: Uint8Array;
  readonly timeoutMs?: number;
  readonly fetch?: typeof fetch;
  readonly signature?: Signature;
}

/** A Signer that asks a QuantumLock service to sign. */
export function remoteSigner(options: RemoteSignerOptions): Signer {
  const url = new URL(QUANTUMLOCK_SIGN_PATH, options.baseUrl);
  const doFetch = options.fetch ?? fetch;
  const sig = options.signature ?? noble.signature(SIGNATURE_ALGORITHM);
  const fail = (message: string, cause?: unknown): never => {
    throw new EvidenceError('SIGNER_FAILED', `QuantumLock ${url.host}: ${message}`, { cause });
  };
  return Object.freeze({
    algorithm: SIGNATURE_ALGORITHM,
    keyId: options.keyId,
    async sign(message: Uint8Array): Promise<Uint8Array> {
      const body: QuantumLockSignRequest = {
        message: toBase64(message),
        key_id: options.keyId,
        algorithm: SIGNATURE_ALGORITHM,
      };
      const headers: Record<string, string> = {
        'content-type': 'application/json',
        accept: 'application/json',
      };
      if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
      let response: Response;
      try {
        response = await doFetch(url, {
          method: 'POST',
          headers,
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
        });
      } catch (cause) {
        return fail('unreachable', cause);
      }
      if (response.status !== 200) {
        await response.body?.cancel();
        return fail(`answered HTTP ${response.status}`);
      }
      let answer: Partial<QuantumLockSignResponse>;
      try {
        answer = (await response.json()) as Partial<QuantumLockSignResponse>;
      } catch (cause) {
        return fail('answered with malformed JSON', cause);
      }
      if (answer === null || typeof answer !== 'object') return fail('answer is not an object');
      if (answer.key_id !== options.keyId) return fail(`signed with key "${String(answer.key_id)}"`);
      if (answer.algorithm !== SIGNATURE_ALGORITHM)
        return fail(`used algorithm "${String(answer.algorithm)}"`);
      let signature: Uint8Array;
      try {
        signature = fromBase64(String(answer.signature));
      } catch (cause) {
        return fail('signature is not standard base64', cause);
      }
      if (signature.length !== sig.signatureLength) return fail(`signature is ${signature.length} bytes`);
      if (options.publicKey && !sig.verify(signature, message, options.publicKey)) {
        return fail('returned a signature that does not verify under the pinned public key');
      }
      return signature;
    },
  });
}
