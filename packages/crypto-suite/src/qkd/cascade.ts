import type { SimRandom } from './random.js';

export interface ReconcileResult {
  /** Bob's key after correction (a new array). */
  readonly corrected: Uint8Array;
  /** Parity bits Alice disclosed on the public channel; privacy amplification must remove them. */
  readonly leakedBits: number;
  readonly errorsCorrected: number;
}

/**
 * Cascade information reconciliation (Brassard–Salvail 1993): passes over
 * publicly shuffled blocks of doubling size; a block whose parities differ is
 * bisected (BINARY) to find one error, and each correction re-opens the
 * blocks of earlier passes that contain the flipped bit. Every parity Alice
 * discloses is counted as leaked.
 */
export function cascade(
  alice: Uint8Array,
  bob: Uint8Array,
  qber: number,
  random: SimRandom,
  passes = 4,
): ReconcileResult {
  const n = alice.length;
  const fixed = Uint8Array.from(bob);
  let leakedBits = 0;
  let errorsCorrected = 0;
  const k1 = Math.max(4, Math.ceil(0.73 / Math.max(qber, 0.005)));

  interface Pass {
    readonly order: Uint32Array;
    readonly size: number;
    /** For each key position, its index within `order`. */
    readonly where: Uint32Array;
  }
  const done: Pass[] = [];

  const parity = (key: Uint8Array, order: Uint32Array, from: number, to: number): number => {
    let p = 0;
    for (let i = from; i < to; i++) p ^= key[order[i]!]!;
    return p;
  };

  /** BINARY on order[from, to), known to hold an odd number of errors; returns the position fixed. */
  const binary = (pass: Pass, from: number, to: number): number => {
    let lo = from;
    let hi = to;
    while (hi - lo > 1) {
      const mid = (lo + hi) >>> 1;
      leakedBits++;
      if (parity(alice, pass.order, lo, mid) !== parity(fixed, pass.order, lo, mid)) hi = mid;
      else lo = mid;
    }
    const pos = pass.order[lo]!;
    fixed[pos] = fixed[pos]! ^ 1;
    errorsCorrected++;
    return pos;
  };

  const blockOf = (pass: Pass, pos: number): [number, number] => {
    const at = pass.where[pos]!;
    const from = at - (at % pass.size);
    return [from, Math.min(from + pass.size, n)];
  };

  for (let p = 0; p < passes; p++) {
    const order = p === 0 ? Uint32Array.from({ length: n }, (_, i) => i) : random.permutation(n);
    const where = new Uint32Array(n);
    for (let i = 0; i < n; i++) where[order[i]!] = i;
    const pass: Pass = { order, size: k1 * 2 ** p, where };
    done.push(pass);
    for (let from = 0; from < n; from += pass.size) {
      const to = Math.min(from + pass.size, n);
      leakedBits++;
      if (parity(alice, order, from, to) === parity(fixed, order, from, to)) continue;
      // Cascade: a correction flips the parity of one block in every earlier pass.
      const queue = [binary(pass, from, to)];
      while (queue.length > 0) {
        const pos = queue.pop()!;
        for (const earlier of done) {
          const [bFrom, bTo] = blockOf(earlier, pos);
          // Alice's parity of this block was disclosed already; comparing again leaks nothing new.
          if (parity(alice, earlier.order, bFrom, bTo) !== parity(fixed, earlier.order, bFrom, bTo)) {
            queue.push(binary(earlier, bFrom, bTo));
          }
        }
      }
    }
  }
  return { corrected: fixed, leakedBits, errorsCorrected };
}
