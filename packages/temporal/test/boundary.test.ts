import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { guard, TemporalBoundary, wrapModel } from '../src/boundary.js';
import { ManualClock } from '../src/clock.js';
import { TemporalEngine } from '../src/engine.js';
import { isTemporalError } from '../src/errors.js';
import { approveRenewal } from '../src/renewal.js';
import { approverKeys, SHORT } from './helpers.js';

const keys = approverKeys();

async function setup() {
  const clock = new ManualClock();
  const engine = await TemporalEngine.open({ clock, checkpointIntervalMs: 0 });
  const { systemId } = await engine.register({
    policy: SHORT,
    approvers: { threshold: 2, publicKeys: keys.map((k) => k.publicKey) },
  });
  return {
    clock,
    engine,
    id: systemId,
    boundary: new TemporalBoundary(engine, systemId, { pollIntervalMs: 5 }),
  };
}

const isCode = (code: string) => (e: unknown) => isTemporalError(e, code as never);

describe('guard', () => {
  it('runs the function while live and never calls it once expired', async () => {
    const { clock, engine, id, boundary } = await setup();
    let calls = 0;
    const add = boundary.guard((x: number, y: number) => {
      calls++;
      return x + y;
    });
    expect(add(2, 3)).toBe(5);
    clock.advance(69_999);
    expect(add(1, 1)).toBe(2);
    clock.advance(1);
    expect(() => add(1, 1)).toThrow(expect.objectContaining({ code: 'EXPIRED' }));
    expect(calls).toBe(2);
    // The shorthand behaves the same.
    expect(() => guard(engine, id, () => calls++)()).toThrow(expect.objectContaining({ code: 'EXPIRED' }));
    expect(calls).toBe(2);
    await engine.close();
  });

  it('an async function is refused with a rejected promise, not a synchronous throw', async () => {
    const { engine, id, boundary } = await setup();
    let calls = 0;
    const model = boundary.guard(async (prompt: string) => {
      calls++;
      return prompt.toUpperCase();
    });
    await expect(model('hi')).resolves.toBe('HI');
    await engine.shutdown(id);
    const pending = model('again');
    expect(pending).toBeInstanceOf(Promise);
    await expect(pending).rejects.toSatisfy(isCode('SHUT_DOWN'));
    expect(calls).toBe(1);
    await engine.close();
  });

  it('keeps `this` and refuses an unknown system up front', async () => {
    const { engine, boundary } = await setup();
    const obj = {
      n: 41,
      inc: boundary.guard(function (this: { n: number }) {
        return ++this.n;
      }),
    };
    expect(obj.inc()).toBe(42);
    expect(() => new TemporalBoundary(engine, '0b7f8a7e-3c1d-4e5f-9a2b-1c2d3e4f5a6b')).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_SYSTEM' }),
    );
    expect(() => boundary.guard(42 as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    await engine.close();
  });
});

describe('guard fast path', () => {
  it('property: the guard answers exactly as a full status at the same instant, at sub-millisecond steps', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.oneof(
            { weight: 2, arbitrary: fc.double({ min: 0, max: 3, noNaN: true }) },
            { weight: 1, arbitrary: fc.integer({ min: 0, max: 20_000 }) },
            // Land close to the next state boundary, where a stale cached answer would show.
            { weight: 3, arbitrary: fc.record({ near: fc.double({ min: -1.5, max: 0.5, noNaN: true }) }) },
          ),
          { minLength: 1, maxLength: 120 },
        ),
        async (steps) => {
          const { clock, engine, id, boundary } = await setup();
          const fn = boundary.guard(() => true);
          for (const step of steps) {
            let ms = typeof step === 'number' ? step : 0;
            if (typeof step !== 'number') {
              const s = engine.status(id);
              const next = [s.warningAt, s.expiresAt, s.graceEndsAt].find((b) => b > s.now);
              ms = next === undefined ? 1 : Math.max(0, next - s.now + step.near);
            }
            clock.advance(ms);
            let ran = false;
            try {
              ran = fn();
            } catch (error) {
              expect(isTemporalError(error, 'EXPIRED')).toBe(true);
            }
            // Asked afterwards, so the status cannot have refreshed the guard's cached answer.
            const state = engine.status(id).state;
            expect(ran).toBe(state === 'active' || state === 'warning' || state === 'grace');
          }
          await engine.close();
        },
      ),
      { numRuns: 250 },
    );
  });
});

