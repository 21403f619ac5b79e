// Bad contracts fail verify naming the check; nothing makes verify throw.
import { describe, expect, it } from 'vitest';
import {
  build,
  CONTRACT_VERSION,
  type Contract,
  type EngineDecision,
  MAX_DEPTH,
  rfc8785Digest,
  STAGE286_SPEC,
  verify,
} from '../src/index.js';
import { NOW, sampleInput } from './helpers.js';

const decision: EngineDecision = {
  decision: 'accept',
  reason: 'fine',
  scores: { integrity_trust: 1, execution_trust: 1, identity_trust: 1, time_trust: 1, total_trust: 1 },
  verified_claims: ['x'],
};
const built = await build(
  STAGE286_SPEC,
  sampleInput(),
  { id: 'fixed', version: '1', decide: () => decision },
  { now: NOW },
);
const base = (): Contract => structuredClone(built.contract);

// Mutations reach into arbitrary, possibly missing, fields of a contract.
// biome-ignore lint/suspicious/noExplicitAny: deliberately untyped test mutations
type Loose = any;

/** Applies a change and re-seals the digest, so only the named rule is broken. */
function resealed(change: (c: Loose) => void): Contract {
  const c = base();
  change(c);
  if (c.exposure_layer) c.exposure_layer.contract_sha256 = rfc8785Digest(c);
  return c;
}

