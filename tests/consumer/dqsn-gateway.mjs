// A gateway embedding @qsp/dqsn, as a user installs it: node:http in front,
// an upstream receiving every aggregate before the caller hears back, and
// the attacks the v3.2.0 reference falls for refused. Runs against the
// published tarball, outside the workspace.
import { createHash } from 'node:crypto';
import { createServer } from 'node:http';
import { aggregate, httpForwarder } from '@qsp/dqsn';
import { createNodeHandler } from '@qsp/dqsn/node';

const fail = (msg) => {
  throw new Error(`dqsn-gateway: ${msg}`);
};
const listen = (server) =>
  new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(`http://127.0.0.1:${server.address().port}`)));

const received = [];
const upstream = createServer((req, res) => {
  let text = '';
  req.setEncoding('utf8');
  req.on('data', (c) => {
    text += c;
  });
  req.on('end', () => {
    received.push(JSON.parse(text));
    res.end();
  });
});
const upstreamUrl = await listen(upstream);
const gateway = createServer(
  createNodeHandler({
    maxBytes: 64 * 1024,
    forward: httpForwarder({ url: `${upstreamUrl}/aggregates`, timeoutMs: 1000 }),
  }),
);
const url = await listen(gateway);

const signal = (component, decision, score, tier, context = component) => ({
  contract_version: 3,
  component,
  request_id: `${component}-1`,
  context_hash: createHash('sha256').update(context).digest('hex'),
  decision,
  risk: { score, tier },
  reason_codes: [`${component.toUpperCase()}_${decision}`],
  evidence: { observed: 1 },
  meta: { fail_closed: true },
});
const post = async (body) => {
  const res = await fetch(`${url}/`, { method: 'POST', body });
  return { status: res.status, body: await res.json() };
};
const request = (signals) =>
  JSON.stringify({ contract_version: 3, component: 'dqsn', request_id: 'r1', signals });

try {
  const ok = await post(request([signal('waf', 'ALLOW', 0.1, 'LOW'), signal('ids', 'WARN', 0.5, 'MEDIUM')]));
  if (ok.status !== 200 || ok.body.decision !== 'WARN')
    fail(`expected WARN, got ${ok.status} ${ok.body.decision}`);
  if (received.length !== 1) fail('the aggregate was not forwarded before the answer');

  // An ALLOW first with the same context_hash must not hide the BLOCK behind it.
  const shadow = await post(
    request([signal('a', 'ALLOW', 0.1, 'LOW', 'same'), signal('b', 'BLOCK', 0.9, 'HIGH', 'same')]),
  );
  if (shadow.body.decision !== 'BLOCK') fail(`ALLOW-before-BLOCK gave ${shadow.body.decision}`);

  // Last-duplicate-key-wins would read this as ALLOW; strict parsing refuses it.
  const dup = request([signal('c', 'BLOCK', 0.9, 'HIGH')]).replace(
    '"decision":"BLOCK"',
    '"decision":"BLOCK","decision":"ALLOW"',
  );
  const refused = await post(dup);
  if (refused.status !== 400 || refused.body.decision !== 'ERROR' || refused.body.meta?.fail_closed !== true)
    fail(`duplicate key gave ${refused.status} ${refused.body.decision}`);

  // An empty signal list is not an ALLOW.
  const empty = aggregate(request([]));
  if (empty.decision === 'ALLOW') fail('an empty signal list was allowed');

  const huge = await fetch(`${url}/`, { method: 'POST', body: 'x'.repeat(65 * 1024) });
  if (huge.status !== 413) fail(`oversized body gave ${huge.status}`);
  console.log(
    `ok dqsn gateway: WARN aggregated and forwarded, BLOCK kept, duplicate key refused (${refused.body.reason_codes[0]}), 413 on size`,
  );
} finally {
  gateway.closeAllConnections();
  upstream.closeAllConnections();
  gateway.close();
  upstream.close();
}
