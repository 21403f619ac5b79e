import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  build,
  type Contract,
  type Engine,
  type EngineDecision,
  type InputLayer,
  rfc8785Digest,
  STAGE286_SPEC,
  verify,
} from '../src/index.js';
import { NOW, sampleInput, signer } from './helpers.js';

const decision: EngineDecision = {
  decision: 'accept',
  reason: 'fine',
  scores: { integrity_trust: 1, execution_trust: 1, identity_trust: 1, time_trust: 0.5, total_trust: 0.5 },
  verified_claims: ['a', 'b'],
};
const fixed: Engine = { id: 'fixed', version: '1', decide: () => decision };
const signed = await build(STAGE286_SPEC, sampleInput(), fixed, {
  now: NOW,
  signer: signer('prop', 'ML-DSA-44'),
});

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

function paths(value: Json, prefix: Path = []): Path[] {
  const out: Path[] = [prefix];
  if (Array.isArray(value)) {
    for (const [i, v] of value.entries()) out.push(...paths(v, [...prefix, i]));
  } else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) out.push(...paths(v, [...prefix, k]));
  return out;
}
const allPaths = paths(signed.contract as unknown as Json).filter((p) => p.length > 0);

type Mutation = { kind: 'set'; value: Json } | { kind: 'delete' } | { kind: 'add'; key: string; value: Json };

function mutate(root: Json, path: Path, m: Mutation): Json {
  const copy = structuredClone(root);
  let parent = copy as Record<string | number, Json>;
  for (const p of path.slice(0, -1)) parent = parent[p] as Record<string | number, Json>;
  const last = path[path.length - 1]!;
  const target = parent[last]!;
  if (m.kind === 'set') parent[last] = m.value;
  else if (m.kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(last as number, 1);
    else delete parent[last];
  } else if (target && typeof target === 'object' && !Array.isArray(target))
    (target as Record<string, Json>)[m.key] = m.value;
  else if (Array.isArray(target)) target.push(m.value);
  else parent[last] = { [m.key]: m.value };
  return copy;
}

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), value: fc.jsonValue() as fc.Arbitrary<Json> }),
  fc.record({ kind: fc.constant('delete' as const) }),
  fc.record({
    kind: fc.constant('add' as const),
    key: fc.string(),
    value: fc.jsonValue() as fc.Arbitrary<Json>,
  }),
);

/** Deep copy with every object's keys in a shuffled order. */
function shuffleKeys(value: Json, rnd: () => number): Json {
  if (Array.isArray(value)) return value.map((v) => shuffleKeys(v, rnd));
  if (value && typeof value === 'object') {
    const keys = Object.keys(value).sort(() => rnd() - 0.5);
    return Object.fromEntries(keys.map((k) => [k, shuffleKeys(value[k]!, rnd)]));
  }
  return value;
}

/** JSON text with random whitespace between tokens. */
function spaced(value: Json, ws: () => string): string {
  if (Array.isArray(value))
    return `[${ws()}${value.map((v) => spaced(v, ws)).join(`${ws()},${ws()}`)}${ws()}]`;
  if (value && typeof value === 'object') {
    const parts = Object.entries(value).map(
      ([k, v]) => `${JSON.stringify(k)}${ws()}:${ws()}${spaced(v, ws)}`,
    );
    return `{${ws()}${parts.join(`${ws()},${ws()}`)}${ws()}}`;
  }
  return JSON.stringify(value);
}

const whitespace = fc.array(fc.constantFrom('', ' ', '\n', '\t', '\r\n', '  '), {
  minLength: 64,
  maxLength: 64,
});

describe('properties', () => {
  it('any change to a valid contract content fails verify', () => {
    fc.assert(
      fc.property(fc.constantFrom(...allPaths), mutation, (path, m) => {
        const changed = mutate(signed.contract as unknown as Json, path, m);
        fc.pre(canonicalize(changed) !== canonicalize(signed.contract));
        const result = verify(changed as object);
        expect(result.ok).toBe(false);
        expect(result.failed.length).toBeGreaterThan(0);
      }),
      { numRuns: 400 },
    );
  });

  it('any changed byte of the file fails verify against its .sha256 file', () => {
    fc.assert(
      fc.property(fc.nat({ max: signed.bytes.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, x) => {
        const copy = new Uint8Array(signed.bytes);
        copy[i] = copy[i]! ^ x;
        expect(verify(copy, { sha256File: signed.sha256File }).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('the digest does not depend on key order or whitespace of the contract file', () => {
    fc.assert(
      fc.property(
        fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
        whitespace,
        (stream, spaces) => {
          const it = stream[Symbol.iterator]();
          let i = 0;
          const shuffled = shuffleKeys(signed.contract as unknown as Json, () => it.next().value as number);
          const text = spaced(shuffled, () => spaces[i++ % spaces.length]!);
          expect(rfc8785Digest(JSON.parse(text) as Contract)).toBe(
            signed.contract.exposure_layer.contract_sha256,
          );
          expect(verify(text).ok).toBe(true);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('the digest does not depend on key order or whitespace of the input', async () => {
    const evidence = fc.dictionary(
      fc.string({ maxLength: 6 }),
      fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>,
      { maxKeys: 4 },
    );
    await fc.assert(
      fc.asyncProperty(
        evidence,
        fc.infiniteStream(fc.double({ min: 0, max: 1, noNaN: true })),
        whitespace,
        async (claims, stream, spaces) => {
          const input = sampleInput();
          input.evidence.integrity = { ...input.evidence.integrity, ...claims };
          const first = await build(STAGE286_SPEC, input, fixed, { now: NOW });
          const it = stream[Symbol.iterator]();
          let i = 0;
          const shuffled = shuffleKeys(
            JSON.parse(JSON.stringify(input)) as Json,
            () => it.next().value as number,
          );
          const reparsed = JSON.parse(spaced(shuffled, () => spaces[i++ % spaces.length]!)) as InputLayer;
          const second = await build(STAGE286_SPEC, reparsed, fixed, { now: NOW });
          expect(second.contract.exposure_layer.contract_sha256).toBe(
            first.contract.exposure_layer.contract_sha256,
          );
          expect(second.text).toBe(first.text);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('every engine error path ends in reject', async () => {
    type Failure = { kind: 'throw' | 'reject' | 'output'; value: unknown } | { kind: 'hang' };
    const failure: fc.Arbitrary<Failure> = fc.oneof(
      fc.record({ kind: fc.constantFrom('throw' as const, 'reject' as const), value: fc.anything() }),
      fc.record({ kind: fc.constant('output' as const), value: fc.anything() }),
      fc.constant({ kind: 'hang' as const }),
    );
    await fc.assert(
      fc.asyncProperty(failure, async (f) => {
        const engine: Engine = {
          id: 'failing',
          version: '1',
          decide() {
            if (f.kind === 'throw') throw f.value;
            if (f.kind === 'reject') return Promise.reject(f.value);
            if (f.kind === 'hang') return new Promise<never>(() => undefined);
            return f.value as EngineDecision;
          },
        };
        const built = await build(STAGE286_SPEC, sampleInput(), engine, { timeoutMs: 20 });
        const d = built.contract.decision_layer;
        expect(d.decision).toBe('reject');
        expect(['ENGINE_ERROR', 'ENGINE_TIMEOUT', 'ENGINE_INVALID_OUTPUT']).toContain(d.reason_code);
        expect(built.contract.enforcement_layer.execution_state).toBe('halted_safe');
        expect(verify(built.bytes).ok).toBe(true);
      }),
      { numRuns: 120 },
    );
  });
});
