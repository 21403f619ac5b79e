// Long property runs over every input that crosses a trust boundary
// (`pnpm fuzz`; QSP_FUZZ_RUNS sets the runs per property). The default test
// suite runs the same shapes briefly.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KmeNetwork } from '../../src/etsi014/kme-core.js';
import { parseKeyContainer, parseStatus } from '../../src/etsi014/messages.js';
import { type Engine, isCryptoError, noble } from '../../src/index.js';
import { auto, node } from '../../src/node.js';
import { AEAD_IDS, KEM_IDS } from '../../src/params.js';

const numRuns = Number(process.env.QSP_FUZZ_RUNS ?? 20_000);
const onlyCryptoErrors = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    expect(isCryptoError(e), String(e)).toBe(true);
  }
};

describe.each([noble, node, auto] as Engine[])('engine $name', (engine) => {
  it('AEAD open of arbitrary or mutated input: the plaintext or AEAD_OPEN_FAILED, nothing else', () => {
    for (const id of AEAD_IDS) {
      const aead = engine.aead(id);
      const key = new Uint8Array(32).fill(1);
      const nonce = new Uint8Array(12).fill(2);
      const pt = new Uint8Array(40).fill(3);
      const sealed = aead.seal(key, nonce, pt);
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 80 }), fc.nat(), fc.nat(255), (junk, at, x) => {
          const mutated = Uint8Array.from(sealed);
          const i = at % mutated.length;
          mutated[i] = mutated[i]! ^ (x || 1);
          for (const input of [junk, mutated]) {
            try {
              aead.open(key, nonce, input);
              expect.unreachable('a forged ciphertext opened');
            } catch (e) {
              expect(isCryptoError(e, 'AEAD_OPEN_FAILED') || isCryptoError(e, 'INVALID_CIPHERTEXT')).toBe(
                true,
              );
            }
          }
        }),
        { numRuns: Math.ceil(numRuns / 10) },
      );
    }
  });

  it('KEM decapsulation of arbitrary ciphertexts and keys fails only with typed errors', () => {
    for (const id of KEM_IDS.filter((k) => engine.supports(k))) {
      const kem = engine.kem(id);
      const kp = kem.keygen(new Uint8Array(id === 'X-Wing' ? 32 : 64));
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: kem.ciphertextLength, maxLength: kem.ciphertextLength }),
          (ct) => {
            expect(kem.decapsulate(ct, kp.secretKey).length).toBe(32);
          },
        ),
        { numRuns: Math.ceil(numRuns / 200) },
      );
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 64 }), (junk) => {
          onlyCryptoErrors(() => kem.decapsulate(junk, kp.secretKey));
          onlyCryptoErrors(() => kem.encapsulate(junk));
        }),
        { numRuns: Math.ceil(numRuns / 20) },
      );
    }
  });
});

describe('ETSI 014', () => {
  it('status and key-container parsers: typed errors only', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.integer({ min: 1, max: 4 }), (body, count) => {
        onlyCryptoErrors(() => parseStatus(body));
        onlyCryptoErrors(() => parseKeyContainer(body, { count, minBits: 128 }));
        onlyCryptoErrors(() => parseKeyContainer({ keys: body }, { count, sizeBits: 256, minBits: 128 }));
      }),
      { numRuns },
    );
  });

  it('KME simulator core answers any request with an HTTP status, never a throw', () => {
    const kme = new KmeNetwork();
    fc.assert(
      fc.property(
        fc.constantFrom('sae-a', 'sae-b'),
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'),
        fc.oneof(
          fc.string(),
          fc.constantFrom('status', 'enc_keys', 'dec_keys').map((op) => `/api/v1/keys/sae-b/${op}`),
          fc.constantFrom('status', 'enc_keys', 'dec_keys').map((op) => `/api/v1/keys/sae-a/${op}`),
        ),
        fc.option(
          fc.oneof(
            fc.string(),
            fc.jsonValue().map((v) => JSON.stringify(v)),
          ),
        ),
        fc.dictionary(fc.constantFrom('number', 'size', 'key_ID'), fc.string()),
        (localSae, method, pathname, body, query) => {
          const r = kme.handle({
            localSae,
            method,
            pathname,
            query: new URLSearchParams(query),
            body: body ?? undefined,
          });
          expect([200, 400, 404, 405, 503]).toContain(r.status);
        },
      ),
      { numRuns },
    );
  });
});
