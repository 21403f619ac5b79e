import { describe, expect, it } from 'vitest';
import type { Signature } from '../../src/index.js';
import { bytes, expectCode, flip, utf8 } from '../helpers.js';

export function signatureCompliance(sig: Signature): void {
  describe(`${sig.id} compliance`, () => {
    const kp = sig.keygen();
    const msg = utf8('attack at dawn');
    const context = utf8('qsp1 test');

    it('signs and verifies, with sizes as declared', () => {
      expect(kp.publicKey.length).toBe(sig.publicKeyLength);
      expect(kp.secretKey.length).toBe(sig.secretKeyLength);
      const s = sig.sign(msg, kp.secretKey, { context });
      expect(s.length).toBe(sig.signatureLength);
      expect(sig.verify(s, msg, kp.publicKey, { context })).toBe(true);
    });

    it('binds message, context and key: any change verifies false', () => {
      const s = sig.sign(msg, kp.secretKey, { context });
      expect(sig.verify(s, flip(msg, 0), kp.publicKey, { context })).toBe(false);
      expect(sig.verify(s, msg, kp.publicKey)).toBe(false);
      expect(sig.verify(s, msg, kp.publicKey, { context: utf8('qsp1 other') })).toBe(false);
      expect(sig.verify(flip(s, 0), msg, kp.publicKey, { context })).toBe(false);
      expect(sig.verify(flip(s, s.length - 1), msg, kp.publicKey, { context })).toBe(false);
      expect(sig.verify(s, msg, sig.keygen().publicKey, { context })).toBe(false);
    });

    it('returns false, not an exception, for signatures of the wrong length or garbage', () => {
      const s = sig.sign(msg, kp.secretKey);
      expect(sig.verify(s.subarray(1), msg, kp.publicKey)).toBe(false);
      expect(sig.verify(new Uint8Array(0), msg, kp.publicKey)).toBe(false);
      expect(sig.verify(bytes(sig.signatureLength, 0xff), msg, kp.publicKey)).toBe(false);
    });

    it('refuses malformed keys and options with typed errors', () => {
      expectCode(() => sig.sign(msg, kp.secretKey.subarray(1)), 'INVALID_KEY_LENGTH');
      expectCode(
        () => sig.verify(bytes(sig.signatureLength), msg, kp.publicKey.subarray(1)),
        'INVALID_KEY_LENGTH',
      );
      expectCode(() => sig.sign(msg, kp.secretKey, { context: bytes(256) }), 'INVALID_SIGNING_OPTION');
      expectCode(
        () => sig.verify(bytes(1), msg, kp.publicKey, { context: bytes(256) }),
        'INVALID_SIGNING_OPTION',
      );
      expectCode(() => sig.sign(msg, kp.secretKey, { extraEntropy: bytes(31) }), 'INVALID_SIGNING_OPTION');
      expectCode(() => sig.keygen(bytes(31)), 'INVALID_SEED_LENGTH');
    });

    it('accepts a 255-byte context', () => {
      const s = sig.sign(msg, kp.secretKey, { context: bytes(255, 1) });
      expect(sig.verify(s, msg, kp.publicKey, { context: bytes(255, 1) })).toBe(true);
    });
  });
}
