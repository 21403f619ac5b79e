import { CryptoError } from '../errors.js';
import type { KeyMaterial, KeySource } from '../types.js';
import { type Etsi014Status, parseKeyContainer, parseStatus, UUID } from './messages.js';

export interface Etsi014Options {
  /** The local KME's base URL, e.g. https://kme-a.example:8443 (the /api/v1/keys path is appended). */
  readonly baseUrl: string | URL;
  /** The peer SAE: the slave for enc_keys (when this side asks for a new key), the master for dec_keys. */
  readonly peerSaeId: string;
  /** Per-request timeout. Default 5000 ms. */
  readonly timeoutMs?: number;
  /** Extra headers for every request (e.g. an Authorization header some KMEs want besides mTLS). */
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * Passed through as `dispatcher` to Node's fetch: an undici `Agent` with
   * `connect: { ca, cert, key }` is how a real KME's TLS/mTLS is configured.
   */
  readonly dispatcher?: unknown;
  /** A fetch implementation to use instead of the global one. */
  readonly fetch?: typeof fetch;
  /** Responses larger than this are refused. Default 1 MiB. */
  readonly maxResponseBytes?: number;
  /** enc_keys with POST (default; carries a JSON body) or GET (query parameters). */
  readonly encKeysMethod?: 'POST' | 'GET';
  /**
   * The key length `keyById` (dec_keys) insists on. dec_keys carries no size
   * (the KME knows it), so without this any key of at least `minKeyBytes` is accepted.
   */
  readonly keyLengthBytes?: number;
  /** Keys shorter than this are refused with KEY_TOO_SHORT, whatever was asked. Default 16 (128 bits). */
  readonly minKeyBytes?: number;
  /** KeySource id. Default "etsi-014". */
  readonly id?: string;
}

export interface Etsi014Client extends KeySource {
  /** GET /api/v1/keys/{peer}/status. */
  status(): Promise<Etsi014Status>;
  /** enc_keys for `count` keys of `sizeBits` bits each. */
  encKeys(count: number, sizeBits: number): Promise<KeyMaterial[]>;
  /**
   * dec_keys for the given key_IDs (the peer's enc_keys result), in the order
   * asked. With `sizeBits` every key must have exactly that size.
   */
  decKeys(keyIds: readonly string[], sizeBits?: number): Promise<KeyMaterial[]>;
}

const MIB = 1 << 20;

/**
 * An ETSI GS QKD 014 (V1.1.1) key-delivery client over fetch. Every answer is
 * validated (status code, content, JSON shape, base64, key count and size);
 * any failure is a typed CryptoError and no key is returned. Key length is
 * asked in bits as the standard requires.
 */
