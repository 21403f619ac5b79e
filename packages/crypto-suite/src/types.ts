/**
 * The narrow interfaces every QSP package codes against. An engine (noble,
 * node, auto) supplies objects of these shapes; nothing outside this package
 * imports an algorithm implementation directly.
 *
 * All keys, secrets and ciphertexts are raw Uint8Array in their standard
 * encodings (FIPS 203/204 byte strings, RFC 5116 ciphertext||tag), so values
 * produced by one engine are accepted by the other.
 */

export type HashId = 'SHA-256' | 'SHA-384';
export type KdfId = 'HKDF-SHA-256' | 'HKDF-SHA-384';
export type AeadId = 'AES-256-GCM' | 'ChaCha20-Poly1305';
export type KemId = 'ML-KEM-768' | 'ML-KEM-1024' | 'X-Wing';
export type SignatureId = 'ML-DSA-44' | 'ML-DSA-65' | 'ML-DSA-87';
export type AlgorithmId = HashId | KdfId | AeadId | KemId | SignatureId;

/** Incremental hashing state, for streaming large inputs in constant memory. */
export interface HashState {
  update(data: Uint8Array): HashState;
  /** Finalises the state; it must not be used afterwards. */
  digest(): Uint8Array;
}

export interface Hash {
  readonly id: HashId;
  readonly outputLength: number;
  readonly blockLength: number;
  digest(data: Uint8Array): Uint8Array;
  create(): HashState;
}

/** HKDF (RFC 5869) plus the TLS 1.3 HKDF-Expand-Label shape (RFC 8446 §7.1). */
export interface Kdf {
  readonly id: KdfId;
  readonly hash: Hash;
  /** HKDF-Extract. An absent salt is HashLen zero bytes, as RFC 5869 says. */
  extract(salt: Uint8Array | undefined, ikm: Uint8Array): Uint8Array;
  /** HKDF-Expand; length at most 255 * HashLen, else CryptoError KDF_LENGTH. */
  expand(prk: Uint8Array, info: Uint8Array, length: number): Uint8Array;
  /**
   * HKDF-Expand-Label: info = u16 length || u8 len || labelPrefix + label || u8 len || context.
   * labelPrefix defaults to "qsp1 " (QSP v1's analogue of TLS 1.3's "tls13 ").
   */
  expandLabel(
    secret: Uint8Array,
    label: string,
    context: Uint8Array,
    length: number,
    labelPrefix?: string,
  ): Uint8Array;
}

/** AEAD (RFC 5116): seal returns ciphertext || tag. */
export interface Aead {
  readonly id: AeadId;
  readonly keyLength: number;
  readonly nonceLength: number;
  readonly tagLength: number;
  seal(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): Uint8Array;
  /**
   * Seals like `seal` and writes ciphertext || tag (plaintext.length +
   * tagLength bytes) into `out` at `offset`; returns the number of bytes
   * written. For building a frame (header, then sealed payload) in one
   * buffer. `out` may overlap `plaintext` and `aad` (both are read in full
   * first), so sealing in place works. Throws INVALID_ARGUMENT when `out`
   * is not a Uint8Array, `offset` is not an integer in [0, out.length], or
   * the bytes do not fit; nothing is written then.
   *
   * Present on every Aead this package builds (noble, node, auto); optional
   * only so hand-written Aead objects stay valid (callers fall back to
   * `seal` and a copy). The node engine still copies once (node:crypto
   * cannot write into a caller's buffer) but saves the separate output
   * allocation and the copy that joins a header to a sealed payload.
   */
  sealInto?(
    key: Uint8Array,
    nonce: Uint8Array,
    plaintext: Uint8Array,
    aad: Uint8Array | undefined,
    out: Uint8Array,
    offset?: number,
  ): number;
  /**
   * Seals like `seal` and returns the ciphertext and the tag apart (`seal`'s
   * output is their concatenation). For a sender that writes header,
   * ciphertext and tag as one vectored write: the node engine hands over
   * node:crypto's own output, so a large record is never copied to join it
   * to its tag or header. Neither part aliases the inputs. Argument checks
   * as for `seal`.
   *
   * Present on every Aead this package builds; optional so hand-written Aead
   * objects stay valid (callers fall back to `seal` and two views of it).
   */
  sealDetached?(key: Uint8Array, nonce: Uint8Array, plaintext: Uint8Array, aad?: Uint8Array): DetachedSeal;
  /** Throws CryptoError AEAD_OPEN_FAILED on any authentication failure; never returns unverified bytes. */
  open(key: Uint8Array, nonce: Uint8Array, ciphertext: Uint8Array, aad?: Uint8Array): Uint8Array;
}

