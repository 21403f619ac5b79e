import type { EngineEvent, TemporalEngine } from './engine.js';
import { TemporalError } from './errors.js';
import type { LeaseState } from './lease.js';

export type BoundaryEventType = 'warning' | 'grace' | 'expired' | 'shutdown' | 'renewed';
export type BoundaryListener = (event: EngineEvent & { readonly type: BoundaryEventType }) => void;

export interface BoundaryOptions {
  /** Longest sleep between lease re-checks while a signal or stream is live (ms, default 1000). */
  readonly pollIntervalMs?: number;
}

/** An AbortSignal tied to a lease, and the handle that releases its timer. */
export interface LeaseSignal {
  readonly signal: AbortSignal;
  close(): void;
}

const BOUNDARY_EVENTS = new Set<string>(['warning', 'grace', 'expired', 'shutdown', 'renewed']);

function isAsyncGenerator(value: unknown): value is AsyncGenerator<unknown, unknown, unknown> {
  return Object.prototype.toString.call(value) === '[object AsyncGenerator]';
}

function isAsyncFunction(fn: unknown): boolean {
  return Object.prototype.toString.call(fn) === '[object AsyncFunction]';
}

/** Values handed out as they are: wrapping them would break their identity checks or brand checks. */
function isPassThrough(value: object): boolean {
  return (
    value instanceof Promise ||
    ArrayBuffer.isView(value) ||
    value instanceof ArrayBuffer ||
    value instanceof Date ||
    value instanceof RegExp ||
    value instanceof Map ||
    value instanceof Set ||
    value instanceof WeakMap ||
    value instanceof WeakSet ||
    (typeof AbortSignal !== 'undefined' && value instanceof AbortSignal)
  );
}

/**
 * The temporal boundary around one system: every guarded call, model method
 * and stream chunk first asks the engine whether the lease is live, and is
 * refused with TemporalError EXPIRED or SHUT_DOWN otherwise. The call is
 * then never made.
 */
export class TemporalBoundary {
  readonly engine: TemporalEngine;
  readonly systemId: string;
  readonly #pollMs: number;
  readonly #wrapped = new WeakMap<object, unknown>();
  readonly #check: () => LeaseState;

  constructor(engine: TemporalEngine, systemId: string, options: BoundaryOptions = {}) {
    this.engine = engine;
    this.systemId = systemId;
    this.#pollMs = options.pollIntervalMs ?? 1000;
    this.#check = engine.checker(systemId);
  }

  /** Throws unless the lease is live; returns its state (active, warning or grace). */
  assert(): LeaseState {
    return this.#check();
  }

  /**
   * Wraps a function: the lease is checked before every call, and an
   * expired lease throws synchronously instead of calling `fn`. Async
   * functions therefore reject (or throw) before any work starts.
   */
  guard<A extends unknown[], R>(fn: (...args: A) => R): (...args: A) => R {
    if (typeof fn !== 'function') throw new TemporalError('INVALID_ARGUMENT', 'guard takes a function');
    const check = this.#check;
    if (isAsyncFunction(fn)) {
      // An async function's callers expect a rejected promise, not a synchronous throw.
      return function guarded(this: unknown): R {
        try {
          check();
        } catch (error) {
          return Promise.reject(error) as R;
        }
        // `arguments` rather than rest parameters: V8 passes it through
        // without building an array, and this runs on every call.
        // biome-ignore lint/complexity/noArguments: hot path, see above
        return fn.apply(this, arguments as unknown as A);
      } as (...args: A) => R;
    }
    return function guarded(this: unknown): R {
      check();
      // biome-ignore lint/complexity/noArguments: hot path, see above
      return fn.apply(this, arguments as unknown as A);
    } as (...args: A) => R;
  }

  /**
   * A Proxy whose every method is guarded, at any depth
   * (`client.chat.completions.create` too). Methods run with the object
   * they were read from as `this` (so private fields work); an async
   * generator a method returns is cut when the lease ends, like `stream`.
   * A dead lease refuses the call before the method runs: synchronously
   * for plain methods, as a rejected promise for async ones.
   */
  wrapModel<T extends object>(model: T): T {
    if ((typeof model !== 'object' && typeof model !== 'function') || model === null) {
      throw new TemporalError('INVALID_ARGUMENT', 'wrapModel takes an object');
    }
    return this.#wrapObject(model, new WeakMap<object, object>());
  }