export function etsi014Client(options: Etsi014Options): Etsi014Client {
  let base: URL;
  try {
    base = new URL(options.baseUrl);
  } catch (cause) {
    throw new CryptoError('INVALID_ARGUMENT', 'KME baseUrl is not a URL', { cause });
  }
  if (base.protocol !== 'https:' && base.protocol !== 'http:') {
    throw new CryptoError('INVALID_ARGUMENT', 'KME baseUrl must be http(s)');
  }
  if (typeof options.peerSaeId !== 'string' || options.peerSaeId.length === 0) {
    throw new CryptoError('INVALID_ARGUMENT', 'peerSaeId must be a non-empty string');
  }
  const timeoutMs = options.timeoutMs ?? 5000;
  const maxBytes = options.maxResponseBytes ?? MIB;
  for (const [v, what] of [
    [timeoutMs, 'timeoutMs'],
    [maxBytes, 'maxResponseBytes'],
  ] as const) {
    if (!Number.isSafeInteger(v) || v < 1)
      throw new CryptoError('INVALID_ARGUMENT', `${what} must be a positive integer`);
  }
  const doFetch = options.fetch ?? globalThis.fetch;
  const prefix = base.pathname.replace(/\/+$/, '');
  const peer = encodeURIComponent(options.peerSaeId);
  const url = (op: string, query?: URLSearchParams) => {
    const u = new URL(`${prefix}/api/v1/keys/${peer}/${op}`, base);
    if (query) u.search = query.toString();
    return u;
  };

  async function readLimited(response: Response): Promise<string> {
    const declared = Number(response.headers.get('content-length') ?? 0);
    if (declared > maxBytes)
      throw new CryptoError('KME_BAD_RESPONSE', `response of ${declared} bytes exceeds ${maxBytes}`);
    if (!response.body) return '';
    const reader = response.body.getReader();
    // Decoded as it arrives and each chunk wiped: key material is never joined into a second copy,
    // however many chunks the server sends.
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let text = '';
    let total = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        value.fill(0);
        await reader.cancel();
        throw new CryptoError('KME_BAD_RESPONSE', `response exceeds ${maxBytes} bytes`);
      }
      try {
        text += decoder.decode(value, { stream: true });
      } catch {
        throw new CryptoError('KME_BAD_RESPONSE', 'response is not UTF-8');
      } finally {
        value.fill(0);
      }
    }
    try {
      return text + decoder.decode();
    } catch {
      throw new CryptoError('KME_BAD_RESPONSE', 'response is not UTF-8');
    }
  }

  async function call(method: 'GET' | 'POST', target: URL, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const init: RequestInit & { dispatcher?: unknown } = {
      method,
      headers,
      signal: AbortSignal.timeout(timeoutMs),
      // A KME that redirects is answered as an HTTP error, never followed (keys must not travel elsewhere).
      redirect: 'manual',
    };
    if (body !== undefined) init.body = JSON.stringify(body);
    if (options.dispatcher !== undefined) init.dispatcher = options.dispatcher;
    let response: Response;
    let text: string;
    try {
      response = await doFetch(target, init);
      text = await readLimited(response);
    } catch (cause) {
      if (cause instanceof CryptoError) throw cause;
      const timedOut =
        cause instanceof Error && (cause.name === 'TimeoutError' || cause.name === 'AbortError');
      throw new CryptoError(
        'KME_UNAVAILABLE',
        timedOut
          ? `KME did not answer within ${timeoutMs} ms`
          : `KME request failed: ${String((cause as Error)?.message ?? cause)}`,
        { cause, details: { timeout: timedOut, url: target.origin } },
      );
    }
    if (response.status !== 200) {
      let message: string | undefined;
      try {
        const parsed = JSON.parse(text) as { message?: unknown };
        if (typeof parsed.message === 'string') message = parsed.message.slice(0, 200);
      } catch {
        message = undefined;
      }
      throw new CryptoError(
        'KME_HTTP_ERROR',
        `KME answered ${response.status}${message ? `: ${message}` : ''}`,
        {
          details: { status: response.status, ...(message === undefined ? {} : { message }) },
        },
      );
    }
    const type = response.headers.get('content-type') ?? '';
    if (!/^application\/json\b/i.test(type))
      throw new CryptoError('KME_BAD_RESPONSE', `content-type is "${type}"`);
    try {
      return JSON.parse(text);
    } catch (cause) {
      throw new CryptoError('KME_BAD_RESPONSE', 'response is not JSON', { cause });
    }
  }

  const minBits = 8 * (options.minKeyBytes ?? 16);
  const keyBits = options.keyLengthBytes === undefined ? undefined : 8 * options.keyLengthBytes;
  const checkLengthBytes = (n: number) => {
    if (!Number.isSafeInteger(n) || n < 1) {
      throw new CryptoError('INVALID_ARGUMENT', 'key length must be a positive integer number of bytes');
    }
  };
  if (options.minKeyBytes !== undefined) checkLengthBytes(options.minKeyBytes);
  if (options.keyLengthBytes !== undefined) checkLengthBytes(options.keyLengthBytes);
  const checkSize = (sizeBits: number) => {
    if (!Number.isSafeInteger(sizeBits) || sizeBits < 8 || sizeBits % 8 !== 0) {
      throw new CryptoError('INVALID_ARGUMENT', 'key size must be a positive multiple of 8 bits');
    }
  };

  const checkCount = (count: number) => {
    if (!Number.isSafeInteger(count) || count < 1) {
      throw new CryptoError('INVALID_ARGUMENT', 'key count must be a positive integer');
    }
  };

  const client: Etsi014Client = {
    id: options.id ?? 'etsi-014',
    async status() {
      return parseStatus(await call('GET', url('status')));
    },
    async encKeys(count, sizeBits) {
      checkCount(count);
      checkSize(sizeBits);
      const body =
        options.encKeysMethod === 'GET'
          ? await call(
              'GET',
              url('enc_keys', new URLSearchParams({ number: String(count), size: String(sizeBits) })),
            )
          : await call('POST', url('enc_keys'), { number: count, size: sizeBits });
      return parseKeyContainer(body, { count, sizeBits, minBits });
    },
    async decKeys(keyIds, sizeBits) {
      if (sizeBits !== undefined) checkSize(sizeBits);
      if (
        !Array.isArray(keyIds) ||
        keyIds.length < 1 ||
        !keyIds.every((k) => typeof k === 'string' && UUID.test(k)) ||
        new Set(keyIds.map((k) => k.toLowerCase())).size !== keyIds.length
      ) {
        throw new CryptoError('INVALID_ARGUMENT', 'key ids must be distinct UUIDs, at least one');
      }
      const body = await call('POST', url('dec_keys'), { key_IDs: keyIds.map((key_ID) => ({ key_ID })) });
      return parseKeyContainer(body, {
        count: keyIds.length,
        keyIds,
        minBits,
        ...(sizeBits === undefined ? {} : { sizeBits }),
      });
    },
    async newKey(lengthBytes) {
      checkLengthBytes(lengthBytes);
      const [k] = await client.encKeys(1, lengthBytes * 8);
      return k!;
    },
    async keyById(keyId) {
      if (typeof keyId !== 'string' || !UUID.test(keyId)) {
        throw new CryptoError('INVALID_ARGUMENT', 'ETSI 014 key ids are UUIDs');
      }
      const [k] = await client.decKeys([keyId], keyBits);
      return k!;
    },
  };
  return client;
}
