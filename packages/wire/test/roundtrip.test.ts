import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeClose,
  decodeFrame,
  decodeRekey,
  encodeClose,
  encodeFrame,
  encodeHeader,
  encodeRekey,
  HEADER_LENGTH,
  MAX_CLOSE_MESSAGE_BYTES,
  nonce,
  RekeyKind,
} from '../src/index.js';
import { closeReasonArb, frameArb, u32Arb } from './arbitraries.js';

describe('frame round trip', () => {
  it('decode(encode(f)) == f for every type and field range', () => {
    fc.assert(
      fc.property(frameArb(), (frame) => {
        const bytes = encodeFrame(frame);
        expect(bytes.length).toBe(HEADER_LENGTH + frame.payload.length);
        const decoded = decodeFrame(bytes);
        expect({ ...decoded, header: undefined }).toEqual({ ...frame, header: undefined });
        expect(decoded.header).toEqual(encodeHeader(frame, frame.payload.length));
      }),
      { numRuns: 2000 },
    );
  });

  it('encode(decode(b)) == b for every valid frame', () => {
    fc.assert(
      fc.property(frameArb(), (frame) => {
        const bytes = encodeFrame(frame);
        expect(encodeFrame(decodeFrame(bytes))).toEqual(bytes);
      }),
    );
  });

  it('decoded header and payload are views into the input (no copy)', () => {
    fc.assert(
      fc.property(frameArb(), (frame) => {
        const bytes = encodeFrame(frame);
        const decoded = decodeFrame(bytes);
        expect(decoded.payload.buffer).toBe(bytes.buffer);
        expect(decoded.header.buffer).toBe(bytes.buffer);
      }),
      { numRuns: 50 },
    );
  });
});

describe('nonce', () => {
  it('is injective over (epoch, seq)', () => {
    fc.assert(
      fc.property(u32Arb, u32Arb, u32Arb, u32Arb, (e1, s1, e2, s2) => {
        const same = Buffer.from(nonce(e1, s1)).equals(Buffer.from(nonce(e2, s2)));
        expect(same).toBe(e1 === e2 && s1 === s2);
      }),
    );
  });
});

describe('control payload round trip', () => {
  it('REKEY', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(RekeyKind.INIT, RekeyKind.ACK),
        u32Arb,
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        (kind, newEpoch, value) => {
          expect(decodeRekey(encodeRekey({ kind, newEpoch, value }))).toEqual({ kind, newEpoch, value });
        },
      ),
    );
  });

  it('CLOSE', () => {
    const message = fc
      .string({ unit: 'grapheme', maxLength: 64 })
      .filter((s) => new TextEncoder().encode(s).length <= MAX_CLOSE_MESSAGE_BYTES);
    fc.assert(
      fc.property(closeReasonArb, message, (reason, text) => {
        expect(decodeClose(encodeClose({ reason, message: text }))).toEqual({ reason, message: text });
      }),
    );
  });
});
