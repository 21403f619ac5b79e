import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTemporalError } from '../src/errors.js';
import {
  approveRenewal,
  countApprovals,
  keyId,
  parseToken,
  type RenewalToken,
  tokenId,
} from '../src/renewal.js';
import { approverKeys } from './helpers.js';

const keys = approverKeys();
const approvers = {
  alg: 'ML-DSA-65' as const,
  keys: keys.map((k) => Buffer.from(k.publicKey).toString('base64')),
};
const token: RenewalToken = {
  type: 'qsafp/1.0 renewal-token',
  system_id: '0b7f8a7e-3c1d-4e5f-9a2b-1c2d3e4f5a6b',
  sequence: 3,
  nonce: Buffer.alloc(16, 7).toString('base64'),
  issued_at: '2030-01-01T00:00:00.000Z',
  expires_at: '2030-01-01T00:15:00.000Z',
  new_expiration: '2030-01-02T00:00:00.000Z',
};

describe('renewal tokens and approvals', () => {
  it('token id and approver id are SHA-256 over the RFC 8785 bytes and the raw key (known answer shape)', () => {
    expect(tokenId(token)).toMatch(/^[0-9a-f]{64}$/);
    // Member order does not matter: the id is over the canonical form.
    const reordered = Object.fromEntries(Object.entries(token).reverse()) as unknown as RenewalToken;
    expect(tokenId(reordered)).toBe(tokenId(token));
    expect(tokenId({ ...token, sequence: 4 })).not.toBe(tokenId(token));
    const a = approveRenewal(token, keys[0]);
    expect(a.token_id).toBe(tokenId(token));
    expect(a.approver).toBe(keyId(keys[0].publicKey));
    expect(countApprovals(token, [a, approveRenewal(token, keys[1])], approvers)).toBe(2);
  });

  it('parseToken refuses anything but a well-formed token with INVALID_ARGUMENT or INVALID_TIMESTAMP/SYSTEM_ID', () => {
    const bad: unknown[] = [
      null,
      [],
      'token',
      { ...token, type: 'other' },
      { ...token, extra: 1 },
      { ...token, sequence: 0 },
      { ...token, sequence: 1.5 },
      { ...token, sequence: '3' },
      { ...token, nonce: 'AAAA' },
      { ...token, nonce: Buffer.alloc(17).toString('base64') },
      { ...token, system_id: 'x' },
      { ...token, expires_at: 'soon' },
    ];
    for (const input of bad) {
      expect(() => parseToken(input)).toThrow(
        expect.objectContaining({
          code: expect.stringMatching(/^(INVALID_ARGUMENT|INVALID_SYSTEM_ID|INVALID_TIMESTAMP)$/),
        }),
      );
    }
    expect(() => approveRenewal({ ...token, sequence: -1 }, keys[0])).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    );
  });

  it('property: arbitrary approval lists only ever produce a TemporalError or a count of valid distinct approvals', () => {
    const good = keys.map((k) => approveRenewal(token, k));
    const approval = fc.oneof(
      fc.constantFrom(...good),
      fc.record({
        token_id: fc.oneof(fc.constant(tokenId(token)), fc.stringMatching(/^[0-9a-f]{64}$/), fc.string()),
        approver: fc.oneof(fc.constantFrom(...good.map((g) => g.approver)), fc.string()),
        signature: fc.oneof(fc.constantFrom(...good.map((g) => g.signature)), fc.base64String(), fc.string()),
      }),
      fc.anything(),
    );
    fc.assert(
      fc.property(fc.oneof(fc.array(approval, { maxLength: 4 }), fc.anything()), (list) => {
        try {
          const n = countApprovals(token, list, approvers);
          // Only genuine approvals, each key once, can be counted.
          expect(Array.isArray(list)).toBe(true);
          for (const a of list as unknown[]) expect(good).toContainEqual(a);
          expect(n).toBe((list as unknown[]).length);
        } catch (error) {
          expect(isTemporalError(error), String(error)).toBe(true);
        }
      }),
      { numRuns: 200 },
    );
  });
});
