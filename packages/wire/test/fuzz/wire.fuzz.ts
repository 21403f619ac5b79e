// Long fuzz run, outside the default test suite: `pnpm --filter @qsp/wire fuzz`.
// Feeds random and mutated inputs to every decoder and counts any exception
// that is not a WireError. Exit code 1 if there is one.
//   QSP_FUZZ_CASES (default 1,000,000), QSP_FUZZ_SEED (default: time-based, printed)
import fc from 'fast-check';
import {
  decodeClose,
  decodeFrame,
  decodeRekey,
  encodeFrame,
  FrameDecoder,
  WireError,
} from '../../src/index.js';
import { frameArb } from '../arbitraries.js';

const cases = Number(process.env.QSP_FUZZ_CASES ?? 1_000_000);
const seed = Number(process.env.QSP_FUZZ_SEED ?? Date.now() % 2 ** 31);

let state = seed >>> 0 || 1;
function rand(n: number): number {
  // xorshift32: fast, reproducible from the printed seed
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) % n;
}

const corpus = fc
  .sample(fc.array(frameArb(96), { minLength: 1, maxLength: 4 }), { numRuns: 512, seed })
  .map((fs) => {
    const parts = fs.map((f) => encodeFrame(f));
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  });

function input(): Uint8Array {
  const kind = rand(4);
  if (kind === 0) {
    const bytes = new Uint8Array(rand(128));
    for (let i = 0; i < bytes.length; i++) bytes[i] = rand(256);
    return bytes;
  }
  const bytes = corpus[rand(corpus.length)]!.slice();
  const edits = 1 + rand(4);
  for (let e = 0; e < edits; e++) {
    const op = rand(3);
    if (op === 0 && bytes.length > 0) bytes[rand(bytes.length)] = rand(256);
    else if (op === 1 && bytes.length > 0) bytes[rand(bytes.length)]! ^= 1 << rand(8);
    else return bytes.subarray(0, rand(bytes.length + 1));
  }
  return bytes;
}

let failures = 0;
const codes = new Map<string, number>();
function attempt(fn: () => unknown): void {
  try {
    fn();
    codes.set('ok', (codes.get('ok') ?? 0) + 1);
  } catch (error) {
    if (error instanceof WireError) codes.set(error.code, (codes.get(error.code) ?? 0) + 1);
    else {
      failures++;
      if (failures <= 5) console.error('non-WireError exception:', error);
    }
  }
}

const started = performance.now();
for (let i = 0; i < cases; i++) {
  const bytes = input();
  switch (i % 4) {
    case 0:
      attempt(() => decodeFrame(bytes));
      break;
    case 1:
      attempt(() => {
        const decoder = new FrameDecoder({ maxPayload: 256 });
        let offset = 0;
        while (offset < bytes.length) {
          const n = 1 + rand(bytes.length - offset);
          decoder.push(bytes.subarray(offset, offset + n));
          offset += n;
        }
        decoder.end();
      });
      break;
    case 2:
      attempt(() => decodeRekey(bytes.subarray(rand(8))));
      break;
    default:
      attempt(() => decodeClose(bytes.subarray(rand(24))));
  }
}
const seconds = (performance.now() - started) / 1000;
console.log(
  JSON.stringify(
    {
      cases,
      seed,
      seconds: Math.round(seconds * 10) / 10,
      non_wire_error_exceptions: failures,
      outcomes: Object.fromEntries(codes),
    },
    null,
    2,
  ),
);
process.exit(failures === 0 ? 0 : 1);
