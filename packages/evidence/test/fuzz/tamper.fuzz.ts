// Exhaustive tamper scan (a separate script, not part of `pnpm test`: about
// 50,000 verifications). Flips every bit of every byte of a packed bundle
// file and fails if any flipped file verifies.
// Run: pnpm fuzz   (QSP_FUZZ_STRIDE=n checks every n-th byte only)
import { pack, verify } from '../../src/index.js';
import { artifacts, JOB, PACKAGED_AT, registry, SIGNER } from '../fixtures.js';

const stride = Number(process.env.QSP_FUZZ_STRIDE ?? 1);
const packed = await pack(JOB, artifacts(), SIGNER, { now: () => PACKAGED_AT });
const keys = registry();
const now = new Date('2026-06-01T00:00:00Z');
const failedBy = new Map<string, number>();
let flips = 0;
const started = performance.now();
for (let i = 0; i < packed.bytes.length; i += stride) {
  for (let bit = 0; bit < 8; bit++) {
    const b = packed.bytes.slice();
    b[i]! ^= 1 << bit;
    const r = await verify(b, { keys, now });
    flips++;
    if (r.valid || r.failed.length === 0) {
      console.error(JSON.stringify({ accepted: true, byte: i, bit }));
      process.exit(1);
    }
    const first = r.failed[0]!;
    failedBy.set(first, (failedBy.get(first) ?? 0) + 1);
  }
}
console.log(
  JSON.stringify({
    file_bytes: packed.bytes.length,
    flips,
    accepted: 0,
    first_failed_check: Object.fromEntries(failedBy),
    seconds: Math.round((performance.now() - started) / 1000),
  }),
);
