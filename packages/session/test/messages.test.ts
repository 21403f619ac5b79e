import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ClientFinished,
  type ClientHello,
  decodeClientFinished,
  decodeClientHello,
  decodeServerHello,
  encodeClientFinished,
  encodeClientHello,
  encodeServerHello,
  isSessionError,
  type ServerHello,
} from '../src/index.js';

const bytes = (min: number, max: number) => fc.uint8Array({ minLength: min, maxLength: max });
const keyId = fc.option(
  fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 40 })
    .filter((s) => new TextEncoder().encode(s).length <= 255),
  { nil: undefined },
);

const clientHello: fc.Arbitrary<ClientHello> = fc.record({
  version: fc.constant(0x0100),
  random: bytes(32, 32),
  suites: fc.uniqueArray(fc.integer({ min: 0, max: 0xffff }), { minLength: 1, maxLength: 32 }),
  keyShares: fc.uniqueArray(
    fc.record({ group: fc.integer({ min: 0, max: 0xffff }), publicKey: bytes(1, 64) }),
    {
      minLength: 1,
      maxLength: 8,
      selector: (k) => k.group,
    },
  ),
  qkdKeyId: keyId,
});

const serverHello: fc.Arbitrary<ServerHello> = fc.record({
  version: fc.constant(0x0100),
  random: bytes(32, 32),
  sessionId: fc.bigInt({ min: 1n, max: 2n ** 64n - 1n }),
  suite: fc.integer({ min: 0, max: 0xffff }),
  group: fc.integer({ min: 0, max: 0xffff }),
  ciphertext: bytes(1, 64),
  qkdKeyId: keyId,
  clientAuthRequested: fc.boolean(),
  publicKey: bytes(1, 64),
  signature: bytes(1, 64),
  finished: bytes(32, 64),
});

const clientFinished: fc.Arbitrary<ClientFinished> = fc.record({
  identity: fc.option(fc.record({ publicKey: bytes(1, 64), signature: bytes(1, 64) }), { nil: undefined }),
  finished: bytes(32, 64),
});

function refusesEveryPrefix(encoded: Uint8Array, decode: (b: Uint8Array) => unknown): void {
  for (let n = 0; n < encoded.length; n++) {
    expect(() => decode(encoded.subarray(0, n))).toThrow(
      expect.objectContaining({ code: 'MALFORMED_HANDSHAKE' }) as unknown as Error,
    );
  }
  const longer = new Uint8Array(encoded.length + 1);
  longer.set(encoded);
  expect(() => decode(longer)).toThrow(/trailing/);
}

describe('handshake message codecs', () => {
  it('ClientHello round-trips and refuses truncation and trailing bytes', () => {
    fc.assert(
      fc.property(clientHello, (ch) => {
        const enc = encodeClientHello(ch);
        expect(decodeClientHello(enc)).toEqual(ch);
        expect(encodeClientHello(decodeClientHello(enc))).toEqual(enc);
        refusesEveryPrefix(enc, decodeClientHello);
      }),
      { numRuns: 40 },
    );
  });

  it('ServerHello round-trips with the transcript cut points', () => {
    fc.assert(
      fc.property(serverHello, (sh) => {
        const enc = encodeServerHello(sh);
        const dec = decodeServerHello(enc);
        const { signedEnd, finishedEnd, ...fields } = dec;
        expect(fields).toEqual(sh);
        expect(finishedEnd).toBe(enc.length - 1 - sh.finished.length);
        expect(signedEnd).toBe(finishedEnd - 2 - sh.signature.length);
        refusesEveryPrefix(enc, decodeServerHello);
      }),
      { numRuns: 40 },
    );
  });

  it('ClientFinished round-trips', () => {
    fc.assert(
      fc.property(clientFinished, (cf) => {
        const enc = encodeClientFinished(cf);
        const { signedEnd, finishedEnd, ...fields } = decodeClientFinished(enc);
        expect(fields).toEqual(cf);
        expect(finishedEnd).toBe(enc.length - 1 - cf.finished.length);
        expect(signedEnd).toBeLessThanOrEqual(finishedEnd);
        refusesEveryPrefix(enc, decodeClientFinished);
      }),
      { numRuns: 40 },
    );
  });

  it('lays a ClientHello out byte by byte', () => {
    const enc = encodeClientHello({
      version: 0x0100,
      random: new Uint8Array(32).fill(0xaa),
      suites: [0x0102, 0x0304],
      keyShares: [{ group: 1, publicKey: Uint8Array.of(9, 8, 7) }],
      qkdKeyId: 'k1',
    });
    const hex = Buffer.from(enc).toString('hex');
    expect(hex).toBe(
      `01` +
        `0100` +
        'aa'.repeat(32) +
        `02` +
        `0102` +
        `0304` +
        `01` +
        `0001` +
        `0003` +
        `090807` +
        `02` +
        `6b31`,
    );
  });

  it('refuses arbitrary bytes with a typed error, never anything else', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.integer({ min: 1, max: 3 }), (raw, type) => {
        const input = Uint8Array.of(type, ...raw);
        for (const decode of [decodeClientHello, decodeServerHello, decodeClientFinished]) {
          try {
            decode(input);
          } catch (e) {
            expect(isSessionError(e, 'MALFORMED_HANDSHAKE')).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('refuses unknown versions, duplicate suites and duplicate shares', () => {
    const base = {
      version: 0x0100,
      random: new Uint8Array(32),
      suites: [1],
      keyShares: [{ group: 1, publicKey: Uint8Array.of(1) }],
      qkdKeyId: undefined,
    };
    const enc = encodeClientHello(base);
    const v2 = enc.slice();
    v2[1] = 2;
    expect(() => decodeClientHello(v2)).toThrow(/version/);
    expect(() => decodeClientHello(encodeClientHello({ ...base, suites: [1, 1] }))).toThrow(/twice/);
    expect(() =>
      decodeClientHello(
        encodeClientHello({
          ...base,
          keyShares: [
            { group: 1, publicKey: Uint8Array.of(1) },
            { group: 1, publicKey: Uint8Array.of(2) },
          ],
        }),
      ),
    ).toThrow(/two key shares/);
  });
});
