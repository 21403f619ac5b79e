// Known answers for the rfc8785-sha256 rule. The preimage and both digests
// were checked outside this package (Python: hashlib.sha256 over the
// preimage text; sha256sum over the file), and docs/contract.md prints them.
import { describe, expect, it } from 'vitest';
import {
  build,
  canonicalPreimage,
  type Engine,
  type InputLayer,
  STAGE286_SPEC,
  verify,
} from '../src/index.js';

const PREIMAGE =
  '{"decision_layer":{"decision":"pending","engine":{"id":"fixed","version":"1.0.0"},"reason":"waiting for review","reason_code":"AWAITING_REVIEW","scores":{"execution_trust":0,"identity_trust":0,"integrity_trust":1,"time_trust":0,"total_trust":0},"verified_claims":["integrity evidence present"]},"enforcement_layer":{"allowed_outputs":["normalized_contract","verification_page_inputs"],"execution_state":"restricted","fail_closed":true},"exposure_layer":{"contract_sha256":"","digest_rule":"rfc8785-sha256","exposure_artifacts":["qsp_product_contract.json","qsp_product_contract.json.sha256"],"public_status":"pending"},"generated_at":"2026-11-23T09:10:00.000Z","input_layer":{"evidence":{"execution":{},"identity":{},"integrity":{"sha256_present":true},"time":{}},"policy":{"fail_closed_required":true,"policy_id":"p-1"},"session_id":"s-1","subject":"demo"},"spec_version":"1.0.0","stage":"stage286"}';
const CONTRACT_SHA256 = '3fd3af179d21ec5c855197a286f383fb5990eb9fbecd163d737d83de07404e7c';
const FILE_SHA256 = '012d319e233d793775c919ddf4d9c3dcd7adf8bbee208070b02dc6e4a53668c7';

const input: InputLayer = {
  session_id: 's-1',
  subject: 'demo',
  policy: { policy_id: 'p-1', fail_closed_required: true },
  evidence: { integrity: { sha256_present: true }, execution: {}, identity: {}, time: {} },
};
const engine: Engine = {
  id: 'fixed',
  version: '1.0.0',
  decide: () => ({
    decision: 'pending',
    reason: 'waiting for review',
    scores: { integrity_trust: 1, execution_trust: 0, identity_trust: 0, time_trust: 0, total_trust: 0 },
    verified_claims: ['integrity evidence present'],
    reason_code: 'AWAITING_REVIEW',
  }),
};

describe('rfc8785-sha256 known answer', () => {
  it('builds the documented preimage, digest and .sha256 line', async () => {
    const built = await build(STAGE286_SPEC, input, engine, { now: new Date('2026-11-23T09:10:00Z') });
    expect(canonicalPreimage(built.contract)).toBe(PREIMAGE);
    expect(built.contract.exposure_layer.contract_sha256).toBe(CONTRACT_SHA256);
    expect(built.text).toBe(
      `${PREIMAGE.replace('"contract_sha256":""', `"contract_sha256":"${CONTRACT_SHA256}"`)}\n`,
    );
    expect(built.sha256File).toBe(`${FILE_SHA256}  qsp_product_contract.json\n`);
    expect(verify(built.bytes, { sha256File: built.sha256File }).ok).toBe(true);
  });
});
