import { SIGNATURE_ALGORITHM } from './bundle.js';
import { fromBase64, toBase64 } from './encoding.js';
import { EvidenceError } from './errors.js';
import { keyRegistry as validateFile } from './generated/validators.js';
import { parseJson } from './validate.js';

/** ML-DSA-65 public keys are 1952 bytes (FIPS 204 Table 2). */
export const ML_DSA_65_PUBLIC_KEY_BYTES = 1952;

/** One entry of a key registry file, as stored. */
export interface KeyRecord {
  readonly key_id: string;
  readonly algorithm: typeof SIGNATURE_ALGORITHM;
  /** Standard base64 of the raw public key. */
  readonly public_key: string;
  readonly not_before: string;
  readonly not_after: string;
  readonly revoked_at: string | null;
}

export interface KeyRegistryFile {
  readonly keys: readonly KeyRecord[];
}

export interface RegisteredKey {
  readonly keyId: string;
  readonly algorithm: typeof SIGNATURE_ALGORITHM;
  readonly publicKey: Uint8Array;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly revokedAt: Date | null;
}

const instant = {
  type: 'string',
  pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?(Z|[+-][0-9]{2}:[0-9]{2})$',
} as const;

export const keyRegistrySchema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://qsp-toolkit.dev/schemas/evidence-key-registry-1.0.json',
  type: 'object',
  additionalProperties: false,
  required: ['keys'],
  properties: {
    keys: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['key_id', 'algorithm', 'public_key', 'not_before', 'not_after', 'revoked_at'],
        properties: {
          key_id: { type: 'string', minLength: 1, maxLength: 128 },
          algorithm: { const: SIGNATURE_ALGORITHM },
          public_key: { type: 'string' },
          not_before: instant,
          not_after: instant,
          revoked_at: { anyOf: [{ type: 'null' }, instant] },
        },
      },
    },
  },
} as const;

function date(text: string, what: string): Date {
  const d = new Date(text);
  if (Number.isNaN(d.getTime()))
    throw new EvidenceError('INVALID_KEY_REGISTRY', `${what} is not a real instant`);
  return d;
}

/**
 * Trusted bundle-signing keys with validity windows and revocation.
 * A signature counts only when made inside [not_before, not_after] by a key
 * that has not been revoked: a revoked key is treated as compromised, so
 * every bundle it signed fails, whatever time the bundle claims.
 */
export class KeyRegistry {
  readonly #keys = new Map<string, RegisteredKey>();

  constructor(keys: Iterable<RegisteredKey> = []) {
    for (const k of keys) this.add(k);
  }

  /** Parses and checks a registry file (`{"keys":[...]}`). */
  static parse(input: string | Uint8Array | KeyRegistryFile): KeyRegistry {
    const value = typeof input === 'string' || input instanceof Uint8Array ? parseJson(input) : input;
    if (!validateFile(value)) {
      throw new EvidenceError(
        'INVALID_KEY_REGISTRY',
        `not a key registry: ${JSON.stringify(validateFile.errors)}`,
      );
    }
    const registry = new KeyRegistry();
    for (const r of (value as KeyRegistryFile).keys) {
      let publicKey: Uint8Array;
      try {
        publicKey = fromBase64(r.public_key);
      } catch (cause) {
        throw new EvidenceError('INVALID_KEY_REGISTRY', `${r.key_id}: public_key is not standard base64`, {
          cause,
        });
      }
      registry.add({
        keyId: r.key_id,
        algorithm: r.algorithm,
        publicKey,
        notBefore: date(r.not_before, `${r.key_id}.not_before`),
        notAfter: date(r.not_after, `${r.key_id}.not_after`),
        revokedAt: r.revoked_at === null ? null : date(r.revoked_at, `${r.key_id}.revoked_at`),
      });
    }
    return registry;
  }

  add(key: RegisteredKey): void {
    if (this.#keys.has(key.keyId))
      throw new EvidenceError('INVALID_KEY_REGISTRY', `key "${key.keyId}" appears twice`);
    if (key.algorithm !== SIGNATURE_ALGORITHM) {
      throw new EvidenceError('INVALID_KEY_REGISTRY', `key "${key.keyId}" is not ${SIGNATURE_ALGORITHM}`);
    }
    if (key.publicKey.length !== ML_DSA_65_PUBLIC_KEY_BYTES) {
      throw new EvidenceError(
        'INVALID_KEY_REGISTRY',
        `key "${key.keyId}" is ${key.publicKey.length} bytes, not 1952`,
      );
    }
    if (key.notAfter.getTime() < key.notBefore.getTime()) {
      throw new EvidenceError('INVALID_KEY_REGISTRY', `key "${key.keyId}" has not_after before not_before`);
    }
    this.#keys.set(key.keyId, Object.freeze({ ...key, publicKey: key.publicKey.slice() }));
  }

  get(keyId: string): RegisteredKey | undefined {
    return this.#keys.get(keyId);
  }

  /** Marks a key revoked from `at` on (keeps an earlier revocation). */
  revoke(keyId: string, at: Date): void {
    const k = this.#keys.get(keyId);
    if (!k) throw new EvidenceError('NOT_FOUND', `no key "${keyId}"`);
    if (k.revokedAt && k.revokedAt.getTime() <= at.getTime()) return;
    this.#keys.set(keyId, Object.freeze({ ...k, revokedAt: at }));
  }

  keys(): RegisteredKey[] {
    return [...this.#keys.values()];
  }

  toJSON(): KeyRegistryFile {
    return {
      keys: this.keys().map((k) => ({
        key_id: k.keyId,
        algorithm: k.algorithm,
        public_key: toBase64(k.publicKey),
        not_before: k.notBefore.toISOString(),
        not_after: k.notAfter.toISOString(),
        revoked_at: k.revokedAt ? k.revokedAt.toISOString() : null,
      })),
    };
  }
}
