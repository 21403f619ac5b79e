import { describe, expect, it } from 'vitest';
import { type Engine, noble } from '../src/index.js';
import { auto, node } from '../src/node.js';
import { AEAD_IDS, HASH_IDS, KDF_IDS, KEM_IDS, SIGNATURE_IDS } from '../src/params.js';
import { aeadCompliance } from './compliance/aead.js';
import { hashCompliance, kdfCompliance } from './compliance/hash.js';
import { kemCompliance } from './compliance/kem.js';
import { signatureCompliance } from './compliance/signature.js';
import { expectCode } from './helpers.js';

// One suite, every engine (the libp2p interface-compliance shape).
for (const engine of [noble, node, auto] as Engine[]) {
  describe(`engine ${engine.name}`, () => {
    for (const id of HASH_IDS) hashCompliance(engine.hash(id));
    for (const id of KDF_IDS) kdfCompliance(engine.kdf(id));
    for (const id of AEAD_IDS) aeadCompliance(engine.aead(id));
    for (const id of KEM_IDS) {
      if (engine.supports(id)) kemCompliance(engine.kem(id));
      else {
        it(`${id}: not on this runtime, and says so with a typed error`, () => {
          console.info(`engine ${engine.name}: ${id} not provided on Node ${process.version}`);
          expectCode(() => engine.kem(id), 'UNSUPPORTED_ALGORITHM');
        });
      }
    }
    for (const id of SIGNATURE_IDS) {
      if (engine.supports(id)) signatureCompliance(engine.signature(id));
      else {
        it(`${id}: not on this runtime, and says so with a typed error`, () => {
          console.info(`engine ${engine.name}: ${id} not provided on Node ${process.version}`);
          expectCode(() => engine.signature(id), 'UNSUPPORTED_ALGORITHM');
        });
      }
    }
    it('refuses unknown algorithm ids and kind mix-ups', () => {
      expect(engine.supports('MD5' as never)).toBe(false);
      expectCode(() => engine.hash('MD5' as never), 'UNSUPPORTED_ALGORITHM');
      expectCode(() => engine.aead('SHA-256' as never), 'UNSUPPORTED_ALGORITHM');
    });
  });
}

describe('engine coverage', () => {
  it('noble and auto provide every algorithm on every runtime', () => {
    for (const id of [...HASH_IDS, ...KDF_IDS, ...AEAD_IDS, ...KEM_IDS, ...SIGNATURE_IDS]) {
      expect(noble.supports(id), id).toBe(true);
      expect(auto.supports(id), id).toBe(true);
    }
  });
});
