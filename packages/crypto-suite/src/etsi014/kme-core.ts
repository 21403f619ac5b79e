// The KME simulator's protocol logic, free of I/O: requests in, responses
// out. kme-server.ts puts node:http around it.
import { randomBytes } from '@noble/hashes/utils.js';
import { CryptoError } from '../errors.js';
import { encodeBase64 } from './base64.js';
import { UUID } from './messages.js';

export interface KmeSimulatorOptions {
  /** The SAEs this simulated QKD network serves; each gets its own KME. Default ["sae-a", "sae-b"]. */
  readonly saeIds?: readonly string[];
  /** key_size in the status answer and the size of enc_keys without `size`. Default 256 bits. */
  readonly defaultKeySizeBits?: number;
  /** Default 64 bits. */
  readonly minKeySizeBits?: number;
  /** Default 8192 bits. */
  readonly maxKeySizeBits?: number;
  /** Keys delivered to a master and not yet fetched by its slave, per SAE pair. Default 1024. */
  readonly maxKeyCount?: number;
  /** Default 128. */
  readonly maxKeysPerRequest?: number;
  /**
   * Where key bytes come from. Default: the platform CSPRNG (a real QKD link
   * would supply them); a test or demo may plug in, say, a BB84 simulation.
   */
  readonly keyMaterial?: (lengthBytes: number) => Uint8Array;
}

export interface KmeRequest {
  /** The SAE this KME serves (on a real KME: the one its TLS client certificate names). */
  readonly localSae: string;
  readonly method: string;
  readonly pathname: string;
  readonly query: URLSearchParams;
  /** The raw request body, or undefined when there is none. */
  readonly body: string | undefined;
}

export interface KmeResponse {
  readonly status: number;
  /** Serialised as application/json. */
  readonly json: unknown;
}

interface Limits {
  readonly defaultSize: number;
  readonly minSize: number;
  readonly maxSize: number;
  readonly maxCount: number;
  readonly perRequest: number;
}

class KmeError {
  constructor(
    readonly status: number,
    readonly message: string,
    readonly details?: readonly Record<string, unknown>[],
  ) {}
}

const PATH = /^\/api\/v1\/keys\/([^/]+)\/(status|enc_keys|dec_keys)$/;

function positiveInt(value: unknown, what: string): number {
  const n = typeof value === 'string' && /^\d{1,9}$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) {
    throw new KmeError(400, `${what} must be a positive integer`);
  }
  return n;
}

