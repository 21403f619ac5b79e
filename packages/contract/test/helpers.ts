import { readFileSync } from 'node:fs';
import { noble } from '@qsp/crypto-suite';
import type { InputLayer, Signer, TrustedKey } from '../src/index.js';

export const fixture = (name: string) => new URL(`./fixtures/${name}`, import.meta.url);
export const readFixture = (name: string) => readFileSync(fixture(name));

const cache = new Map<string, Signer>();
/** A deterministic ML-DSA key pair per label, so failures reproduce. */
export function signer(label: string, algorithm: Signer['algorithm'] = 'ML-DSA-44'): Signer {
  const id = `${algorithm}/${label}`;
  let s = cache.get(id);
  if (!s) {
    const seed = noble.hash('SHA-256').digest(new TextEncoder().encode(id));
    const pair = noble.signature(algorithm).keygen(seed);
    s = { algorithm, publicKey: pair.publicKey, secretKey: pair.secretKey };
    cache.set(id, s);
  }
  return s;
}

export const trusted = (s: Signer): TrustedKey => ({ algorithm: s.algorithm, publicKey: s.publicKey });

export function sampleInput(overrides: Partial<InputLayer> = {}): InputLayer {
  return {
    session_id: 'qsp-session-0001',
    subject: 'QSP session between alice and bob',
    policy: { policy_id: 'qsp-product-policy-v1', fail_closed_required: true },
    evidence: {
      integrity: { transcript_sha256: 'ab'.repeat(32) },
      execution: { epochs: 3, closed_cleanly: true },
      identity: { peer_key_fingerprint: 'cd'.repeat(32) },
      time: { started_at: '2026-11-23T09:00:00.000Z', ended_at: '2026-11-23T09:05:00.000Z' },
    },
    ...overrides,
  };
}

export const NOW = new Date('2026-11-23T09:10:00.000Z');
