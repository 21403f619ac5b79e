import { type KeyPair, noble } from '@qsp/crypto-suite';
import type { LeaseRecord } from '../src/lease.js';
import { createRecord } from '../src/transitions.js';
import { newSystemId } from '../src/uuid.js';

export const mldsa = noble.signature('ML-DSA-65');

let cached: KeyPair[] | undefined;
/** Three approver keys, made once per test file (keygen is the slow part). */
export function approverKeys(): [KeyPair, KeyPair, KeyPair] {
  cached ??= [mldsa.keygen(), mldsa.keygen(), mldsa.keygen()];
  return cached as [KeyPair, KeyPair, KeyPair];
}

export const SHORT = {
  initial_period: 60,
  warning_phase: 20,
  grace_period: 10,
  maximum_extension: 60,
} as const;

export function sampleRecord(now = Date.UTC(2030, 0, 1), systemId = newSystemId()): LeaseRecord {
  return createRecord(
    {
      systemId,
      policy: SHORT,
      approvers: { alg: 'ML-DSA-65', threshold: 2, publicKeys: approverKeys().map((k) => k.publicKey) },
    },
    now,
    noble,
  );
}
