import { type CryptoSuite, constantTimeEqual, type KeyPair, wipe } from '@qsp/crypto-suite';
import { CloseReason, type DecodedFrame } from '@qsp/wire';
import { Connection } from './connection.js';
import { SessionError } from './errors.js';
import { applicationSecrets, finishedMac, handshakeSecrets, inputKeyingMaterial } from './key-schedule.js';
import {
  type DecodedServerHello,
  decodeServerHello,
  encodeClientFinished,
  encodeClientFinishedSigned,
  encodeClientHello,
  encodeSignatureField,
  type KeyShare,
} from './messages.js';
import type { ClientOptions } from './options.js';
import { kemGroupOf, PROTOCOL_VERSION, RANDOM_LENGTH, SIGNATURE_CONTEXT } from './protocol.js';
import { Transcript } from './transcript.js';
import { checkTrust, KEM_SEEDS } from './trust.js';
import { Violation } from './violation.js';

const MIN_QKD_KEY = 16;
const MAX_QKD_KEY = 1024;

/**
 * The client side of a QSP v1.0 session. Construction queues the
 * ClientHello; `takeOutput()` returns it.
 */
export class ClientConnection extends Connection {
  readonly role = 'client' as const;
  readonly #options: ClientOptions;
  readonly #transcript = new Transcript();
  /** Ephemeral KEM key pairs by group, wiped once the ServerHello is processed. */
  #kemKeys: Map<number, KeyPair> | undefined = new Map();
  #peerPublicKey: Uint8Array | undefined;

