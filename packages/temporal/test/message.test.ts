import { noble } from '@qsp/crypto-suite';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTemporalError } from '../src/errors.js';
import {
  MESSAGE_CONTEXT,
  OPERATIONS,
  parseMessage,
  type QsafpMessage,
  ReplayGuard,
  signedBytes,
  signMessage,
  verifyMessage,
} from '../src/message.js';
import { formatRfc3339, parseRfc3339 } from '../src/rfc3339.js';
import { approverKeys, mldsa } from './helpers.js';

const [controller, other] = approverKeys();
const T0 = Date.UTC(2030, 0, 1, 12);
const SYSTEM = '0b7f8a7e-3c1d-4e5f-9a2b-1c2d3e4f5a6b';

function signed(
  overrides: Partial<{ op: (typeof OPERATIONS)[number]; ts: number; exp: number; id: string }> = {},
) {
  return signMessage(
    {
      systemId: overrides.id ?? SYSTEM,
      operation: overrides.op ?? 'renew',
      timestampMs: overrides.ts ?? T0,
      expirationMs: overrides.exp ?? T0 + 60_000,
    },
    controller.secretKey,
    mldsa,
  );
}

const verifyOpts = { publicKey: controller.publicKey, alg: mldsa, now: T0 };

function refusedWith(code: string, fn: () => unknown): void {
  try {
    fn();
  } catch (error) {
    expect(isTemporalError(error), String(error)).toBe(true);
    expect((error as { code: string }).code).toBe(code);
    return;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

describe('RFC 3339 timestamps', () => {
  it('parses the forms RFC 3339 §5.6 allows (known answers)', () => {
    expect(parseRfc3339('2030-01-01T12:00:00Z')).toBe(T0);
    expect(parseRfc3339('2030-01-01t12:00:00z')).toBe(T0);
    expect(parseRfc3339('2030-01-01T13:30:00+01:30')).toBe(T0);
    expect(parseRfc3339('2030-01-01T10:00:00-02:00')).toBe(T0);
    expect(parseRfc3339('2030-01-01T12:00:00.5Z')).toBe(T0 + 500);
    expect(parseRfc3339('2030-01-01T12:00:00.123456789Z')).toBe(T0 + 123);
    expect(parseRfc3339('2028-02-29T00:00:00Z')).toBe(Date.UTC(2028, 1, 29));
    expect(parseRfc3339('0001-01-01T00:00:00Z')).toBe(-62_135_596_800_000);
    expect(formatRfc3339(T0 + 7)).toBe('2030-01-01T12:00:00.007Z');
  });

  it('refuses what is not RFC 3339 with INVALID_TIMESTAMP', () => {
    for (const bad of [
      '2030-01-01T12:00:00', // no offset
      '2030-01-01 12:00:00Z', // space separator (RFC 3339 allows it only in prose)
      '2030-1-01T12:00:00Z',
      '2030-02-30T00:00:00Z',
      '2029-02-29T00:00:00Z',
      '1900-02-29T00:00:00Z',
      '2030-13-01T00:00:00Z',
      '2030-01-01T24:00:00Z',
      '2030-01-01T12:60:00Z',
      '2030-01-01T23:59:60Z', // leap second: Date cannot hold it
      '2030-01-01T12:00:00+24:00',
      '2030-01-01T12:00:00.Z',
      '2030-01-01T12:00:00.1234567890Z',
      '+2030-01-01T12:00:00Z',
      '２０３０-01-01T12:00:00Z',
      ` 2030-01-01T12:00:00Z`,
      '2030-01-01T12:00:00Z\n',
      '',
      `2030-01-01T12:00:00.${'1'.repeat(40)}Z`,
      1_893_499_200_000,
      null,
    ]) {
      refusedWith('INVALID_TIMESTAMP', () => parseRfc3339(bad));
    }
  });

  it('property: format then parse is the identity on epoch ms', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 253_402_300_799_999 }), (ms) => {
        expect(parseRfc3339(formatRfc3339(ms))).toBe(ms);
      }),
    );
  });
});

