import type { CryptoSuite, KeyPair } from '@qsp/crypto-suite';
import type { Limits } from './limits.js';

/** What a trust callback sees about the peer. */
export interface PeerInfo {
  /** The peer's signature public key (ML-DSA), as sent in its handshake message. */
  readonly publicKey: Uint8Array;
  /** The negotiated suite. */
  readonly suite: CryptoSuite;
}

export interface CommonOptions {
  /**
   * The suites this side accepts, most preferred first. The session uses only
   * these objects' primitives, so any package that builds a CryptoSuite can
   * replace @qsp/crypto-suite here.
   */
  readonly suites: CryptoSuite | readonly CryptoSuite[];
  /** Current time in ms (any monotonic origin); the handshake timeout starts here. */
  readonly now: number;
  readonly limits?: Partial<Limits>;
  /** Largest frame payload accepted or sent (wire limit; default 1 MiB, at most 16 MiB). */
  readonly maxPayload?: number;
  /**
   * Source of every random byte the session draws (randoms, session id, rekey
   * material). When set, KEM and signing randomness are drawn from it too, so
   * a seeded source makes the handshake fully reproducible (test vectors).
   * Default: crypto.getRandomValues, and the engine's own randomness for KEM/signing.
   */
  readonly random?: (length: number) => Uint8Array;
  /**
   * Output each record of 4 KiB or more as three buffers (header,
   * ciphertext, tag) instead of one joined frame: the ciphertext goes out as
   * the AEAD produced it, saving a copy of every large record. For a
   * transport that writes a list of buffers as one vectored write, as the
   * Node adapter does (it sets this). A receiver fed those buffers one by one
   * in memory copies the record instead, so the default is false: one buffer
   * per frame. The bytes are the same either way.
   */
  readonly vectoredOutput?: boolean;
}

export interface ClientOptions extends CommonOptions {
  /** Pinned server public keys; a server presenting one of them is trusted. */
  readonly serverKeys?: readonly Uint8Array[];
  /** Trust hook for keys that are not pinned: return true to accept. */
  readonly verifyServer?: (peer: PeerInfo) => boolean;
  /** The client's ML-DSA key pair, used when the server asks for client authentication. */
  readonly identity?: KeyPair;
  /**
   * A QKD (or other external) key to mix into the key schedule, obtained by
   * the caller from `KeySource.newKey` before the handshake; its id is sent in
   * the ClientHello and the server must use the same key.
   */
  readonly qkd?: { readonly keyId: string; readonly key: Uint8Array };
}

export interface ServerOptions extends CommonOptions {
  /** The server's ML-DSA key pair; every suite must use its signature algorithm. */
  readonly identity: KeyPair;
  /** Ask the client for a signature over the transcript (mutual authentication). */
  readonly requireClientAuth?: boolean;
  /** Pinned client public keys (with requireClientAuth). */
  readonly clientKeys?: readonly Uint8Array[];
  /** Trust hook for client keys that are not pinned (with requireClientAuth). */
  readonly verifyClient?: (peer: PeerInfo) => boolean;
  /**
   * QKD policy: 'off' refuses a ClientHello that names a QKD key, 'optional'
   * mixes one in when named (the caller answers `qkdKeyRequest` events),
   * 'required' also refuses a ClientHello that names none. Default 'off'.
   */
  readonly qkd?: 'off' | 'optional' | 'required';
}
