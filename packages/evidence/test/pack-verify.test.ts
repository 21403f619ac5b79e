import { noble } from '@qsp/crypto-suite';
import { describe, expect, it } from 'vitest';
import {
  bundleHash,
  type EvidenceBundle,
  formatDigest,
  isEvidenceError,
  KeyRegistry,
  localSigner,
  merkleRoot,
  pack,
  parseDigest,
  signingBytes,
  verify,
} from '../src/index.js';
import { artifacts, enc, JOB, KEY, OTHER_KEY, PACKAGED_AT, registry, SIGNER } from './fixtures.js';

const sha = noble.hash('SHA-256');
const now = new Date('2026-06-01T00:00:00Z');
const packed = () => pack(JOB, artifacts(), SIGNER, { now: () => PACKAGED_AT });
const byName = () => Object.fromEntries(artifacts().map((a) => [a.name, a.source]));

describe('pack', () => {
  it('builds the seed schema with hashes, merkle root and a signature over the canonical unsigned bundle', async () => {
    const { bundle, bundleHash: h, bytes } = await packed();
    expect(bundle.version).toBe('1.0');
    expect(bundle.timeline.packaged_at).toBe('2025-01-04T10:01:30.000Z');
    expect(bundle.signature).toMatchObject({
      algorithm: 'ML-DSA-65',
      key_id: 'ql_key_prod_001',
      signed_at: bundle.timeline.packaged_at,
    });
    const a0 = artifacts()[0]!;
    expect(bundle.artifacts[0]).toEqual({
      name: 'circuit.qasm',
      hash: formatDigest(sha.digest(a0.source)),
      hash_algorithm: 'sha256',
      size_bytes: a0.source.length,
      content_type: 'application/qasm',
    });
    expect(bundle.merkle_root).toBe(
      formatDigest(
        merkleRoot(
          sha,
          bundle.artifacts.map((a) => parseDigest(a.hash)),
        ),
      ),
    );
    expect(h).toBe(formatDigest(sha.digest(signingBytes(bundle))));
    expect(new TextDecoder().decode(signingBytes(bundle))).not.toContain('"signature"');
    const sig = Buffer.from(bundle.signature.value, 'base64');
    expect(noble.signature('ML-DSA-65').verify(sig, signingBytes(bundle), KEY.publicKey)).toBe(true);
    expect(new TextDecoder().decode(bytes).endsWith('}\n')).toBe(true);
  });

  it('hashes streams in chunks and reports progress', async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0xab);
    async function* stream() {
      for (let i = 0; i < 16; i++) yield chunk;
    }
    const seen: number[] = [];
    const { bundle } = await pack(
      JOB,
      [{ name: 'big.bin', content_type: 'application/octet-stream', source: stream }],
      SIGNER,
      { onProgress: (p) => seen.push(p.totalBytes) },
    );
    const whole = new Uint8Array(16 * chunk.length).fill(0xab);
    expect(bundle.artifacts[0]!.hash).toBe(formatDigest(sha.digest(whole)));
    expect(bundle.artifacts[0]!.size_bytes).toBe(whole.length);
    expect(seen.at(-1)).toBe(whole.length);
    expect(seen).toHaveLength(16);
  });

  it('refuses path-like and duplicate artifact names, and a bad job', async () => {
    for (const name of ['../x', 'a/b', '..', '.', '', 'a\\b', 'nul\u0000']) {
      await expect(
        pack(JOB, [{ name, content_type: 'text/plain', source: enc('x') }], SIGNER),
      ).rejects.toSatisfy((e) => isEvidenceError(e, 'INVALID_ARTIFACT'));
    }
    const dup = [...artifacts(), artifacts()[0]!];
    await expect(pack(JOB, dup, SIGNER)).rejects.toSatisfy((e) => isEvidenceError(e, 'INVALID_ARTIFACT'));
    await expect(pack({ ...JOB, job_id: '' }, artifacts(), SIGNER)).rejects.toSatisfy((e) =>
      isEvidenceError(e, 'INVALID_BUNDLE'),
    );
  });

  it('a failing artifact stream fails pack with ARTIFACT_READ_FAILED', async () => {
    async function* broken() {
      yield enc('partial');
      throw new Error('disk went away');
    }
    await expect(
      pack(JOB, [{ name: 'x', content_type: 'text/plain', source: broken }], SIGNER),
    ).rejects.toSatisfy((e) => isEvidenceError(e, 'ARTIFACT_READ_FAILED'));
  });

  it('packs an empty artifact list with the empty-tree root', async () => {
    const { bundle } = await pack(JOB, [], SIGNER);
    expect(bundle.merkle_root).toBe(
      `sha256:${'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'}`,
    );
    expect((await verify(bundle, { keys: registry(), artifacts: {} })).valid).toBe(true);
  });
});

