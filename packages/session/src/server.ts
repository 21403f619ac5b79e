import { type CryptoSuite, constantTimeEqual, type KeyMaterial, wipe } from '@qsp/crypto-suite';
import { CloseReason, type DecodedFrame } from '@qsp/wire';
import { concat } from './bytes.js';
import { Connection } from './connection.js';
import { SessionError } from './errors.js';
import {
  type ApplicationSecrets,
  applicationSecrets,
  finishedMac,
  handshakeSecrets,
  inputKeyingMaterial,
} from './key-schedule.js';
import {
  type ClientHello,
  type DecodedClientFinished,
  decodeClientFinished,
  decodeClientHello,
  encodeFinishedField,
  encodeServerHelloSigned,
  encodeSignatureField,
} from './messages.js';
import type { ServerOptions } from './options.js';
import { kemGroupOf, PROTOCOL_VERSION, RANDOM_LENGTH, SIGNATURE_CONTEXT } from './protocol.js';
import { Transcript } from './transcript.js';
import { checkTrust, KEM_SEEDS } from './trust.js';
import { Violation } from './violation.js';

type Phase =
  | { readonly name: 'hello' }
  | {
      readonly name: 'qkd';
      readonly hello: ClientHello;
      readonly suite: CryptoSuite;
      readonly share: Uint8Array;
    }
  | { readonly name: 'finished'; readonly clientHandshake: Uint8Array }
  | { readonly name: 'done' };

/**
 * The server side of a QSP v1.0 session: waits for a ClientHello, answers
 * with a signed ServerHello, and is established once ClientFinished verifies.
 */
export class ServerConnection extends Connection {
  readonly role = 'server' as const;
  readonly #options: ServerOptions;
  readonly #transcript = new Transcript();
  readonly #qkdPolicy: 'off' | 'optional' | 'required';
  #phase: Phase = { name: 'hello' };
  #qkdKeyId: string | undefined;
  #peerPublicKey: Uint8Array | undefined;