/** A sealed message in two parts: ciphertext || tag is what `Aead.seal` returns. */
export interface DetachedSeal {
  readonly ciphertext: Uint8Array;
  readonly tag: Uint8Array;
}

export interface KeyPair {
  readonly publicKey: Uint8Array;
  readonly secretKey: Uint8Array;
}

export interface Encapsulation {
  readonly ciphertext: Uint8Array;
  readonly sharedSecret: Uint8Array;
}

/**
 * A KEM. Decapsulating a forged ciphertext returns an unrelated secret
 * (implicit rejection) instead of failing, so every use needs key confirmation.
 */
export interface Kem {
  readonly id: KemId;
  readonly publicKeyLength: number;
  readonly secretKeyLength: number;
  readonly ciphertextLength: number;
  readonly sharedSecretLength: number;
  /** With a seed (64 bytes for ML-KEM: d || z; 32 bytes for X-Wing) key generation is deterministic. */
  keygen(seed?: Uint8Array): KeyPair;
  /** With a seed (32 bytes for ML-KEM: m; 64 for X-Wing) encapsulation is deterministic. */
  encapsulate(publicKey: Uint8Array, seed?: Uint8Array): Encapsulation;
  decapsulate(ciphertext: Uint8Array, secretKey: Uint8Array): Uint8Array;
}

export interface SignOptions {
  /** FIPS 204 context string, at most 255 bytes; empty when absent. */
  readonly context?: Uint8Array;
  /** 32 bytes of hedging randomness, or false for deterministic signing; random when absent. */
  readonly extraEntropy?: Uint8Array | false;
}

export interface VerifyOptions {
  readonly context?: Uint8Array;
}

/** ML-DSA (FIPS 204, pure, external interface). Argument order follows noble. */
export interface Signature {
  readonly id: SignatureId;
  readonly publicKeyLength: number;
  readonly secretKeyLength: number;
  readonly signatureLength: number;
  /** With a 32-byte seed (xi) key generation is deterministic. */
  keygen(seed?: Uint8Array): KeyPair;
  sign(message: Uint8Array, secretKey: Uint8Array, options?: SignOptions): Uint8Array;
  /** Returns false for any invalid signature; throws only for malformed key lengths. */
  verify(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array, options?: VerifyOptions): boolean;
}

/** Key material delivered by an external source (QKD link, KME), addressed by id. */
export interface KeyMaterial {
  readonly keyId: string;
  readonly key: Uint8Array;
}

/**
 * External key material (QKD or other). The initiating side asks for a new
 * key and sends its id to the peer; the peer fetches the same key by id.
 */
export interface KeySource {
  readonly id: string;
  newKey(lengthBytes: number): Promise<KeyMaterial>;
  keyById(keyId: string): Promise<KeyMaterial>;
}

/** One primitive of each kind under a stable name and a u16 wire code point. */
export interface CryptoSuite {
  readonly id: string;
  readonly codePoint: number;
  readonly hash: Hash;
  readonly kdf: Kdf;
  readonly aead: Aead;
  readonly kem: Kem;
  readonly signature: Signature;
}

/** A provider of primitives. `noble` is pure JS; `node` uses node:crypto; `auto` picks per primitive. */
export interface Engine {
  readonly name: string;
  supports(id: AlgorithmId): boolean;
  hash(id: HashId): Hash;
  kdf(id: KdfId): Kdf;
  aead(id: AeadId): Aead;
  kem(id: KemId): Kem;
  signature(id: SignatureId): Signature;
}
