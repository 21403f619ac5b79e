/**
 * Privacy amplification by a random Toeplitz matrix, a 2-universal hash
 * family (Krawczyk 1994), as QKD post-processing stacks use: out = T · x over
 * GF(2), T[i][j] = seed[i - j + n - 1], seed of n + m - 1 public random bits.
 * Bits are one per array element; the output is packed MSB-first.
 */
export function toeplitzHash(bits: Uint8Array, seedBits: Uint8Array, outBits: number): Uint8Array {
  const n = bits.length;
  if (seedBits.length !== n + outBits - 1) throw new RangeError('Toeplitz seed must be n + m - 1 bits');
  const out = new Uint8Array(Math.ceil(outBits / 8));
  for (let i = 0; i < outBits; i++) {
    let acc = 0;
    const base = i + n - 1;
    for (let j = 0; j < n; j++) acc ^= seedBits[base - j]! & bits[j]!;
    out[i >>> 3] = out[i >>> 3]! | (acc << (7 - (i & 7)));
  }
  return out;
}
