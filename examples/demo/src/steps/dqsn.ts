import { createHash } from 'node:crypto';
import {
  createAggregator,
  createFetchHandler,
  type DqsnResponse,
  REASON_CODES,
  type RiskTier,
} from '@qsp/dqsn';
import type { DemoContext, StepSignal } from '../context.js';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const short = (hex: string) => `${hex.slice(0, 16)}…`;

function tier(score: number): RiskTier {
  if (score < 0.25) return 'LOW';
  if (score < 0.6) return 'MEDIUM';
  if (score < 0.85) return 'HIGH';
  return 'CRITICAL';
}

/** One step's verdict as the Shield Contract v3 envelope an upstream component sends. */
function envelope(s: StepSignal, runId: string) {
  const code = `${s.step}_${s.code}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_');
  return {
    contract_version: 3,
    component: `qsp-${s.step}`,
    request_id: `${runId}/${s.step}`,
    // What the component attests to: its own verdict for this run.
    context_hash: sha256(`${runId}\n${s.step}\n${s.decision}\n${s.reason}`),
    decision: s.decision,
    risk: { score: s.score, tier: tier(s.score) },
    reason_codes: [code],
    evidence: { step: s.step, reason: s.reason },
    meta: { fail_closed: true },
  };
}

function expect(ok: boolean, what: string): void {
  if (!ok) throw new Error(`dqsn step: ${what}`);
}

/**
 * Aggregates the signals the pipeline's steps emitted through the gateway
 * handler, checks that a second node gives the same
 * bytes, and shows two attacks the reference implementation falls for being
 * refused: a duplicate `decision` key and an ALLOW placed before a BLOCK with
 * the same context_hash.
 */
export async function run(log: (line: string) => void, context: DemoContext): Promise<void> {
  const stepSignals = context.signals;
  if (stepSignals.length === 0) throw new Error('no signals: the earlier steps did not run');
  const runId = `demo-${sha256(JSON.stringify(stepSignals)).slice(0, 12)}`;
  const signals = stepSignals.map((s) => envelope(s, runId));
  const body = JSON.stringify({ contract_version: 3, component: 'dqsn', request_id: runId, signals });

  // The gateway: limits are the operator's, and every aggregate is forwarded before the caller hears back.
  const forwarded: string[] = [];
  const handler = createFetchHandler({
    maxSignals: 16,
    forward: (_response, canonical) => {
      forwarded.push(canonical);
    },
  });
  const post = async (text: string) => {
    const res = await handler(
      new Request('http://gateway.local/v3/aggregate', { method: 'POST', body: text }),
    );
    return { status: res.status, text: await res.text() };
  };

  const first = await post(body);
  const r = JSON.parse(first.text) as DqsnResponse;
  for (const s of signals)
    log(`signal from ${s.component}: ${s.decision} (${s.risk.tier}, ${s.reason_codes[0]})`);
  log(`aggregate of ${r.evidence.input_signals} signals: ${r.decision}, codes ${r.reason_codes.join(' ')}`);
  log(`context_hash ${short(r.context_hash)}, forwarded ${forwarded.length} canonical response(s) upstream`);
  const worst = signals.some((s) => s.decision === 'BLOCK')
    ? 'BLOCK'
    : signals.some((s) => s.decision === 'WARN')
      ? 'WARN'
      : 'ALLOW';
  expect(
    first.status === 200 && r.decision === worst,
    `expected ${worst}, got ${first.status} ${r.decision}`,
  );
  expect(
    forwarded.length === 1 && forwarded[0] === first.text,
    'the aggregate was not forwarded as answered',
  );

  // A second node with the same configuration, fed the signals in another order.
  const otherNode = createAggregator({ maxSignals: 16 });
  const reordered = JSON.stringify({
    signals: [...signals].reverse(),
    request_id: runId,
    component: 'dqsn',
    contract_version: 3,
  });
  const again = otherNode.aggregate(reordered);
  expect(again.context_hash === r.context_hash, 'two nodes disagree on context_hash');
  log(`second node, signals reversed and keys reordered: same context_hash ${short(again.context_hash)}`);

  // Attack 1: a compromised relay appends a BLOCK signal whose decision key is doubled.
  // Python's json (the reference) keeps the last key and reads ALLOW.
  const adnBlock = envelope(
    { step: 'adn', decision: 'BLOCK', score: 0.95, code: 'REPLAYED_KEY', reason: 'replayed session key' },
    runId,
  );
  const withBlock = JSON.stringify({
    contract_version: 3,
    component: 'dqsn',
    request_id: `${runId}-a1`,
    signals: [...signals, adnBlock],
  });
  const dupKey = withBlock.replace('"decision":"BLOCK"', '"decision":"BLOCK","decision":"ALLOW"');
  const a1 = await post(dupKey);
  const a1r = JSON.parse(a1.text) as DqsnResponse;
  log(
    `attack "decision":"BLOCK","decision":"ALLOW": HTTP ${a1.status} ${a1r.decision} ${a1r.reason_codes[0]} (fail_closed ${a1r.meta.fail_closed})`,
  );
  expect(
    a1.status === 400 && a1r.decision === 'ERROR' && a1r.reason_codes[0] === REASON_CODES.DUPLICATE_KEY,
    'duplicate key not refused',
  );
  expect(a1r.meta.fail_closed === true, 'ERROR without fail_closed');

  // Attack 2: an ALLOW forged with the BLOCK's context_hash, placed first. The
  // reference dedupes by context_hash keeping the first and answers ALLOW.
  const forged = {
    ...envelope(
      { step: 'adn', decision: 'ALLOW', score: 0.01, code: 'ALL_CLEAR', reason: 'all clear' },
      runId,
    ),
    context_hash: adnBlock.context_hash,
  };
  const a2 = await post(
    JSON.stringify({
      contract_version: 3,
      component: 'dqsn',
      request_id: `${runId}-a2`,
      signals: [forged, adnBlock],
    }),
  );
  const a2r = JSON.parse(a2.text) as DqsnResponse;
  log(
    `attack ALLOW-before-BLOCK with one context_hash: ${a2r.decision}, ${a2r.evidence.unique_signals} of ${a2r.evidence.input_signals} signals kept (only byte-identical signals merge)`,
  );
  expect(a2r.decision === 'BLOCK' && a2r.evidence.unique_signals === 2, 'a BLOCK was hidden by dedupe');

  // A malformed request: contract_version as a string fails the version gate, closed.
  const malformed = body.replace('"contract_version":3', '"contract_version":"3"');
  const m = await post(malformed);
  const mr = JSON.parse(m.text) as DqsnResponse;
  log(`malformed request (contract_version "3"): HTTP ${m.status} ${mr.decision} ${mr.reason_codes[0]}`);
  expect(
    m.status === 400 && mr.decision === 'ERROR' && mr.reason_codes[0] === REASON_CODES.SCHEMA_VERSION,
    'version gate',
  );
  expect(forwarded.length === 2, 'an invalid request was forwarded');
}