describe('§1.1 messages', () => {
  it('sign then verify: the exact six fields, ML-DSA over the canonical form without the signature', () => {
    const m = signed();
    expect(Object.keys(m).sort()).toEqual([
      'expiration',
      'operation',
      'signature',
      'system_id',
      'timestamp',
      'version',
    ]);
    expect(m.version).toBe('1.0');
    expect(m.timestamp).toBe('2030-01-01T12:00:00.000Z');
    expect(new TextDecoder().decode(signedBytes(m))).toBe(
      `{"expiration":"2030-01-01T12:01:00.000Z","operation":"renew","system_id":"${SYSTEM}","timestamp":"2030-01-01T12:00:00.000Z","version":"1.0"}`,
    );
    // The signature is plain FIPS 204 ML-DSA with the documented context string.
    const sig = new Uint8Array(Buffer.from(m.signature, 'base64'));
    expect(sig.length).toBe(mldsa.signatureLength);
    expect(mldsa.verify(sig, signedBytes(m), controller.publicKey, { context: MESSAGE_CONTEXT })).toBe(true);
    expect(mldsa.verify(sig, signedBytes(m), controller.publicKey)).toBe(false);
    const v = verifyMessage(JSON.stringify(m), verifyOpts);
    expect(v.timestampMs).toBe(T0);
    expect(v.expirationMs).toBe(T0 + 60_000);
    // Bytes and objects are accepted too.
    expect(verifyMessage(new TextEncoder().encode(JSON.stringify(m)), verifyOpts).message).toEqual(m);
    expect(verifyMessage(m, verifyOpts).message).toEqual(m);
  });

  it('a message signed by the node:crypto-free noble engine verifies under ML-DSA-44 and -87 keys too', () => {
    for (const id of ['ML-DSA-44', 'ML-DSA-87'] as const) {
      const alg = noble.signature(id);
      const keys = alg.keygen();
      const m = signMessage(
        { systemId: SYSTEM, operation: 'status', timestampMs: T0, expirationMs: T0 + 1 },
        keys.secretKey,
        alg,
      );
      expect(verifyMessage(m, { publicKey: keys.publicKey, alg, now: T0 }).message).toEqual(m);
    }
  });

  it('refuses unsigned messages', () => {
    const { signature: _s, ...unsigned } = signed();
    refusedWith('UNSIGNED_MESSAGE', () => verifyMessage(unsigned, verifyOpts));
    refusedWith('UNSIGNED_MESSAGE', () => verifyMessage({ ...unsigned, signature: '' }, verifyOpts));
  });

  it('refuses a signature by another key, over other bytes, or in a non-canonical encoding', () => {
    const m = signed();
    refusedWith('BAD_SIGNATURE', () => verifyMessage(m, { ...verifyOpts, publicKey: other.publicKey }));
    const sig = Buffer.from(m.signature, 'base64');
    for (const at of [0, 1, sig.length >> 1, sig.length - 1]) {
      const flipped = Buffer.from(sig);
      flipped[at] = (flipped[at] ?? 0) ^ 1;
      refusedWith('BAD_SIGNATURE', () =>
        verifyMessage({ ...m, signature: flipped.toString('base64') }, verifyOpts),
      );
    }
    refusedWith('BAD_SIGNATURE', () =>
      verifyMessage({ ...m, signature: sig.subarray(1).toString('base64') }, verifyOpts),
    );
    refusedWith('BAD_SIGNATURE', () => verifyMessage({ ...m, signature: `${m.signature}AAAA` }, verifyOpts));
    refusedWith('BAD_SIGNATURE', () => verifyMessage({ ...m, signature: `${m.signature}=` }, verifyOpts));
    // Non-zero unused bits: two strings for one byte string would let a replay cache be dodged.
    refusedWith('BAD_SIGNATURE', () => verifyMessage({ ...m, signature: 'AB==' }, verifyOpts));
    refusedWith('BAD_SIGNATURE', () => verifyMessage({ ...m, signature: ` ${m.signature}` }, verifyOpts));
    refusedWith('BAD_SIGNATURE', () =>
      verifyMessage({ ...m, signature: `-${m.signature.slice(1)}` }, verifyOpts),
    );
    refusedWith('BAD_SIGNATURE', () => verifyMessage({ ...m, signature: 'A'.repeat(10_000) }, verifyOpts));
    // A key of the wrong length is a refusal, not a crash.
    refusedWith('BAD_SIGNATURE', () => verifyMessage(m, { ...verifyOpts, publicKey: new Uint8Array(7) }));
  });

  it('any change to a signed field breaks the signature (the signature covers all five)', () => {
    const m = signed();
    const changes: Partial<QsafpMessage>[] = [
      { system_id: '1b7f8a7e-3c1d-4e5f-9a2b-1c2d3e4f5a6b' },
      { operation: 'shutdown' },
      { operation: 'status' },
      { timestamp: '2030-01-01T12:00:00.001Z' },
      // Same instant, other spelling: the canonical form is the string that was signed.
      { timestamp: '2030-01-01T12:00:00Z' },
      { expiration: '2030-01-01T12:02:00.000Z' },
    ];
    for (const change of changes)
      refusedWith('BAD_SIGNATURE', () => verifyMessage({ ...m, ...change }, verifyOpts));
  });

  it('refuses expired, too old, from the future, and inverted messages', () => {
    refusedWith('MESSAGE_EXPIRED', () => verifyMessage(signed(), { ...verifyOpts, now: T0 + 60_000 }));
    refusedWith('MESSAGE_EXPIRED', () => verifyMessage(signed({ exp: T0 }), verifyOpts));
    refusedWith('MESSAGE_EXPIRED', () => verifyMessage(signed({ exp: T0 - 1 }), verifyOpts));
    refusedWith('MESSAGE_EXPIRED', () =>
      verifyMessage(signed({ ts: T0 - 300_001, exp: T0 + 1000 }), verifyOpts),
    );
    refusedWith('MESSAGE_FROM_FUTURE', () =>
      verifyMessage(signed({ ts: T0 + 60_001, exp: T0 + 120_000 }), verifyOpts),
    );
    expect(verifyMessage(signed({ ts: T0 + 60_000, exp: T0 + 120_000 }), verifyOpts).timestampMs).toBe(
      T0 + 60_000,
    );
  });

  it('refuses a replay (same system and timestamp) and anything older than the last accepted', () => {
    const guard = new ReplayGuard();
    const first = signed({ op: 'status' });
    guard.verify(first, verifyOpts);
    refusedWith('REPLAYED_MESSAGE', () => guard.verify(first, verifyOpts));
    // Re-signing the same timestamp (ML-DSA is randomised: other signature bytes) is still a replay.
    refusedWith('REPLAYED_MESSAGE', () => guard.verify(signed({ op: 'shutdown' }), verifyOpts));
    refusedWith('REPLAYED_MESSAGE', () => guard.verify(signed({ ts: T0 - 1 }), verifyOpts));
    expect(guard.verify(signed({ ts: T0 + 1 }), verifyOpts).timestampMs).toBe(T0 + 1);
    // Another system has its own history.
    guard.verify(signed({ id: '2b7f8a7e-3c1d-4e5f-9a2b-1c2d3e4f5a6b' }), verifyOpts);
    // A refused message does not move the mark.
    expect(() =>
      guard.verify({ ...signed({ ts: T0 + 5 }), signature: first.signature }, verifyOpts),
    ).toThrow();
    expect(guard.lastAccepted(SYSTEM)).toBe(T0 + 1);
  });

  it('refuses malformed messages with the documented codes', () => {
    const m = signed();
    refusedWith('UNSUPPORTED_VERSION', () => parseMessage({ ...m, version: '1.1' }));
    refusedWith('UNSUPPORTED_VERSION', () => parseMessage({ ...m, version: '1' }));
    refusedWith('MALFORMED_MESSAGE', () => parseMessage({ ...m, version: 1 }));
    refusedWith('UNKNOWN_OPERATION', () => parseMessage({ ...m, operation: 'extend' }));
    refusedWith('UNKNOWN_OPERATION', () => parseMessage({ ...m, operation: 'RENEW' }));
    refusedWith('UNKNOWN_OPERATION', () =>
      verifyMessage({ ...m }, { ...verifyOpts, operations: ['status'] }),
    );
    for (const id of [
      SYSTEM.toUpperCase(),
      '0b7f8a7e-3c1d-1e5f-9a2b-1c2d3e4f5a6b', // version 1
      '0b7f8a7e-3c1d-4e5f-7a2b-1c2d3e4f5a6b', // wrong variant
      '0b7f8a7e3c1d4e5f9a2b1c2d3e4f5a6b',
      `{${SYSTEM}}`,
      '',
    ]) {
      refusedWith('INVALID_SYSTEM_ID', () => parseMessage({ ...m, system_id: id }));
    }
    refusedWith('INVALID_TIMESTAMP', () => parseMessage({ ...m, timestamp: '2030-01-01T12:00:00' }));
    refusedWith('INVALID_TIMESTAMP', () => parseMessage({ ...m, expiration: 'tomorrow' }));
    refusedWith('MALFORMED_MESSAGE', () => parseMessage({ ...m, extra: 'x' }));
    refusedWith('MALFORMED_MESSAGE', () => parseMessage(`{"__proto__":{},${JSON.stringify(m).slice(1)}`));
    refusedWith('MALFORMED_MESSAGE', () => parseMessage({ ...m, signature: 42 }));
    refusedWith('MALFORMED_MESSAGE', () => parseMessage('not json'));
    refusedWith('MALFORMED_MESSAGE', () => parseMessage('[1,2]'));
    refusedWith('MALFORMED_MESSAGE', () => parseMessage('null'));
    refusedWith('MALFORMED_MESSAGE', () => parseMessage(new Uint8Array([0xff, 0xfe])));
    refusedWith('MALFORMED_MESSAGE', () => parseMessage(' '.repeat(20_000)));
    refusedWith('MALFORMED_MESSAGE', () => parseMessage(42));
    const { operation: _o, ...missing } = m;
    refusedWith('MALFORMED_MESSAGE', () => parseMessage(missing));
  });

  it('signMessage refuses to produce an invalid message', () => {
    const fields = { systemId: SYSTEM, operation: 'renew' as const, timestampMs: T0, expirationMs: T0 + 1 };
    refusedWith('UNKNOWN_OPERATION', () =>
      signMessage({ ...fields, operation: 'extend' as never }, controller.secretKey, mldsa),
    );
    refusedWith('INVALID_SYSTEM_ID', () =>
      signMessage({ ...fields, systemId: 'x' }, controller.secretKey, mldsa),
    );
    refusedWith('INVALID_TIMESTAMP', () =>
      signMessage({ ...fields, timestampMs: Number.NaN }, controller.secretKey, mldsa),
    );
  });

  it('property: arbitrary JSON and bytes only ever produce a TemporalError', () => {
    const m = signed();
    const mutated = fc.record(
      {
        version: fc.oneof(fc.constant('1.0'), fc.string()),
        system_id: fc.oneof(fc.constant(SYSTEM), fc.uuid(), fc.string()),
        operation: fc.oneof(fc.constantFrom(...OPERATIONS), fc.string()),
        timestamp: fc.oneof(
          fc.constant(m.timestamp),
          fc.string(),
          fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        ),
        expiration: fc.oneof(fc.constant(m.expiration), fc.string()),
        signature: fc.oneof(fc.constant(m.signature), fc.base64String(), fc.string()),
        extra: fc.jsonValue(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.oneof(mutated, fc.jsonValue(), fc.uint8Array({ maxLength: 200 }), fc.string()),
        (input) => {
          try {
            verifyMessage(input, verifyOpts);
          } catch (error) {
            expect(isTemporalError(error), String(error)).toBe(true);
            return;
          }
          // Only the untouched original can pass.
          expect(input).toEqual(m);
        },
      ),
      { numRuns: 300 },
    );
  });
});
