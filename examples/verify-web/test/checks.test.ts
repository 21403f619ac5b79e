// The page's logic without a browser: the verifiers' results become rows that
// never call a check passed when it could not run.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NO_SHARED_MESSAGE, sharedVectorsDir } from '@qsp/test-kit';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkBundle } from '../src/bundle-check.js';
import { checkContract } from '../src/contract-check.js';
import { parseKeyMaterial } from '../src/keys.js';
import type { Outcome } from '../src/outcome.js';
import { type BundleFixture, type ContractFixture, flipByte, makeBundle, makeContract } from './fixtures.js';

const enc = (s: string) => new TextEncoder().encode(s);
const hex = (b: Uint8Array) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const status = (o: Outcome, id: string) => o.rows.find((r) => r.id === id)?.status;
const failed = (o: Outcome) => o.rows.filter((r) => r.status === 'fail').map((r) => r.id);
const fact = (o: Outcome, label: string) => o.facts.find((f) => f.label === label);

let bundle: BundleFixture;
let contract: ContractFixture;
beforeAll(async () => {
  [bundle, contract] = await Promise.all([makeBundle(), makeContract()]);
});

const files = (list: BundleFixture['artifacts']) => new Map(list.map((a) => [a.name, a.bytes] as const));

describe('evidence bundle', () => {
  it('passes every check with its artifacts and registry, and recomputes the Merkle root three ways', async () => {
    const o = await checkBundle({
      bundle: bundle.bytes,
      artifacts: files(bundle.artifacts),
      key: parseKeyMaterial(enc(bundle.registry)),
    });
    expect(o.rows.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(o.verdict).toBe('valid');
    const ids = o.rows.map((r) => r.id);
    for (const id of [
      'well_formed',
      'canonical_form',
      'schema_valid',
      'bundle_hash_verified',
      'merkle_root_valid',
    ]) {
      expect(ids).toContain(id);
    }
    for (const id of ['signature_valid', 'key_not_revoked', 'timestamp_within_validity'])
      expect(ids).toContain(id);
    for (const a of bundle.artifacts) {
      for (const c of ['artifact_present', 'artifact_hash', 'artifact_size'])
        expect(ids).toContain(`${c}:${a.name}`);
    }
    expect(fact(o, 'Merkle root (stated in the bundle)')?.value).toBe(bundle.merkleRoot);
    expect(fact(o, 'Merkle root recomputed from the listed hashes')).toMatchObject({
      value: bundle.merkleRoot,
      mismatch: false,
    });
    expect(fact(o, 'Merkle root recomputed from your files')).toMatchObject({
      value: bundle.merkleRoot,
      mismatch: false,
    });
  });

  it('fails the artifact whose byte was flipped, and its file-based Merkle root', async () => {
    const list = bundle.artifacts.map((a) =>
      a.name === 'results.json' ? { ...a, bytes: flipByte(a.bytes) } : a,
    );
    const o = await checkBundle({
      bundle: bundle.bytes,
      artifacts: files(list),
      key: parseKeyMaterial(enc(bundle.registry)),
    });
    expect(failed(o)).toEqual(['artifact_hash:results.json']);
    expect(o.verdict).toBe('invalid');
    expect(fact(o, 'Merkle root recomputed from your files')?.mismatch).toBe(true);
  });

  it('fails a bundle signed by a revoked key', async () => {
    const o = await checkBundle({ bundle: bundle.bytes, key: parseKeyMaterial(enc(bundle.revokedRegistry)) });
    expect(failed(o)).toEqual(['key_not_revoked']);
  });

  it('does not call the signature checked without a key, nor the artifacts without files', async () => {
    const o = await checkBundle({ bundle: bundle.bytes });
    for (const id of ['signature_valid', 'key_not_revoked', 'timestamp_within_validity', 'artifacts']) {
      expect(status(o, id), id).toBe('not-checked');
    }
    expect(failed(o)).toEqual([]);
    expect(o.verdict).toBe('incomplete');
  });

  it('checks the signature with a bare key but leaves revocation and validity unchecked', async () => {
    const o = await checkBundle({ bundle: bundle.bytes, key: parseKeyMaterial(enc(hex(bundle.publicKey))) });
    expect(status(o, 'signature_valid')).toBe('pass');
    expect(status(o, 'key_not_revoked')).toBe('not-checked');
    expect(status(o, 'timestamp_within_validity')).toBe('not-checked');
  });

  it('fails the signature under the wrong bare key', async () => {
    const other = parseKeyMaterial(flipByte(bundle.publicKey, 40));
    const o = await checkBundle({ bundle: bundle.bytes, key: other });
    expect(status(o, 'signature_valid')).toBe('fail');
    expect(o.verdict).toBe('invalid');
  });

  it('fails a bundle whose signed bytes changed', async () => {
    const text = new TextDecoder()
      .decode(bundle.bytes)
      .replace('"shots_completed":1000', '"shots_completed":999');
    const o = await checkBundle({ bundle: enc(text), key: parseKeyMaterial(enc(bundle.registry)) });
    expect(failed(o)).toContain('signature_valid');
  });

  it('reports a missing artifact and notes an unlisted one', async () => {
    const list = [...bundle.artifacts.slice(1), { name: 'extra.bin', bytes: enc('x') }];
    const o = await checkBundle({
      bundle: bundle.bytes,
      artifacts: files(list),
      key: parseKeyMaterial(enc(bundle.registry)),
    });
    expect(failed(o)).toEqual(['artifact_present:circuit.qasm']);
    expect(o.notes.join(' ')).toContain('extra.bin');
    expect(fact(o, 'Merkle root recomputed from your files')).toBeUndefined();
  });

  it('turns a truncated file into failed rows, never a throw', async () => {
    const o = await checkBundle({ bundle: bundle.bytes.subarray(0, 200) });
    expect(status(o, 'well_formed')).toBe('fail');
    expect(o.verdict).toBe('invalid');
  });
});

describe('product contract', () => {
  it('passes every check with its key, .sha256 file and a pin', () => {
    const o = checkContract({
      contract: contract.bytes,
      key: parseKeyMaterial(contract.publicKey),
      sha256File: enc(contract.sha256File),
      pin: '^1.0',
    });
    expect(o.rows.filter((r) => r.status !== 'pass')).toEqual([]);
    expect(o.verdict).toBe('valid');
    expect(fact(o, 'Decision')?.value).toBe('accept');
    expect(fact(o, 'Public status')).toMatchObject({ value: 'accept', mismatch: false });
  });

  it('fails a contract whose stated digest is wrong', () => {
    const o = checkContract({ contract: contract.wrongDigest, key: parseKeyMaterial(contract.publicKey) });
    expect(failed(o)).toContain('contract_sha256');
    expect(o.verdict).toBe('invalid');
  });

  it('leaves the signature, file hash and pin unchecked when not given', () => {
    const o = checkContract({ contract: contract.bytes });
    expect(failed(o)).toEqual([]);
    for (const id of ['signature', 'file_sha256', 'pin']) expect(status(o, id), id).toBe('not-checked');
    expect(o.verdict).toBe('incomplete');
  });

  it('fails the signature under a key that is not the signer', () => {
    const o = checkContract({
      contract: contract.bytes,
      key: parseKeyMaterial(flipByte(contract.publicKey, 7)),
    });
    expect(failed(o)).toEqual(['signature']);
  });
});

describe('the recomputed contract digest', () => {
  it('is shown beside the stated one, and flagged when they differ', () => {
    const good = checkContract({ contract: contract.bytes });
    const bad = checkContract({ contract: contract.wrongDigest });
    expect(fact(good, 'Contract digest (recomputed)')).toMatchObject({ mismatch: false });
    expect(fact(good, 'Contract digest (recomputed)')?.value).toBe(
      fact(good, 'Contract digest (stated)')?.value,
    );
    expect(fact(bad, 'Contract digest (recomputed)')).toMatchObject({ mismatch: true });
  });
});

const vectors = sharedVectorsDir();
describe.skipIf(!vectors)('the Stage286 reference contract (shared vectors)', () => {
  it('verifies under the reference digest rule, with its .sha256 file', () => {
    const dir = join(vectors!, 'contract', 'stage286');
    const o = checkContract({
      contract: readFileSync(join(dir, 'qsp_product_contract.json')),
      sha256File: readFileSync(join(dir, 'qsp_product_contract.json.sha256')),
    });
    expect(failed(o)).toEqual([]);
    expect(status(o, 'contract_sha256')).toBe('pass');
    expect(status(o, 'file_sha256')).toBe('pass');
    expect(fact(o, 'Digest rule')?.value).toBe('python-pretty');
    expect(fact(o, 'Contract digest (recomputed)')?.mismatch).toBe(false);
  });
});
if (!vectors) console.warn(NO_SHARED_MESSAGE);
