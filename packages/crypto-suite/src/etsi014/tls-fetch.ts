import { Agent, request } from 'node:https';
import { Readable } from 'node:stream';
import type { SecureContextOptions } from 'node:tls';
import { CryptoError } from '../errors.js';

/** What a real KME's TLS needs: its CA, and for mutual TLS this SAE's certificate and key. */
export interface KmeTlsOptions
  extends Pick<
    SecureContextOptions,
    'ca' | 'cert' | 'key' | 'passphrase' | 'pfx' | 'ciphers' | 'minVersion'
  > {
  /** TLS SNI and certificate name check, when the URL's host is not the name in the KME's certificate. */
  readonly servername?: string;
  /** Default true. Turning it off defeats TLS: only for a lab KME with a throwaway certificate. */
  readonly rejectUnauthorized?: boolean;
}

/**
 * A fetch over node:https with the given TLS (and mTLS) settings, to pass as
 * `etsi014Client({ fetch })`. ETSI GS QKD 014 authenticates SAEs by TLS
 * client certificates, which the global fetch cannot present without undici.
 * It speaks https only and never follows redirects.
 */
export function kmeTlsFetch(tls: KmeTlsOptions): typeof fetch {
  const agent = new Agent({ ...tls, keepAlive: true, minVersion: tls.minVersion ?? 'TLSv1.2' });
  const tlsFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.protocol !== 'https:') {
      return Promise.reject(new CryptoError('INVALID_ARGUMENT', 'kmeTlsFetch speaks https only'));
    }
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const body = typeof init.body === 'string' ? init.body : undefined;
    if (init.body != null && body === undefined) {
      return Promise.reject(new CryptoError('INVALID_ARGUMENT', 'kmeTlsFetch sends string bodies only'));
    }
    if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
    return new Promise<Response>((resolve, reject) => {
      const req = request(
        url,
        {
          method: init.method ?? 'GET',
          headers,
          agent,
          ...(tls.servername === undefined ? {} : { servername: tls.servername }),
          ...(init.signal ? { signal: init.signal } : {}),
        },
        (res) => {
          const out = new Headers();
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined) out.set(name, Array.isArray(value) ? value.join(', ') : value);
          }
          const status = res.statusCode ?? 0;
          const nullBody = status === 204 || status === 304 || init.method === 'HEAD';
          if (nullBody) res.resume();
          try {
            resolve(
              new Response(nullBody ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>), {
                status,
                headers: out,
              }),
            );
          } catch (e) {
            res.destroy();
            reject(e);
          }
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  };
  return tlsFetch as typeof fetch;
}
