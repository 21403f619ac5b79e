import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { canonicalJson, sha256Hex } from '../src/canonical.js';
import { aggregate, createAggregator, type SignalV3 } from '../src/index.js';
import { buildResponse, contextHashPreimage, type Output, responseJson } from '../src/response.js';
import { request, signal, text } from './fixtures.js';

const wellFormed = fc.string({ unit: 'grapheme', maxLength: 24 }).filter((s) => s.isWellFormed());
const jsonish = fc.jsonValue({ maxDepth: 3 }).filter((v) => JSON.stringify(v).isWellFormed());

describe('context_hash preimage', () => {
  it('assembled from canonical parts, it is exactly canonicalize of the whole object', () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[0-9a-f]{64}$/),
        wellFormed,
        fc.constantFrom('ALLOW', 'WARN', 'BLOCK', 'ERROR' as const),
        fc.array(wellFormed, { maxLength: 6 }),
        fc.nat({ max: 1_000_000 }),
        fc.array(fc.dictionary(wellFormed, jsonish, { maxKeys: 5 }), { maxLength: 5 }),
        (fingerprint, requestId, decision, reasonCodes, inputSignals, signals) => {
          const kept = signals as unknown as SignalV3[];
          const o: Output = { requestId, decision, reasonCodes, inputSignals, kept, keptCanonical: [] };
          const output = {
            contract_version: 3,
            component: 'dqsn',
            request_id: requestId,
            decision,
            reason_codes: reasonCodes,
            evidence: { input_signals: inputSignals, unique_signals: kept.length },
            meta: { fail_closed: true },
          };
          const preimage = contextHashPreimage(
            fingerprint,
            o,
            signals.map((s) => canonicalJson(s)),
          );
          expect(preimage).toBe(canonicalJson({ config: fingerprint, output, signals }));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('context_hash is SHA-256 of canonicalize({config, output, signals}) for a real response', () => {
    const aggregator = createAggregator();
    const r = aggregator.aggregate(
      text(request([signal('sentinel', 'WARN'), signal('adn', 'ALLOW'), signal('sentinel', 'WARN')])),
    );
    const { context_hash, evidence, ...rest } = r;
    const output = {
      ...rest,
      evidence: { input_signals: evidence.input_signals, unique_signals: evidence.unique_signals },
    };
    const whole = canonicalJson({ config: aggregator.config.fingerprint, output, signals: evidence.signals });
    expect(context_hash).toBe(sha256Hex(whole));
    expect(
      contextHashPreimage(
        aggregator.config.fingerprint,
        {
          requestId: r.request_id,
          decision: r.decision,
          reasonCodes: r.reason_codes,
          inputSignals: evidence.input_signals,
          kept: evidence.signals,
          keptCanonical: evidence.signals.map((s) => canonicalJson(s)),
        },
        evidence.signals.map((s) => canonicalJson(s)),
      ),
    ).toBe(whole);
  });

  it('known answer, recomputed independently (Python json + hashlib): fingerprint and one response', () => {
    // Pinned so that a change to the rules, the limits, the preimage layout or
    // the hashing is a visible, deliberate break of cross-node consistency.
    // fingerprint = SHA-256 of
    // {"component":"dqsn","contract_version":3,"limits":{"maxBytes":512000,"maxDepth":32,"maxSignals":64,"maxStringLength":8192},"rules":"qsp-dqsn/shield-contract-v3/rules-1"}
    expect(createAggregator().config.fingerprint).toBe(
      'ad006afe0a703554a3593f8c045057d3dc4b2661ef7f9b72338e8d9ade17b87a',
    );
    const r = aggregate(text(request([signal('sentinel', 'BLOCK')])));
    expect(r.reason_codes).toEqual(['DQSN_DENY_BLOCK', 'SENTINEL_BLOCK']);
    expect(r.context_hash).toBe('d9a71ac9800f59b65df2a8ea30ddaaf4a25c3ba66c8b0aa47335ba8031f16d86');
  });
});

describe('response body', () => {
  it('assembled from the kept canonical forms, it is exactly canonicalize of the response', () => {
    const config = createAggregator().config;
    fc.assert(
      fc.property(
        wellFormed,
        fc.constantFrom('ALLOW', 'WARN', 'BLOCK', 'ERROR' as const),
        fc.array(wellFormed, { maxLength: 6 }),
        fc.nat({ max: 1_000_000 }),
        fc.array(fc.dictionary(wellFormed, jsonish, { maxKeys: 5 }), { maxLength: 5 }),
        (requestId, decision, reasonCodes, inputSignals, signals) => {
          const kept = signals as unknown as SignalV3[];
          const keptCanonical = signals.map((x) => canonicalJson(x));
          const r = buildResponse(config, {
            requestId,
            decision,
            reasonCodes,
            inputSignals,
            kept,
            keptCanonical,
          });
          expect(responseJson(r)).toBe(canonicalJson(r));
          // An object buildResponse did not make is canonicalised whole.
          expect(responseJson({ ...r })).toBe(canonicalJson(r));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('is frozen down to its arrays; the body stays what was aggregated even if a kept signal is changed', () => {
    const r = createAggregator().aggregate(
      text(request([signal('sentinel', 'WARN'), signal('adn', 'ALLOW')])),
    );
    expect(Object.isFrozen(r) && Object.isFrozen(r.evidence) && Object.isFrozen(r.evidence.signals)).toBe(
      true,
    );
    expect(Object.isFrozen(r.reason_codes) && Object.isFrozen(r.meta)).toBe(true);
    const body = responseJson(r);
    expect(body).toBe(canonicalJson(r));
    // The kept signals are the parsed input (not frozen): changing one changes the object, not the body.
    (r.evidence.signals[0] as { decision: string }).decision = 'ALLOW';
    expect(responseJson(r)).toBe(body);
  });
});
