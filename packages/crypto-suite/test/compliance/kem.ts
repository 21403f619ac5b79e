import { describe, expect, it } from 'vitest';
import { constantTimeEqual, type Kem } from '../../src/index.js';
import { bytes, expectCode, flip } from '../helpers.js';

export function kemCompliance(kem: Kem): void {
  describe(`${kem.id} compliance`, () => {
    const kp = kem.keygen();

    it('produces keys and ciphertexts of the declared sizes and agrees on the secret', () => {
      expect(kp.publicKey.length).toBe(kem.publicKeyLength);
      expect(kp.secretKey.length).toBe(kem.secretKeyLength);
      const enc = kem.encapsulate(kp.publicKey);
      expect(enc.ciphertext.length).toBe(kem.ciphertextLength);
      expect(enc.sharedSecret.length).toBe(kem.sharedSecretLength);
      expect(kem.decapsulate(enc.ciphertext, kp.secretKey)).toEqual(enc.sharedSecret);
    });

    it('gives fresh keys and secrets each time without a seed', () => {
      const other = kem.keygen();
      expect(constantTimeEqual(other.publicKey, kp.publicKey)).toBe(false);
      const a = kem.encapsulate(kp.publicKey);
      const b = kem.encapsulate(kp.publicKey);
      expect(constantTimeEqual(a.sharedSecret, b.sharedSecret)).toBe(false);
    });

    it('implicitly rejects a modified ciphertext with an unrelated secret', () => {
      const enc = kem.encapsulate(kp.publicKey);
      for (const i of [0, kem.ciphertextLength - 1]) {
        const ss = kem.decapsulate(flip(enc.ciphertext, i), kp.secretKey);
        expect(ss.length).toBe(kem.sharedSecretLength);
        expect(constantTimeEqual(ss, enc.sharedSecret)).toBe(false);
      }
    });

    it('decapsulating with another key gives an unrelated secret', () => {
      const enc = kem.encapsulate(kp.publicKey);
      const other = kem.keygen();
      expect(constantTimeEqual(kem.decapsulate(enc.ciphertext, other.secretKey), enc.sharedSecret)).toBe(
        false,
      );
    });

    it('refuses wrong lengths with typed errors', () => {
      const enc = kem.encapsulate(kp.publicKey);
      expectCode(() => kem.encapsulate(kp.publicKey.subarray(1)), 'INVALID_KEY_LENGTH');
      expectCode(() => kem.encapsulate(bytes(kem.publicKeyLength + 1)), 'INVALID_KEY_LENGTH');
      expectCode(() => kem.decapsulate(enc.ciphertext.subarray(1), kp.secretKey), 'INVALID_CIPHERTEXT');
      expectCode(() => kem.decapsulate(bytes(0), kp.secretKey), 'INVALID_CIPHERTEXT');
      expectCode(() => kem.decapsulate(enc.ciphertext, kp.secretKey.subarray(1)), 'INVALID_KEY_LENGTH');
      expectCode(() => kem.keygen(bytes(5)), 'INVALID_SEED_LENGTH');
    });

    it('sees a wiped secret key as a different (or invalid) key, never the cached one', () => {
      const fresh = kem.keygen();
      const enc = kem.encapsulate(fresh.publicKey);
      expect(kem.decapsulate(enc.ciphertext, fresh.secretKey)).toEqual(enc.sharedSecret);
      fresh.secretKey.fill(0);
      let recovered: Uint8Array | undefined;
      try {
        recovered = kem.decapsulate(enc.ciphertext, fresh.secretKey);
      } catch {
        recovered = undefined;
      }
      if (recovered !== undefined) expect(constantTimeEqual(recovered, enc.sharedSecret)).toBe(false);
    });
  });
}
