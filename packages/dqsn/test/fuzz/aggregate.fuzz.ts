// Long-running fuzz of the whole raw path (not part of `pnpm test`):
// byte-level mutations of valid requests, through aggregate, aggregateV2 and
// the strict parser. Every answer must be a well-formed v3 response; every
// ERROR exactly one reason code with fail_closed; nothing may throw; and a
// document the strict parser accepts must be one JSON.parse reads the same.
// QSP_FUZZ_SECONDS (default 30) bounds the run.
import fc from 'fast-check';
import { aggregate, aggregateV2, parseStrictJson, REASON_CODES } from '../../src/index.js';
import { request, signal, text } from '../fixtures.js';

const SECONDS = Number(process.env.QSP_FUZZ_SECONDS ?? 30);
const CODES = new Set<string>(Object.values(REASON_CODES));
const seeds = [
  text(request([signal('sentinel', 'ALLOW'), signal('adn', 'BLOCK')])),
  text(
    request([signal('sentinel', 'WARN', { meta: { fail_closed: true, latency_ms: 4, model_used: 'm' } })]),
  ),
  text(request([signal('a', 'ALLOW'), signal('a', 'ALLOW')], { constraints: { max_latency_ms: 5 } })),
].map((s) => new TextEncoder().encode(s));

const INTERESTING = [...'{}[],:"\\-+.eE0123456789 \t\n']
  .map((c) => c.charCodeAt(0))
  .concat([0x00, 0xc0, 0xed, 0xef, 0xbb, 0xbf, 0xff]);

const mutation = fc.record({
  seed: fc.nat({ max: seeds.length - 1 }),
  edits: fc.array(
    fc.record({
      at: fc.nat(),
      kind: fc.constantFrom('set', 'insert', 'delete', 'duplicate'),
      byte: fc.oneof(fc.constantFrom(...INTERESTING), fc.integer({ min: 0, max: 255 })),
      len: fc.integer({ min: 1, max: 40 }),
    }),
    { minLength: 1, maxLength: 6 },
  ),
});

type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(m: Mutation): Uint8Array {
  const b = Array.from(seeds[m.seed]!);
  for (const e of m.edits) {
    const at = e.at % (b.length + 1);
    if (e.kind === 'set' && at < b.length) b[at] = e.byte;
    else if (e.kind === 'insert') b.splice(at, 0, e.byte);
    else if (e.kind === 'delete') b.splice(at, e.len);
    else b.splice(at, 0, ...b.slice(at, at + e.len));
  }
  return Uint8Array.from(b);
}

function check(bytes: Uint8Array): void {
  for (const r of [aggregate(bytes), aggregateV2(bytes)]) {
    if (r.contract_version !== 3 || r.component !== 'dqsn' || r.meta.fail_closed !== true)
      throw new Error('bad shape');
    if (!/^[0-9a-f]{64}$/.test(r.context_hash)) throw new Error('bad context_hash');
    if (r.decision === 'ERROR' && r.evidence.unique_signals === 0) {
      if (r.reason_codes.length !== 1 || !CODES.has(r.reason_codes[0]!))
        throw new Error(`bad ERROR codes ${r.reason_codes}`);
    }
  }
  let textIn: string;
  try {
    textIn = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return;
  }
  const parsed = parseStrictJson(textIn, { maxDepth: 64, maxStringLength: 1 << 20 });
  if (parsed.ok && JSON.stringify(parsed.value) !== JSON.stringify(JSON.parse(textIn))) {
    throw new Error('strict parser accepted a document JSON.parse reads differently');
  }
}

const deadline = Date.now() + SECONDS * 1000;
let runs = 0;
while (Date.now() < deadline) {
  fc.assert(
    fc.property(mutation, (m) => {
      check(mutate(m));
      runs++;
    }),
    { numRuns: 2000 },
  );
}
process.stdout.write(
  `${JSON.stringify({ fuzz: '@qsp/dqsn aggregate', runs, seconds: SECONDS, failures: 0 })}\n`,
);
