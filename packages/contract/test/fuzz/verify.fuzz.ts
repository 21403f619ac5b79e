// Long-running fuzz of verify() on mutated contract files (not part of
// `pnpm test`): random byte flips, insertions, deletions and splices of a
// built contract and of the stage286 reference. verify must never throw and
// never pass a file whose bytes differ from the ones its .sha256 file names.
// Usage: pnpm fuzz [seconds]   (default 30)
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { build, type EngineDecision, STAGE286_SPEC, verify } from '../../src/index.js';

const seconds = Number(process.argv[2] ?? 30);
const decision: EngineDecision = {
  decision: 'accept',
  reason: 'fuzz',
  scores: { integrity_trust: 1, execution_trust: 1, identity_trust: 1, time_trust: 1, total_trust: 1 },
  verified_claims: ['fuzz'],
};
const input = {
  session_id: 's',
  subject: 'fuzz',
  policy: { policy_id: 'p', fail_closed_required: true },
  evidence: { integrity: { a: 1 }, execution: { b: [1, 2.5] }, identity: { c: 'x' }, time: { d: null } },
};
const built = await build(STAGE286_SPEC, input, { id: 'fixed', version: '1', decide: () => decision });
const reference = new Uint8Array(
  readFileSync(new URL('../fixtures/stage286/qsp_product_contract.json', import.meta.url)),
);
const referenceSha = readFileSync(
  new URL('../fixtures/stage286/qsp_product_contract.json.sha256', import.meta.url),
  'utf8',
);
const targets = [
  { bytes: built.bytes, sha: built.sha256File },
  { bytes: reference, sha: referenceSha },
];

const edit = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }),
  }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 16 }) }),
  fc.record({
    kind: fc.constant('splice' as const),
    at: fc.nat(),
    from: fc.nat(),
    n: fc.integer({ min: 1, max: 64 }),
  }),
);

type Edit = typeof edit extends fc.Arbitrary<infer E> ? E : never;

function apply(src: Uint8Array, edits: readonly Edit[]): Uint8Array {
  const b = Array.from(src);
  for (const e of edits) {
    const at = b.length === 0 ? 0 : e.at % b.length;
    if (e.kind === 'flip') {
      if (b.length > 0) b[at] = b[at]! ^ e.xor;
    } else if (e.kind === 'insert') b.splice(at, 0, ...e.bytes);
    else if (e.kind === 'delete') b.splice(at, e.n);
    else {
      const from = e.from % Math.max(1, b.length);
      b.splice(at, 0, ...b.slice(from, from + e.n));
    }
  }
  return Uint8Array.from(b);
}

const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);
const deadline = Date.now() + seconds * 1000;
let runs = 0;
while (Date.now() < deadline) {
  fc.assert(
    fc.property(
      fc.nat({ max: targets.length - 1 }),
      fc.array(edit, { minLength: 1, maxLength: 4 }),
      (t, edits) => {
        const { bytes, sha } = targets[t]!;
        const mutated = apply(bytes, edits);
        const result = verify(mutated, { sha256File: sha });
        if (result.ok && !same(mutated, bytes)) throw new Error('a changed file verified');
        if (!result.ok && result.failed.length === 0) throw new Error('failed with no failed check');
      },
    ),
    { numRuns: 500 },
  );
  runs += 500;
}
console.log(JSON.stringify({ fuzz: 'verify', runs, seconds }));
