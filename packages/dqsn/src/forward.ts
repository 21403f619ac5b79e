import { DqsnError } from './errors.js';
import type { DqsnResponse } from './types.js';

/**
 * Called with every response to a valid request, and its canonical JSON body,
 * before the caller is answered. If it throws or rejects, the caller gets a
 * fail-closed ERROR (`DQSN_ERROR_FORWARD_FAILED`) instead of the aggregate.
 */
export type ForwardHook = (response: DqsnResponse, body: string) => void | Promise<void>;

export interface HttpForwardOptions {
  /** http: or https: endpoint that receives the canonical JSON response by POST. */
  readonly url: string | URL;
  /** Per attempt. Default 2,000 ms. */
  readonly timeoutMs?: number;
  /** Extra attempts after the first, on network errors, timeouts, 429 and 5xx. Default 2, at most 10. */
  readonly retries?: number;
  /** Wait before retry n is backoffMs * 2^(n-1). Default 100 ms. */
  readonly backoffMs?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** Injected fetch (default: the global one). */
  readonly fetch?: typeof fetch;
}

function checkInt(name: string, v: number, min: number, max: number): number {
  if (!Number.isSafeInteger(v) || v < min || v > max) {
    throw new DqsnError('CONFIG_INVALID', `${name} must be an integer in [${min}, ${max}]`);
  }
  return v;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A forward hook that POSTs each response to an HTTP endpoint with a timeout and bounded retries. */
export function httpForwarder(options: HttpForwardOptions): ForwardHook {
  let url: URL;
  try {
    url = new URL(options.url);
  } catch (cause) {
    throw new DqsnError('CONFIG_INVALID', 'forward url is not a URL', { cause });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new DqsnError('CONFIG_INVALID', 'forward url must be http: or https:');
  }
  const timeoutMs = checkInt('timeoutMs', options.timeoutMs ?? 2000, 1, 600_000);
  const retries = checkInt('retries', options.retries ?? 2, 0, 10);
  const backoffMs = checkInt('backoffMs', options.backoffMs ?? 100, 0, 60_000);
  const doFetch = options.fetch ?? globalThis.fetch;
  const headers = { ...options.headers, 'content-type': 'application/json; charset=utf-8' };

  return async (_response, body) => {
    let last = new DqsnError('FORWARD_FAILED', 'forward failed');
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep(backoffMs * 2 ** (attempt - 1));
      let res: Response;
      try {
        res = await doFetch(url, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(timeoutMs),
          // A redirect could send the aggregate somewhere the operator did not name.
          redirect: 'error',
        });
      } catch (e) {
        const timedOut = e instanceof Error && (e.name === 'TimeoutError' || e.name === 'AbortError');
        last = timedOut
          ? new DqsnError('FORWARD_TIMEOUT', `forward timed out after ${timeoutMs} ms`, { cause: e })
          : new DqsnError('FORWARD_FAILED', 'forward request failed', { cause: e });
        continue;
      }
      // The body is not needed; release the connection.
      await res.body?.cancel().catch(() => {});
      if (res.ok) return;
      last = new DqsnError('FORWARD_REJECTED', `forward endpoint answered ${res.status}`);
      // Only overload and server errors are worth another attempt; a 4xx will not change.
      if (res.status !== 429 && res.status < 500) break;
    }
    throw last;
  };
}