function uuid(): string {
  const b = randomBytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * A network of KMEs sharing one key store, as QKD links between them would
 * make it: keys handed to a master SAE by enc_keys are held for the slave
 * SAE named in that request, and handed out once by dec_keys.
 */
export class KmeNetwork {
  readonly saeIds: readonly string[];
  readonly #limits: Limits;
  readonly #keyMaterial: (lengthBytes: number) => Uint8Array;
  /** `${master}\n${slave}` -> key_ID -> key. */
  readonly #store = new Map<string, Map<string, Uint8Array>>();

  constructor(options: KmeSimulatorOptions = {}) {
    const saeIds = options.saeIds ?? ['sae-a', 'sae-b'];
    if (saeIds.length < 2 || new Set(saeIds).size !== saeIds.length) {
      throw new CryptoError('INVALID_ARGUMENT', 'the KME simulator needs at least two distinct SAE ids');
    }
    for (const id of saeIds) {
      if (!/^[A-Za-z0-9._~-]{1,64}$/.test(id))
        throw new CryptoError('INVALID_ARGUMENT', `SAE id "${id}" is not a plain URL path segment`);
    }
    this.saeIds = Object.freeze([...saeIds]);
    this.#limits = {
      defaultSize: options.defaultKeySizeBits ?? 256,
      minSize: options.minKeySizeBits ?? 64,
      maxSize: options.maxKeySizeBits ?? 8192,
      maxCount: options.maxKeyCount ?? 1024,
      perRequest: options.maxKeysPerRequest ?? 128,
    };
    this.#keyMaterial = options.keyMaterial ?? randomBytes;
  }

  /** Keys delivered to `master` for `slave` and not yet fetched. */
  storedKeyCount(master: string, slave: string): number {
    return this.#store.get(`${master}\n${slave}`)?.size ?? 0;
  }

  /** Wipes every stored key. */
  wipe(): void {
    for (const pair of this.#store.values()) for (const key of pair.values()) key.fill(0);
    this.#store.clear();
  }

  handle(request: KmeRequest): KmeResponse {
    try {
      return { status: 200, json: this.#route(request) };
    } catch (e) {
      if (!(e instanceof KmeError)) throw e;
      return {
        status: e.status,
        json: e.details === undefined ? { message: e.message } : { message: e.message, details: e.details },
      };
    }
  }

  #route(r: KmeRequest): unknown {
    const m = PATH.exec(r.pathname);
    if (m === null) throw new KmeError(404, 'no such resource');
    let peer: string;
    try {
      peer = decodeURIComponent(m[1]!);
    } catch {
      throw new KmeError(400, 'malformed SAE ID');
    }
    const op = m[2]!;
    if (!this.saeIds.includes(peer) || peer === r.localSae) throw new KmeError(400, `unknown SAE ID ${peer}`);
    const allowed = op === 'status' ? ['GET'] : ['GET', 'POST'];
    if (!allowed.includes(r.method)) throw new KmeError(405, `${r.method} not allowed on ${op}`);
    const body = r.method === 'POST' ? this.#json(r.body) : undefined;
    if (op === 'status') return this.#status(r.localSae, peer);
    if (op === 'enc_keys') {
      const number = body === undefined ? (r.query.get('number') ?? 1) : (body.number ?? 1);
      const size =
        body === undefined
          ? (r.query.get('size') ?? this.#limits.defaultSize)
          : (body.size ?? this.#limits.defaultSize);
      if (body !== undefined) this.#refuseExtensions(body);
      return this.#encKeys(r.localSae, peer, positiveInt(number, 'number'), positiveInt(size, 'size'));
    }
    let ids: unknown[];
    if (body === undefined) {
      const one = r.query.get('key_ID');
      if (one === null) throw new KmeError(400, 'key_ID query parameter missing');
      ids = [one];
    } else {
      if (!Array.isArray(body.key_IDs) || body.key_IDs.length === 0)
        throw new KmeError(400, 'key_IDs must be a non-empty array');
      ids = body.key_IDs.map((k: unknown) =>
        typeof k === 'object' && k !== null ? (k as Record<string, unknown>).key_ID : undefined,
      );
      if (body.key_IDs.some((k: unknown) => typeof k === 'object' && k !== null && 'key_ID_extension' in k)) {
        throw new KmeError(400, 'key_ID_extension is not supported');
      }
    }
    return this.#decKeys(peer, r.localSae, ids);
  }

  #json(text: string | undefined): Record<string, unknown> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text ?? '');
    } catch {
      throw new KmeError(400, 'request body is not JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new KmeError(400, 'request body is not a JSON object');
    }
    return parsed as Record<string, unknown>;
  }

  /** §6.2: a KME that cannot honour a field must refuse rather than ignore it. */
  #refuseExtensions(body: Record<string, unknown>): void {
    const extra = body.additional_slave_SAE_IDs;
    if (extra !== undefined && !(Array.isArray(extra) && extra.length === 0)) {
      throw new KmeError(400, 'additional_slave_SAE_IDs is not supported');
    }
    const mandatory = body.extension_mandatory;
    if (mandatory !== undefined && !(Array.isArray(mandatory) && mandatory.length === 0)) {
      throw new KmeError(400, 'not all extension_mandatory parameters are supported');
    }
  }

  #status(local: string, peer: string) {
    const l = this.#limits;
    return {
      source_KME_ID: `KME-${local}`,
      target_KME_ID: `KME-${peer}`,
      master_SAE_ID: local,
      slave_SAE_ID: peer,
      key_size: l.defaultSize,
      stored_key_count: this.storedKeyCount(local, peer),
      max_key_count: l.maxCount,
      max_key_per_request: l.perRequest,
      max_key_size: l.maxSize,
      min_key_size: l.minSize,
      max_SAE_ID_count: 0,
    };
  }

  #encKeys(master: string, slave: string, count: number, size: number) {
    const l = this.#limits;
    if (count > l.perRequest) throw new KmeError(400, `number exceeds max_key_per_request (${l.perRequest})`);
    if (size % 8 !== 0 || size < l.minSize || size > l.maxSize) {
      throw new KmeError(400, `size must be a multiple of 8 in ${l.minSize}..${l.maxSize}`);
    }
    const pairKey = `${master}\n${slave}`;
    let pair = this.#store.get(pairKey);
    if (pair === undefined) {
      pair = new Map();
      this.#store.set(pairKey, pair);
    }
    if (pair.size + count > l.maxCount) throw new KmeError(503, 'key store for this SAE pair is full');
    const keys = [];
    for (let i = 0; i < count; i++) {
      const key = this.#keyMaterial(size / 8);
      if (!(key instanceof Uint8Array) || key.length !== size / 8)
        throw new KmeError(503, 'key supply failed');
      const keyId = uuid();
      pair.set(keyId, key);
      keys.push({ key_ID: keyId, key: encodeBase64(key) });
    }
    return { keys };
  }

  #decKeys(master: string, slave: string, ids: unknown[]) {
    if (ids.length > this.#limits.perRequest) throw new KmeError(400, 'too many key_IDs');
    const pair = this.#store.get(`${master}\n${slave}`);
    const missing = ids.filter(
      (id) => typeof id !== 'string' || !UUID.test(id) || pair?.has(id.toLowerCase()) !== true,
    );
    if (missing.length > 0 || new Set(ids).size !== ids.length) {
      // All or nothing: a partly failed request consumes no key.
      throw new KmeError(
        400,
        'key not found',
        missing.map((key_ID) => ({ key_ID })),
      );
    }
    const keys = (ids as string[]).map((id) => {
      const key = pair!.get(id.toLowerCase())!;
      pair!.delete(id.toLowerCase());
      const out = { key_ID: id, key: encodeBase64(key) };
      key.fill(0);
      return out;
    });
    return { keys };
  }
}
