// Issue #6's target: requests per second of `aggregate` for 1, 16 and 64
// signals reach at least half of a baseline measured in the same run that
// does only JSON.parse + the compiled ajv validator for the whole request +
// one SHA-256 of the canonical (RFC 8785) bytes. The baseline has no strict
// parser, no dedupe, no aggregation and no response: it is the floor any
// validating aggregator has to pay.

import { sha256 } from '@noble/hashes/sha2.js';
import { utf8ToBytes } from '@noble/hashes/utils.js';
import { runSuite } from '@qsp/bench-kit';
import canonicalize from 'canonicalize';
import { createAggregator } from '../src/index.js';
import { compileWholeRequestValidator } from '../src/schema.js';
import { request, signal } from '../test/fixtures.js';

const DECISIONS = ['ALLOW', 'WARN', 'BLOCK'] as const;

function body(n: number): Uint8Array {
  const signals = Array.from({ length: n }, (_, i) =>
    signal(`component-${i}`, DECISIONS[i % DECISIONS.length]!, {
      meta: { fail_closed: true, latency_ms: 3 + i, model_used: 'sentinel-v3' },
    }),
  );
  return new TextEncoder().encode(JSON.stringify(request(signals, { request_id: `bench-${n}` })));
}

const aggregator = createAggregator();
const validate = compileWholeRequestValidator();
const decoder = new TextDecoder();

const comparisons = [1, 16, 64].map((n) => {
  const bytes = body(n);
  return {
    name: `aggregate a v3 request with ${n} signal${n === 1 ? '' : 's'} (${bytes.length} bytes)`,
    subject: {
      name: 'aggregate',
      bytesPerOp: bytes.length,
      fn: () => {
        const r = aggregator.aggregate(bytes);
        if (r.decision === 'ERROR')
          throw new Error(`aggregate refused the bench request: ${r.reason_codes[0]}`);
      },
    },
    baseline: {
      name: 'JSON.parse + ajv + SHA-256(canonical)',
      bytesPerOp: bytes.length,
      fn: () => {
        const value: unknown = JSON.parse(decoder.decode(bytes));
        if (!validate(value)) throw new Error('baseline validator refused the bench request');
        const canonical = canonicalize(value);
        if (canonical === undefined) throw new Error('no canonical form');
        if (sha256(utf8ToBytes(canonical)).length !== 32) throw new Error('unreachable');
      },
    },
    minRatio: 0.5,
    note: 'ratio = aggregate requests/s / baseline requests/s, both from the same bytes',
  };
});

await runSuite('@qsp/dqsn', comparisons);