describe('guard on the real clocks', () => {
  it('a busy synchronous loop (no timer can run) is cut on time: no call starts after expiry', async () => {
    const engine = await TemporalEngine.open({ checkpointIntervalMs: 0 });
    const { systemId, registeredAt } = await engine.register({
      // 40 ms live (the last 10 warned), 20 ms of grace.
      policy: { initial_period: 0.04, warning_phase: 0.01, grace_period: 0.02, maximum_extension: 0 },
      approvers: { threshold: 1, publicKeys: [keys[0].publicKey] },
    });
    const t0 = performance.now() - (Date.now() - registeredAt);
    const fn = new TemporalBoundary(engine, systemId).guard(() => performance.now());
    let last = 0;
    let calls = 0;
    let refused: unknown;
    const deadline = performance.now() + 2_000;
    while (performance.now() < deadline) {
      const before = performance.now();
      try {
        last = fn();
        calls++;
      } catch (error) {
        refused = error;
        break;
      }
      // Every call that ran started inside the 60 ms the lease allows.
      expect(before - t0).toBeLessThan(60 + 1);
    }
    expect(isTemporalError(refused, 'EXPIRED')).toBe(true);
    expect(calls).toBeGreaterThan(10);
    expect(last - t0).toBeLessThan(61);
    expect(performance.now() - t0).toBeGreaterThanOrEqual(59);
    await engine.close();
  });
});