describe('verify: bad contracts fail the named check', () => {
  it.each([
    [
      'unknown top-level layer',
      (c: Loose) => {
        c.audit_layer = {};
      },
      ['schema'],
    ],
    [
      'missing decision layer',
      (c: Loose) => delete c.decision_layer,
      ['decision', 'public_status', 'schema', 'execution_state'],
    ],
    [
      'missing exposure layer',
      (c: Loose) => delete c.exposure_layer,
      ['public_status', 'schema', 'contract_sha256'],
    ],
    [
      'wrong type: decision',
      (c: Loose) => {
        c.decision_layer.decision = 1;
      },
      ['decision', 'public_status', 'schema', 'execution_state'],
    ],
    [
      'wrong type: scores',
      (c: Loose) => {
        c.decision_layer.scores.total_trust = '1';
      },
      ['schema'],
    ],
    [
      'fail_closed false',
      (c: Loose) => {
        c.enforcement_layer.fail_closed = false;
      },
      ['enforcement.fail_closed'],
    ],
    [
      'fail_closed missing',
      (c: Loose) => delete c.enforcement_layer.fail_closed,
      ['enforcement.fail_closed', 'schema'],
    ],
    [
      'policy not fail-closed',
      (c: Loose) => {
        c.input_layer.policy.fail_closed_required = false;
      },
      ['policy.fail_closed_required'],
    ],
    [
      'decision/status mismatch',
      (c: Loose) => {
        c.exposure_layer.public_status = 'reject';
      },
      ['public_status'],
    ],
    [
      'decision changed to reject only',
      (c: Loose) => {
        c.decision_layer.decision = 'reject';
      },
      ['public_status', 'execution_state'],
    ],
    [
      'released while pending',
      (c: Loose) => {
        c.decision_layer.decision = 'pending';
        c.exposure_layer.public_status = 'pending';
      },
      ['execution_state'],
    ],
    [
      'output not permitted',
      (c: Loose) => c.enforcement_layer.allowed_outputs.push('secret_keys'),
      ['execution_state'],
    ],
    [
      'other stage',
      (c: Loose) => {
        c.stage = 'stage285';
      },
      ['stage', 'schema'],
    ],
    [
      'newer minor spec',
      (c: Loose) => {
        c.spec_version = '1.1.0';
      },
      ['spec_version'],
    ],
    [
      'next major spec',
      (c: Loose) => {
        c.spec_version = '2.0.0';
      },
      ['spec_version'],
    ],
    [
      'unknown digest rule',
      (c: Loose) => {
        c.exposure_layer.digest_rule = 'md5';
      },
      ['schema', 'contract_sha256'],
    ],
  ])('%s', (_name, change, failed) => {
    const result = verify(resealed(change));
    expect(result.ok).toBe(false);
    expect(result.failed).toEqual(failed);
  });

  it('a changed field without resealing fails the digest', () => {
    const c = base();
    c.input_layer.subject = 'other';
    expect(verify(c).failed).toEqual(['contract_sha256']);
  });

  it('pins: inside passes, outside and invalid ranges fail the pin check', () => {
    expect(verify(built.bytes, { pin: '^1.0' }).ok).toBe(true);
    expect(verify(built.bytes, { pin: `~${CONTRACT_VERSION}` }).ok).toBe(true);
    expect(verify(built.bytes, { pin: '^2.0' }).failed).toEqual(['pin']);
    expect(verify(built.bytes, { pin: '>=1.0.1' }).failed).toEqual(['pin']);
    expect(verify(built.bytes, { pin: 'not a range' }).failed).toEqual(['pin']);
  });

  it('unparseable input fails the parse check and never throws', () => {
    const inputs: unknown[] = [
      '',
      '{',
      '[]',
      'null',
      '1',
      new Uint8Array([0xff, 0xfe]),
      new Uint8Array(0),
      [],
      null,
      5,
      Symbol('x'),
    ];
    for (const input of inputs) {
      const result = verify(input as never);
      expect(result.ok).toBe(false);
      expect(result.failed).toEqual(['parse']);
    }
  });

  it('a file with a duplicate key fails parse: different readers would see different contracts', () => {
    const text = built.text.replace('"decision":"accept"', '"decision":"reject","decision":"accept"');
    const result = verify(text);
    expect(result.failed).toEqual(['parse']);
    expect(result.checks[0]!.detail).toMatch(/Duplicate key 'decision'/);
  });

  it('deep nesting fails parse instead of exhausting the stack', () => {
    for (const n of [MAX_DEPTH + 1, 5_000, 200_000]) {
      const nested = `${'['.repeat(n)}${']'.repeat(n)}`;
      const canonicalish = `{"stage":"stage286","x":${nested}}`;
      for (const text of [canonicalish, `${canonicalish} `, new TextEncoder().encode(canonicalish)]) {
        const result = verify(text);
        expect(result.failed).toEqual(['parse']);
        expect(result.checks[0]!.detail).toMatch(/deeper than 64/);
      }
      const obj: Record<string, unknown> = {};
      let cur = obj;
      for (let i = 0; i < Math.min(n, 20_000); i++) cur = cur.a = {};
      expect(verify({ ...base(), x: obj }).failed).toEqual(['parse']);
    }
    // Brackets inside strings do not count.
    const c = resealed((x: Loose) => {
      x.input_layer.evidence.time.note = '['.repeat(500);
    });
    expect(verify(`${JSON.stringify(c)}`).ok).toBe(true);
  });

  it('hostile objects (throwing getters, proxies) fail parse, never throw', () => {
    const getter = Object.defineProperty(base(), 'stage', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(verify(getter).failed).toEqual(['parse']);
    const proxy = new Proxy(base(), {
      ownKeys() {
        throw new Error('no keys');
      },
    });
    expect(verify(proxy).failed).toEqual(['parse']);
  });

  it('hostile options fail the check they belong to, never throw', () => {
    expect(verify(built.bytes, { sha256File: 42 as never }).failed).toEqual(['file_sha256']);
    expect(verify(built.bytes, { pin: {} as never }).failed).toEqual(['pin']);
    expect(
      verify(built.bytes, { keys: [{ algorithm: 'ML-DSA-44', publicKey: 'x' as never }] }).failed,
    ).toEqual(['signature']);
  });

  it('a cyclic or non-JSON object fails parse', () => {
    const c = base() as unknown as Record<string, unknown>;
    c.self = c;
    expect(verify(c).failed).toEqual(['parse']);
    expect(verify({ ...base(), stage: 1n } as never).failed).toEqual(['parse']);
  });

  it('a .sha256 file for other bytes, or not in sha256sum form, fails file_sha256', () => {
    expect(
      verify(built.bytes, { sha256File: `${'0'.repeat(64)}  qsp_product_contract.json\n` }).failed,
    ).toEqual(['file_sha256']);
    expect(verify(built.bytes, { sha256File: 'garbage' }).failed).toEqual(['file_sha256']);
    expect(verify(built.contract, { sha256File: built.sha256File }).failed).toEqual(['file_sha256']);
    expect(verify(built.bytes, { sha256File: new TextEncoder().encode(built.sha256File) }).ok).toBe(true);
  });

  it('a pretty-printed copy of a built contract still verifies (the digest is over the canonical form)', () => {
    expect(verify(JSON.stringify(built.contract, null, 4)).ok).toBe(true);
  });
});