  #wrapObject<T extends object>(model: T, proxies: WeakMap<object, object>): T {
    const existing = proxies.get(model);
    if (existing) return existing as T;
    const wrapValue = (value: unknown, owner: object): unknown => {
      if (typeof value === 'function') return this.#wrapMethod(value as (...a: unknown[]) => unknown, owner);
      if (typeof value === 'object' && value !== null && !isPassThrough(value)) {
        return this.#wrapObject(value, proxies);
      }
      return value;
    };
    // The Proxy's target is a blank object, not the model: a frozen model's
    // non-configurable properties would otherwise force the Proxy to hand
    // out the unguarded originals (a Proxy invariant).
    // An arrow function has no non-configurable `prototype`, so it can stand
    // in for a callable model without tripping the same invariant.
    const callable = typeof model === 'function';
    const blank = (callable ? () => {} : Object.create(null)) as object;
    const guardedCall = callable ? this.guard(model as unknown as (...a: unknown[]) => unknown) : undefined;
    const proxy = new Proxy(blank, {
      apply: (_t, thisArg, args) => {
        if (!guardedCall) throw new TypeError('not a function');
        const result = guardedCall.apply(thisArg, args);
        return isAsyncGenerator(result) ? this.stream(result) : result;
      },
      get: (_t, property) => wrapValue(Reflect.get(model, property, model), model),
      set: (_t, property, value) => Reflect.set(model, property, value, model),
      has: (_t, property) => Reflect.has(model, property),
      deleteProperty: (_t, property) => Reflect.deleteProperty(model, property),
      ownKeys: () => Reflect.ownKeys(model),
      getOwnPropertyDescriptor: (_t, property) => {
        const d: PropertyDescriptor | undefined = Reflect.getOwnPropertyDescriptor(model, property);
        if (d === undefined) return undefined;
        if ('value' in d) d.value = wrapValue(d.value, model);
        return { ...d, configurable: true };
      },
      getPrototypeOf: () => Reflect.getPrototypeOf(model),
      defineProperty: () => false,
      setPrototypeOf: () => false,
    });
    proxies.set(model, proxy);
    return proxy as T;
  }

  #wrapMethod(method: (...args: unknown[]) => unknown, owner: object): unknown {
    let perOwner = this.#wrapped.get(method) as WeakMap<object, unknown> | undefined;
    const cached = perOwner?.get(owner);
    if (cached) return cached;
    const boundary = this;
    const async = isAsyncFunction(method);
    const wrapped = function (this: unknown, ...args: unknown[]): unknown {
      try {
        boundary.assert();
      } catch (error) {
        if (async) return Promise.reject(error);
        throw error;
      }
      const result = method.apply(owner, args);
      return isAsyncGenerator(result) ? boundary.stream(result) : result;
    };
    if (!perOwner) {
      perOwner = new WeakMap();
      this.#wrapped.set(method, perOwner);
    }
    perOwner.set(owner, wrapped);
    return wrapped;
  }

  /**
   * Passes an async iterable through while the lease is live. The lease is
   * checked before every chunk, and a chunk that is still awaited when the
   * lease ends is abandoned: the iteration throws EXPIRED (or SHUT_DOWN) and
   * the source's `return()` is called.
   */
  async *stream<T>(source: AsyncIterable<T>): AsyncGenerator<T, void, undefined> {
    this.assert();
    const iterator = source[Symbol.asyncIterator]();
    const lease = this.leaseSignal();
    let finished = false;
    try {
      while (true) {
        const next = await raceAbort(iterator.next(), lease.signal);
        this.assert();
        if (next.done) {
          finished = true;
          return;
        }
        yield next.value;
      }
    } finally {
      lease.close();
      if (!finished) {
        // Do not wait on a source that may be stalled: cutting is the point.
        Promise.resolve(iterator.return?.()).catch(() => {});
      }
    }
  }

  /**
   * fetch() inside the boundary: refused before the request when the lease
   * is dead, and the response body is cut (the stream errors with EXPIRED or
   * SHUT_DOWN) if the lease ends while it is being read.
   */
  async fetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    this.assert();
    const lease = this.leaseSignal();
    const signal = init.signal ? AbortSignal.any([init.signal, lease.signal]) : lease.signal;
    let response: Response;
    try {
      response = await fetch(input, { ...init, signal });
    } catch (error) {
      lease.close();
      throw lease.signal.aborted ? lease.signal.reason : error;
    }
    if (!response.body) {
      lease.close();
      return response;
    }
    const reader = response.body.getReader();
    const boundary = this;
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { done, value } = await raceAbort(reader.read(), lease.signal);
          boundary.assert();
          if (done) {
            lease.close();
            controller.close();
          } else {
            controller.enqueue(value);
          }
        } catch (error) {
          lease.close();
          reader.cancel().catch(() => {});
          controller.error(lease.signal.aborted ? lease.signal.reason : error);
        }
      },
      cancel(reason) {
        lease.close();
        return reader.cancel(reason);
      },
    });
    return new Response(body, {
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
    });
  }

  /**
   * An AbortSignal that aborts, with the TemporalError, when the lease
   * expires or the system is shut down. Call `close()` when done with it;
   * its timer is unref()ed either way.
   */
  leaseSignal(): LeaseSignal {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let closed = false;
    const systemId = this.systemId;
    const close = (): void => {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      unsubscribe();
    };
    const abort = (error: unknown): void => {
      if (!controller.signal.aborted) controller.abort(error);
      close();
    };
    const unsubscribe = this.engine.on((event) => {
      if (event.type === 'shutdown' && event.status.systemId === systemId) {
        abort(new TemporalError('SHUT_DOWN', `system ${systemId} was shut down`));
      }
    });
    const arm = (): void => {
      if (closed) return;
      try {
        this.assert();
      } catch (error) {
        abort(error);
        return;
      }
      const remaining = this.engine.status(systemId).remainingMs;
      timer = setTimeout(arm, Math.max(1, Math.min(remaining, this.#pollMs)));
      timer.unref?.();
    };
    arm();
    return { signal: controller.signal, close };
  }

  /** Runs `fn` with a lease signal that is released afterwards. */
  async withSignal<R>(fn: (signal: AbortSignal) => Promise<R>): Promise<R> {
    this.assert();
    const lease = this.leaseSignal();
    try {
      return await fn(lease.signal);
    } finally {
      lease.close();
    }
  }

  /** Listens to this system's lease events (warning, grace, expired, shutdown, renewed). */
  on(type: BoundaryEventType, listener: BoundaryListener): () => void {
    return this.engine.on((event) => {
      if (event.type !== type || !BOUNDARY_EVENTS.has(event.type)) return;
      if (!('status' in event) || event.status.systemId !== this.systemId) return;
      listener(event as EngineEvent & { readonly type: BoundaryEventType });
    });
  }

  /**
   * Polls the lease so warning/grace/expired events fire even when nothing
   * calls through the boundary. Returns the function that stops it.
   */
  watch(intervalMs = this.#pollMs): () => void {
    const timer = setInterval(() => {
      try {
        this.engine.status(this.systemId);
      } catch {
        clearInterval(timer);
      }
    }, intervalMs);
    timer.unref?.();
    return () => clearInterval(timer);
  }
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Guards one function of one system: shorthand for `new TemporalBoundary(engine, id).guard(fn)`. */
export function guard<A extends unknown[], R>(
  engine: TemporalEngine,
  systemId: string,
  fn: (...args: A) => R,
): (...args: A) => R {
  return new TemporalBoundary(engine, systemId).guard(fn);
}

/** Guards every method of a model object: shorthand for `new TemporalBoundary(engine, id).wrapModel(model)`. */
export function wrapModel<T extends object>(engine: TemporalEngine, systemId: string, model: T): T {
  return new TemporalBoundary(engine, systemId).wrapModel(model);
}