describe('wrapModel', () => {
  class LocalModel {
    #weights = [0.5, 2];
    calls = 0;
    predict(x: number): number {
      this.calls++;
      return x * (this.#weights[1] ?? 0);
    }
    async generate(prompt: string): Promise<string> {
      this.calls++;
      return `${prompt}!`;
    }
    async *tokens(n: number): AsyncGenerator<string> {
      for (let i = 0; i < n; i++) yield `t${i}`;
    }
  }

  it('guards every method at any depth, keeps private fields working and refuses after expiry', async () => {
    const { clock, engine, id } = await setup();
    const raw = new LocalModel();
    const client = {
      chat: { completions: { create: async (q: string) => `answer to ${q}` } },
      version: '1.0',
      model: raw,
    };
    const wrapped = wrapModel(engine, id, client);
    expect(wrapped.model.predict(3)).toBe(6);
    expect(await wrapped.model.generate('hi')).toBe('hi!');
    expect(await wrapped.chat.completions.create('q')).toBe('answer to q');
    expect(wrapped.version).toBe('1.0');
    expect('chat' in wrapped).toBe(true);
    expect(Object.keys(wrapped)).toEqual(['chat', 'version', 'model']);
    expect(wrapped.model).toBe(wrapped.model); // stable identity
    expect(wrapped.model instanceof LocalModel).toBe(true);
    clock.advance(70_000);
    expect(() => wrapped.model.predict(1)).toThrow(expect.objectContaining({ code: 'EXPIRED' }));
    await expect(wrapped.model.generate('x')).rejects.toSatisfy(isCode('EXPIRED'));
    await expect(wrapped.chat.completions.create('x')).rejects.toSatisfy(isCode('EXPIRED'));
    // A method pulled off the proxy before expiry is guarded too.
    expect(raw.calls).toBe(2);
    await engine.close();
  });

  it('guards a frozen model (a Proxy on the object itself would have to hand out the raw methods)', async () => {
    const { clock, engine, id } = await setup();
    let calls = 0;
    const frozen = Object.freeze({ run: () => ++calls, nested: Object.freeze({ run: () => ++calls }) });
    const wrapped = wrapModel(engine, id, frozen);
    expect(wrapped.run()).toBe(1);
    expect(wrapped.nested.run()).toBe(2);
    expect(Object.getOwnPropertyDescriptor(wrapped, 'run')?.value).not.toBe(frozen.run);
    clock.advance(70_000);
    expect(() => wrapped.run()).toThrow(expect.objectContaining({ code: 'EXPIRED' }));
    expect(() => wrapped.nested.run()).toThrow(expect.objectContaining({ code: 'EXPIRED' }));
    expect(() => Object.getOwnPropertyDescriptor(wrapped, 'run')?.value()).toThrow(
      expect.objectContaining({ code: 'EXPIRED' }),
    );
    expect(calls).toBe(2);
    await engine.close();
  });

  it('guards a callable model and cuts the async generators its methods return', async () => {
    const { clock, engine, boundary } = await setup();
    let calls = 0;
    const callable = boundary.wrapModel(Object.assign((x: number) => ++calls + x, { label: 'fn' }));
    expect(callable(10)).toBe(11);
    expect(callable.label).toBe('fn');
    const model = boundary.wrapModel(new LocalModel());
    const seen: string[] = [];
    for await (const t of model.tokens(3)) seen.push(t);
    expect(seen).toEqual(['t0', 't1', 't2']);
    const iter = model.tokens(5)[Symbol.asyncIterator]();
    expect((await iter.next()).value).toBe('t0');
    clock.advance(70_000);
    await expect(iter.next()).rejects.toSatisfy(isCode('EXPIRED'));
    expect(() => callable(1)).toThrow(expect.objectContaining({ code: 'EXPIRED' }));
    expect(calls).toBe(1);
    await engine.close();
  });
});

describe('streams', () => {
  it('cuts an async iterable that is stalled on a chunk when the lease expires, and closes the source', async () => {
    const { clock, engine, boundary } = await setup();
    let returned = false;
    let produced = 0;
    const source: AsyncIterable<string> = {
      [Symbol.asyncIterator]() {
        return {
          next: () => {
            produced++;
            // The third chunk never arrives: a model stuck mid-generation.
            if (produced > 2) return new Promise<IteratorResult<string>>(() => {});
            return Promise.resolve({ value: `chunk${produced}`, done: false });
          },
          return: async () => {
            returned = true;
            return { value: undefined, done: true };
          },
        };
      },
    };
    const seen: string[] = [];
    const consume = (async () => {
      for await (const chunk of boundary.stream(source)) {
        seen.push(chunk);
        if (seen.length === 2) clock.advance(70_000);
      }
    })();
    await expect(consume).rejects.toSatisfy(isCode('EXPIRED'));
    expect(seen).toEqual(['chunk1', 'chunk2']);
    expect(returned).toBe(true);
    await engine.close();
  });

  it('the lease signal aborts on shutdown at once and on expiry within the poll interval', async () => {
    const { clock, engine, id, boundary } = await setup();
    const a = boundary.leaseSignal();
    await engine.shutdown(id);
    expect(a.signal.aborted).toBe(true);
    expect(isTemporalError(a.signal.reason, 'SHUT_DOWN')).toBe(true);
    const second = await setup();
    const b = second.boundary.leaseSignal();
    second.clock.advance(70_000);
    await new Promise((r) => setTimeout(r, 30));
    expect(b.signal.aborted).toBe(true);
    expect(isTemporalError(b.signal.reason, 'EXPIRED')).toBe(true);
    await expect(second.boundary.withSignal(async () => 1)).rejects.toSatisfy(isCode('EXPIRED'));
    clock.advance(0);
    await engine.close();
    await second.engine.close();
  });

  it('fetch: refused before the request once dead, and a response body cut mid-stream on expiry', async () => {
    let requests = 0;
    const server = createServer((_req, res) => {
      requests++;
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first chunk\n');
      // ...and the rest never comes.
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const { clock, engine, boundary } = await setup();
      const response = await boundary.fetch(url);
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      expect(new TextDecoder().decode((await reader.read()).value)).toBe('first chunk\n');
      const next = reader.read();
      clock.advance(70_000);
      await expect(next).rejects.toSatisfy(isCode('EXPIRED'));
      await expect(boundary.fetch(url)).rejects.toSatisfy(isCode('EXPIRED'));
      expect(requests).toBe(1);
      await engine.close();
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

describe('events', () => {
  it('warning, grace and expired are emitted once each, renewed after a renewal', async () => {
    const { clock, engine, id, boundary } = await setup();
    const seen: string[] = [];
    for (const type of ['warning', 'grace', 'expired', 'renewed', 'shutdown'] as const) {
      boundary.on(type, (e) => seen.push(`${e.type}:${e.status.state}`));
    }
    clock.advance(41_000);
    boundary.assert();
    boundary.assert();
    clock.advance(20_000);
    boundary.assert();
    const token = await engine.initiateRenewal(id);
    await engine.renew(id, [approveRenewal(token, keys[0]), approveRenewal(token, keys[1])]);
    clock.advance(75_000);
    expect(() => boundary.assert()).toThrow();
    expect(seen).toEqual(['warning:warning', 'grace:grace', 'renewed:active', 'expired:expired']);
    // A throwing listener cannot break a guard decision.
    engine.on(() => {
      throw new Error('listener bug');
    });
    expect(() => boundary.assert()).toThrow(expect.objectContaining({ code: 'EXPIRED' }));
    await engine.close();
  });

  it('watch() emits transitions without any call through the boundary', async () => {
    const { clock, engine, boundary } = await setup();
    const seen: string[] = [];
    boundary.on('warning', (e) => seen.push(e.type));
    const stop = boundary.watch(5);
    clock.advance(45_000);
    await new Promise((r) => setTimeout(r, 40));
    stop();
    expect(seen).toEqual(['warning']);
    await engine.close();
  });
});