describe('verify', () => {
  it('passes every check for an untouched bundle with its artifacts', async () => {
    const { bundle, bytes, bundleHash: h } = await packed();
    const r = await verify(bytes, {
      keys: registry(),
      artifacts: byName(),
      now,
      expected: { bundle_hash: h, signature: bundle.signature.value, key_id: KEY.keyId },
    });
    expect(r.failed).toEqual([]);
    expect(r.valid).toBe(true);
    expect(r.details).toMatchObject({
      bundle_hash_verified: true,
      signature_valid: true,
      merkle_root_valid: true,
      key_not_revoked: true,
      timestamp_within_validity: true,
    });
    expect(r.details.artifacts).toHaveLength(3);
    expect(r.bundle_hash).toBe(h);
  });

  it('a tampered artifact fails only its hash check', async () => {
    const { bundle } = await packed();
    const files = byName();
    files['results.json'] = enc('{"counts":{"00":508,"11":492}}');
    const r = await verify(bundle, { keys: registry(), artifacts: files, now });
    expect(r.valid).toBe(false);
    expect(r.failed).toEqual(['artifact_hash:results.json']);
  });

  it('a truncated artifact fails hash and size; a missing one fails presence', async () => {
    const { bundle } = await packed();
    const files = byName();
    files['run.log'] = enc('started\n');
    delete files['circuit.qasm'];
    const r = await verify(bundle, { keys: registry(), artifacts: files, now });
    expect([...r.failed].sort()).toEqual([
      'artifact_hash:run.log',
      'artifact_present:circuit.qasm',
      'artifact_size:run.log',
    ]);
  });

  it('a reordered artifact list fails merkle and signature', async () => {
    const { bundle } = await packed();
    const reordered = {
      ...bundle,
      artifacts: [bundle.artifacts[1]!, bundle.artifacts[0]!, bundle.artifacts[2]!],
    };
    const r = await verify(reordered, { keys: registry(), now });
    expect(r.failed).toEqual(['merkle_root_valid', 'signature_valid']);
  });

  it('a revoked key fails key_not_revoked; an expired one fails timestamp_within_validity', async () => {
    const { bundle } = await packed();
    const revoked = await verify(bundle, {
      keys: registry({ revokedAt: new Date('2026-01-01T00:00:00Z') }),
      now,
    });
    expect(revoked.failed).toEqual(['key_not_revoked']);
    const expired = await verify(bundle, {
      keys: registry({ notAfter: new Date('2025-01-01T00:00:00Z') }),
      now,
    });
    expect(expired.failed).toEqual(['timestamp_within_validity']);
  });

  it('a signature by another key fails signature_valid', async () => {
    const { bundle } = await packed();
    const other = localSigner({ keyId: OTHER_KEY.keyId, secretKey: OTHER_KEY.secretKey });
    const forged = Buffer.from(await other.sign(signingBytes(bundle))).toString('base64');
    const r = await verify(
      { ...bundle, signature: { ...bundle.signature, value: forged } },
      { keys: registry(), now },
    );
    expect(r.failed).toEqual(['signature_valid']);
    const unknown = await verify(
      { ...bundle, signature: { ...bundle.signature, key_id: 'nobody' } },
      { keys: registry(), now },
    );
    expect(unknown.failed).toEqual(['signature_valid', 'key_not_revoked', 'timestamp_within_validity']);
  });

  it('signed_at (outside the signed bytes) must equal the signed packaged_at: any other value fails', async () => {
    const { bundle } = await packed();
    const keys = registry();
    for (const signed_at of ['2031-01-01T00:00:00Z', '2025-01-04T10:01:31.000Z', '2025-01-04T10:01:30Z']) {
      const r = await verify({ ...bundle, signature: { ...bundle.signature, signed_at } }, { keys, now });
      expect(r.failed).toEqual(['signed_at_bound']);
    }
  });

  it("a bundle signed before its key's not_before or in the future fails timestamp_within_validity", async () => {
    const early = await pack(JOB, artifacts(), SIGNER, { now: () => new Date('2023-06-01T00:00:00Z') });
    expect((await verify(early.bundle, { keys: registry(), now })).failed).toEqual([
      'timestamp_within_validity',
    ]);
    const future = await pack(JOB, artifacts(), SIGNER, { now: () => new Date('2026-06-01T01:00:00Z') });
    const r = await verify(future.bundle, { keys: registry(), now });
    expect(r.failed).toEqual(['timestamp_within_validity']);
    expect((await verify(future.bundle, { keys: registry(), now, maxSkewMs: 2 * 3600_000 })).valid).toBe(
      true,
    );
  });

  it('malformed JSON and a non-object fail well_formed / schema without throwing', async () => {
    const bad = await verify('{"version":', { keys: registry() });
    expect(bad.valid).toBe(false);
    expect(bad.failed[0]).toBe('well_formed');
    for (const v of [null, 42, [], 'x', { version: '1.0' }]) {
      const r = await verify(v, { keys: registry() });
      expect(r.valid).toBe(false);
    }
  });

  it('an expected bundle hash that differs fails bundle_hash_verified', async () => {
    const { bundle } = await packed();
    const r = await verify(bundle, {
      keys: registry(),
      now,
      expected: { bundle_hash: `sha256:${'0'.repeat(64)}` },
    });
    expect(r.failed).toEqual(['bundle_hash_verified']);
  });

  it('the bundle hash is over the canonical bytes without the signature', async () => {
    const { bundle } = await packed();
    const resigned: EvidenceBundle = { ...bundle, signature: { ...bundle.signature, value: 'AAAA' } };
    expect(bundleHash(resigned, sha)).toBe(bundleHash(bundle, sha));
  });

  it('registry files round-trip and refuse bad entries', () => {
    const keys = registry();
    const again = KeyRegistry.parse(JSON.stringify(keys.toJSON()));
    expect(again.get(KEY.keyId)?.publicKey).toEqual(KEY.publicKey);
    expect(() => KeyRegistry.parse('{"keys":[{}]}')).toThrow(/INVALID_KEY_REGISTRY/);
    expect(() => KeyRegistry.parse('nope')).toThrow(/MALFORMED_JSON/);
    const dup = { keys: [...keys.toJSON().keys, keys.toJSON().keys[0]!] };
    expect(() => KeyRegistry.parse(dup)).toThrow(/appears twice/);
    const short = { keys: [{ ...keys.toJSON().keys[0]!, public_key: 'AAAA' }] };
    expect(() => KeyRegistry.parse(short)).toThrow(/1952/);
  });
});