  constructor(options: ServerOptions) {
    super(options);
    this.#options = options;
    const id = options.identity;
    if (!id || !(id.publicKey instanceof Uint8Array) || !(id.secretKey instanceof Uint8Array)) {
      throw new SessionError('INVALID_OPTIONS', 'a server needs an identity key pair');
    }
    for (const s of this.suites) {
      if (s.signature.id !== this.suites[0]!.signature.id) {
        throw new SessionError('INVALID_OPTIONS', 'every server suite must use the identity key algorithm');
      }
      if (
        id.publicKey.length !== s.signature.publicKeyLength ||
        id.secretKey.length !== s.signature.secretKeyLength
      ) {
        throw new SessionError('INVALID_OPTIONS', `identity is not a ${s.signature.id} key pair`);
      }
    }
    if (options.requireClientAuth && !options.clientKeys?.length && !options.verifyClient) {
      throw new SessionError('INVALID_OPTIONS', 'requireClientAuth needs clientKeys or verifyClient');
    }
    this.#qkdPolicy = options.qkd ?? 'off';
    if (!['off', 'optional', 'required'].includes(this.#qkdPolicy)) {
      throw new SessionError('INVALID_OPTIONS', "qkd must be 'off', 'optional' or 'required'");
    }
  }

  /** The client's authenticated public key, when client authentication was required. */
  get peerPublicKey(): Uint8Array | undefined {
    return this.#peerPublicKey;
  }

  /** Starts a rekey now (seed §7.1: server-led). */
  rekey(now: number = this.now): void {
    this.handleTimeout(now);
    this.startRekey();
  }

  /**
   * Supplies the QKD key a `qkdKeyRequest` event asked for (from
   * KeySource.keyById). The ServerHello is sent from here.
   */
  provideQkdKey(material: KeyMaterial, now: number = this.now): void {
    this.handleTimeout(now);
    if (this.closed) return;
    const phase = this.#phase;
    if (phase.name !== 'qkd') throw new SessionError('INVALID_STATE', 'no QKD key was requested');
    this.guard(() => {
      if (material?.keyId !== phase.hello.qkdKeyId || !(material.key instanceof Uint8Array)) {
        throw new Violation(CloseReason.HANDSHAKE_FAILED, 'QKD key does not match the requested id');
      }
      if (material.key.length < 16 || material.key.length > 1024) {
        throw new Violation(CloseReason.HANDSHAKE_FAILED, 'QKD key must be 16..1024 bytes');
      }
      this.#serverHello(phase.hello, phase.suite, phase.share, material.key);
    });
  }

  protected onHandshakeFrame(frame: DecodedFrame): void {
    const phase = this.#phase;
    if (phase.name === 'hello') {
      this.checkHandshakeHeader(frame, 0n);
      this.#onClientHello(frame.payload.slice());
    } else if (phase.name === 'finished') {
      this.checkHandshakeHeader(frame, this.sessionId);
      this.#onClientFinished(frame.payload.slice(), phase.clientHandshake);
    } else {
      throw new Violation(CloseReason.HANDSHAKE_FAILED, 'unexpected handshake frame');
    }
  }

  #onClientHello(raw: Uint8Array): void {
    let hello: ClientHello;
    try {
      hello = decodeClientHello(raw);
    } catch (cause) {
      throw new Violation(CloseReason.HANDSHAKE_FAILED, 'malformed ClientHello', { cause });
    }
    this.#transcript.add(raw);
    // Server preference among the suites the client offered and holds a share for.
    let suite: CryptoSuite | undefined;
    let share: Uint8Array | undefined;
    for (const s of this.suites) {
      if (!hello.suites.includes(s.codePoint)) continue;
      const ks = hello.keyShares.find((k) => k.group === kemGroupOf(s.kem.id));
      if (ks && ks.publicKey.length === s.kem.publicKeyLength) {
        suite = s;
        share = ks.publicKey;
        break;
      }
    }
    if (!suite || !share) throw new Violation(CloseReason.HANDSHAKE_FAILED, 'no suite in common');
    if (hello.qkdKeyId !== undefined) {
      if (this.#qkdPolicy === 'off')
        throw new Violation(CloseReason.HANDSHAKE_FAILED, 'QKD keys are not accepted');
      this.#phase = { name: 'qkd', hello, suite, share };
      this.emit({ type: 'qkdKeyRequest', keyId: hello.qkdKeyId });
      return;
    }
    if (this.#qkdPolicy === 'required')
      throw new Violation(CloseReason.HANDSHAKE_FAILED, 'a QKD key is required');
    this.#serverHello(hello, suite, share, undefined);
  }

  #serverHello(
    hello: ClientHello,
    suite: CryptoSuite,
    share: Uint8Array,
    qkdKey: Uint8Array | undefined,
  ): void {
    const seeds = KEM_SEEDS[suite.kem.id];
    let encapsulation: { ciphertext: Uint8Array; sharedSecret: Uint8Array };
    try {
      encapsulation =
        this.derandomized && seeds
          ? suite.kem.encapsulate(share, this.random(seeds.encapsulate))
          : suite.kem.encapsulate(share);
    } catch (cause) {
      throw new Violation(CloseReason.HANDSHAKE_FAILED, 'client KEM share is not a valid public key', {
        cause,
      });
    }
    let sessionId = 0n;
    while (sessionId === 0n) sessionId = new DataView(this.random(8).buffer).getBigUint64(0);
    this.setSessionId(sessionId);
    this.#qkdKeyId = hello.qkdKeyId;

    const signed = encodeServerHelloSigned({
      version: PROTOCOL_VERSION,
      random: this.random(RANDOM_LENGTH),
      sessionId,
      suite: suite.codePoint,
      group: kemGroupOf(suite.kem.id),
      ciphertext: encapsulation.ciphertext,
      qkdKeyId: hello.qkdKeyId,
      clientAuthRequested: this.#options.requireClientAuth === true,
      publicKey: this.#options.identity.publicKey,
    });
    const helloHash = this.#transcript.hash(suite, signed);
    const ikm = inputKeyingMaterial(encapsulation.sharedSecret, qkdKey);
    const hs = handshakeSecrets(suite, ikm, helloHash);
    wipe(encapsulation.sharedSecret, ikm);
    const signature = suite.signature.sign(
      helloHash,
      this.#options.identity.secretKey,
      this.derandomized
        ? { context: SIGNATURE_CONTEXT.server, extraEntropy: this.random(32) }
        : { context: SIGNATURE_CONTEXT.server },
    );
    const withSignature = concat(signed, encodeSignatureField(signature));
    const finished = finishedMac(suite, hs.serverHandshake, this.#transcript.hash(suite, withSignature));
    const serverHello = concat(withSignature, encodeFinishedField(finished));
    this.#transcript.add(serverHello);
    const app: ApplicationSecrets = applicationSecrets(suite, hs.master, this.#transcript.hash(suite));
    wipe(hs.serverHandshake, hs.master);
    this.sendHandshake(serverHello);
    // Keys exist from here so a failed ClientFinished can be answered with an authenticated CLOSE.
    this.installApplicationKeys(suite, app);
    this.#phase = { name: 'finished', clientHandshake: hs.clientHandshake };
  }

  #onClientFinished(raw: Uint8Array, clientHandshake: Uint8Array): void {
    const suite = this.suite!;
    let cf: DecodedClientFinished;
    try {
      cf = decodeClientFinished(raw);
    } catch (cause) {
      throw new Violation(CloseReason.HANDSHAKE_FAILED, 'malformed ClientFinished', { cause });
    }
    if (cf.finished.length !== suite.hash.outputLength) {
      throw new Violation(CloseReason.HANDSHAKE_FAILED, 'client finished has the wrong length');
    }
    const required = this.#options.requireClientAuth === true;
    if (cf.identity && !required)
      throw new Violation(CloseReason.HANDSHAKE_FAILED, 'unrequested client identity');
    const expected = finishedMac(
      suite,
      clientHandshake,
      this.#transcript.hash(suite, raw.subarray(0, cf.finishedEnd)),
    );
    const ok = constantTimeEqual(expected, cf.finished);
    wipe(expected);
    if (!ok) throw new Violation(CloseReason.AUTHENTICATION_FAILED, 'client finished does not verify');
    if (required) {
      if (!cf.identity) throw new Violation(CloseReason.AUTHENTICATION_FAILED, 'client sent no identity');
      const { publicKey, signature } = cf.identity;
      if (
        publicKey.length !== suite.signature.publicKeyLength ||
        signature.length !== suite.signature.signatureLength
      ) {
        throw new Violation(
          CloseReason.AUTHENTICATION_FAILED,
          'client key or signature has the wrong length',
        );
      }
      checkTrust(publicKey, suite, this.#options.clientKeys, this.#options.verifyClient, 'client');
      const message = this.#transcript.hash(suite, raw.subarray(0, cf.signedEnd));
      if (!suite.signature.verify(signature, message, publicKey, { context: SIGNATURE_CONTEXT.client })) {
        throw new Violation(CloseReason.AUTHENTICATION_FAILED, 'client signature does not verify');
      }
      this.#peerPublicKey = publicKey;
    }
    wipe(clientHandshake);
    this.#phase = { name: 'done' };
    this.markEstablished();
    this.emit({
      type: 'handshake',
      sessionId: this.sessionId,
      suite: suite.id,
      peerPublicKey: this.#peerPublicKey,
      qkdKeyId: this.#qkdKeyId,
    });
  }

  protected override onClosed(): void {
    if (this.#phase.name === 'finished') wipe(this.#phase.clientHandshake);
    this.#phase = { name: 'done' };
  }
}