  constructor(options: ClientOptions) {
    super(options);
    this.#options = options;
    if (!options.serverKeys?.length && !options.verifyServer) {
      throw new SessionError(
        'INVALID_OPTIONS',
        'a client needs serverKeys (pinned) or a verifyServer callback',
      );
    }
    if (options.qkd !== undefined) {
      const { key, keyId } = options.qkd;
      if (!(key instanceof Uint8Array) || key.length < MIN_QKD_KEY || key.length > MAX_QKD_KEY) {
        throw new SessionError('INVALID_OPTIONS', `qkd.key must be ${MIN_QKD_KEY}..${MAX_QKD_KEY} bytes`);
      }
      if (typeof keyId !== 'string' || keyId.length === 0)
        throw new SessionError('INVALID_OPTIONS', 'qkd.keyId required');
    }
    const keyShares: KeyShare[] = [];
    for (const suite of this.suites) {
      const group = kemGroupOf(suite.kem.id);
      if (group === undefined)
        throw new SessionError('INVALID_OPTIONS', `${suite.id}: KEM ${suite.kem.id} has no group`);
      if (this.#kemKeys!.has(group)) continue;
      const seedLength = KEM_SEEDS[suite.kem.id]?.keygen;
      const pair =
        this.derandomized && seedLength ? suite.kem.keygen(this.random(seedLength)) : suite.kem.keygen();
      this.#kemKeys!.set(group, pair);
      keyShares.push({ group, publicKey: pair.publicKey });
    }
    let hello: Uint8Array;
    try {
      hello = encodeClientHello({
        version: PROTOCOL_VERSION,
        random: this.random(RANDOM_LENGTH),
        suites: this.suites.map((s) => s.codePoint),
        keyShares,
        qkdKeyId: options.qkd?.keyId,
      });
    } catch (cause) {
      throw new SessionError('INVALID_OPTIONS', 'cannot encode a ClientHello from these options', { cause });
    }
    this.#transcript.add(hello);
    this.sendHandshake(hello);
  }

  /** The server's authenticated public key, after the handshake. */
  get peerPublicKey(): Uint8Array | undefined {
    return this.#peerPublicKey;
  }

  protected onHandshakeFrame(frame: DecodedFrame): void {
    // The only handshake frame a client receives is the ServerHello.
    this.checkHandshakeHeader(frame, frame.sessionId);
    let sh: DecodedServerHello;
    try {
      sh = decodeServerHello(frame.payload);
    } catch (cause) {
      throw new Violation(CloseReason.HANDSHAKE_FAILED, 'malformed ServerHello', { cause });
    }
    if (sh.sessionId !== frame.sessionId)
      throw new Violation(CloseReason.HANDSHAKE_FAILED, 'session id mismatch');
    this.#onServerHello(sh, frame.payload.slice());
  }

  #onServerHello(sh: DecodedServerHello, raw: Uint8Array): void {
    const fail = (message: string) => new Violation(CloseReason.HANDSHAKE_FAILED, message);
    // Only a suite this client offered: with the signed transcript, no downgrade is possible.
    const suite = this.suites.find((s) => s.codePoint === sh.suite);
    if (!suite) throw fail(`server selected suite 0x${sh.suite.toString(16)}, which was not offered`);
    if (sh.group !== kemGroupOf(suite.kem.id)) throw fail('ServerHello KEM group does not match the suite');
    const kemKeys = this.#kemKeys!.get(sh.group);
    if (!kemKeys) throw fail('no key share for the selected group');
    if (sh.ciphertext.length !== suite.kem.ciphertextLength)
      throw fail('KEM ciphertext has the wrong length');
    if (sh.qkdKeyId !== this.#options.qkd?.keyId) throw fail('server did not use the requested QKD key');
    if (sh.publicKey.length !== suite.signature.publicKeyLength)
      throw fail('server public key has the wrong length');
    if (sh.signature.length !== suite.signature.signatureLength)
      throw fail('server signature has the wrong length');
    if (sh.finished.length !== suite.hash.outputLength) throw fail('server finished has the wrong length');

    checkTrust(sh.publicKey, suite, this.#options.serverKeys, this.#options.verifyServer, 'server');

    const signedPart = raw.subarray(0, sh.signedEnd);
    const helloHash = this.#transcript.hash(suite, signedPart);
    if (
      !suite.signature.verify(sh.signature, helloHash, sh.publicKey, { context: SIGNATURE_CONTEXT.server })
    ) {
      throw new Violation(CloseReason.AUTHENTICATION_FAILED, 'server signature does not verify');
    }

    let kemSecret: Uint8Array;
    try {
      kemSecret = suite.kem.decapsulate(sh.ciphertext, kemKeys.secretKey);
    } catch (cause) {
      throw new Violation(CloseReason.HANDSHAKE_FAILED, 'KEM decapsulation failed', { cause });
    }
    this.#wipeKemKeys();
    const ikm = inputKeyingMaterial(kemSecret, this.#options.qkd?.key);
    const hs = handshakeSecrets(suite, ikm, helloHash);
    wipe(kemSecret, ikm);

    const expected = finishedMac(
      suite,
      hs.serverHandshake,
      this.#transcript.hash(suite, raw.subarray(0, sh.finishedEnd)),
    );
    const ok = constantTimeEqual(expected, sh.finished);
    wipe(expected);
    if (!ok) {
      wipe(hs.clientHandshake, hs.serverHandshake, hs.master);
      throw new Violation(CloseReason.AUTHENTICATION_FAILED, 'server finished does not verify');
    }
    this.#transcript.add(raw);
    const app = applicationSecrets(suite, hs.master, this.#transcript.hash(suite));
    this.setSessionId(sh.sessionId);

    const cf = this.#clientFinished(suite, sh.clientAuthRequested, hs.clientHandshake);
    wipe(hs.clientHandshake, hs.serverHandshake, hs.master);
    this.sendHandshake(cf);
    this.installApplicationKeys(suite, app);
    this.#peerPublicKey = sh.publicKey;
    this.markEstablished();
    this.emit({
      type: 'handshake',
      sessionId: sh.sessionId,
      suite: suite.id,
      peerPublicKey: sh.publicKey,
      qkdKeyId: sh.qkdKeyId,
    });
  }

  #clientFinished(suite: CryptoSuite, authRequested: boolean, clientHandshake: Uint8Array): Uint8Array {
    // Without an identity the client still answers: the server's policy decides and closes with its reason.
    const identity = authRequested ? this.#options.identity : undefined;
    const signed = encodeClientFinishedSigned(identity?.publicKey);
    let prefix = signed;
    let signature: Uint8Array | undefined;
    if (identity) {
      const message = this.#transcript.hash(suite, signed);
      const seedLength = 32;
      signature = suite.signature.sign(
        message,
        identity.secretKey,
        this.derandomized
          ? { context: SIGNATURE_CONTEXT.client, extraEntropy: this.random(seedLength) }
          : { context: SIGNATURE_CONTEXT.client },
      );
      const sigField = encodeSignatureField(signature);
      prefix = new Uint8Array(signed.length + sigField.length);
      prefix.set(signed);
      prefix.set(sigField, signed.length);
    }
    const finished = finishedMac(suite, clientHandshake, this.#transcript.hash(suite, prefix));
    const cf = encodeClientFinished({
      identity: identity && signature ? { publicKey: identity.publicKey, signature } : undefined,
      finished,
    });
    this.#transcript.add(cf);
    return cf;
  }

  #wipeKemKeys(): void {
    if (!this.#kemKeys) return;
    for (const pair of this.#kemKeys.values()) wipe(pair.secretKey);
    this.#kemKeys = undefined;
  }

  protected override onClosed(): void {
    this.#wipeKemKeys();
  }
}
