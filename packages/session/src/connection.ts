import { type CryptoSuite, constantTimeEqual, wipe } from '@qsp/crypto-suite';
import {
  CloseReason,
  DEFAULT_MAX_PAYLOAD,
  type DecodedFrame,
  decodeClose,
  decodeRekey,
  encodeClose,
  encodeFrame,
  encodeHeader,
  encodeRekey,
  FrameDecoder,
  FrameType,
  MAX_CLOSE_MESSAGE_BYTES,
  REKEY_VALUE_LENGTH,
  RekeyKind,
  type RekeyMessage,
  unzeroedBytes,
} from '@qsp/wire';
import { SessionError } from './errors.js';
import type { SessionEvent, SessionState } from './events.js';
import {
  type ApplicationSecrets,
  aeadNonce,
  nextTrafficSecret,
  rekeyConfirm,
  type TrafficKeys,
  trafficKeys,
  wipeTraffic,
} from './key-schedule.js';
import { type Limits, resolveLimits } from './limits.js';
import type { CommonOptions } from './options.js';
import { systemRandom } from './random.js';
import { Violation } from './violation.js';

export type Role = 'client' | 'server';

interface PendingRekey {
  readonly newEpoch: number;
  readonly material: Uint8Array;
  readonly confirm: Uint8Array;
  readonly nextSend: TrafficKeys;
  readonly nextRecv: TrafficKeys;
  readonly deadline: number;
}

const MAX_EPOCH = 0xffff_ffff;
/**
 * Frames kept back from APP_DATA per key and per session so a REKEY and a
 * CLOSE can always still be sent; a receiver allows the same margin.
 */
const CONTROL_RESERVE = 2;
/** Plaintext bytes those control frames may add (a REKEY is 41 bytes, a CLOSE at most 258). */
const CONTROL_BYTES_RESERVE = 512;
/**
 * Smallest payload sent as separate header, ciphertext and tag with
 * `vectoredOutput`: below it, joining them costs less than the extra writes.
 */
const VECTORED_MIN = 4096;

function normaliseSuites(suites: CommonOptions['suites']): readonly CryptoSuite[] {
  const list = Array.isArray(suites) ? (suites as readonly CryptoSuite[]) : [suites as CryptoSuite];
  if (list.length === 0) throw new SessionError('INVALID_OPTIONS', 'at least one suite is required');
  const seen = new Set<number>();
  for (const s of list) {
    if (
      typeof s !== 'object' ||
      s === null ||
      !Number.isInteger(s.codePoint) ||
      s.codePoint < 0 ||
      s.codePoint > 0xffff
    ) {
      throw new SessionError('INVALID_OPTIONS', 'each suite must be a CryptoSuite with a u16 code point');
    }
    if (seen.has(s.codePoint))
      throw new SessionError('INVALID_OPTIONS', `suite code point ${s.codePoint} given twice`);
    seen.add(s.codePoint);
    if (s.aead.nonceLength !== 12)
      throw new SessionError('INVALID_OPTIONS', `${s.id}: QSP needs a 12-byte AEAD nonce`);
  }
  return list;
}

/**
 * The sans-IO QSP v1.0 connection core shared by client and server: record
 * protection, the strict receive rule, rekey, limits, close. It never touches
 * a socket or a timer: callers feed bytes and time in, and take bytes to send
 * (`takeOutput`) and events (`takeEvents`) out.
 */
export abstract class Connection {
  abstract readonly role: Role;
  protected readonly suites: readonly CryptoSuite[];
  protected readonly maxPayload: number;
  protected readonly random: (length: number) => Uint8Array;
  /** True when the caller supplied `random`: KEM and signing randomness then come from it too. */
  protected readonly derandomized: boolean;
  readonly #vectored: boolean;
  readonly #limitOverrides: Partial<Limits> | undefined;
  #limits: Limits | undefined;

  protected suite: CryptoSuite | undefined;
  protected now: number;
  #state: 'handshake' | 'established' | 'closed' = 'handshake';
  #sessionId = 0n;
  readonly #decoder: FrameDecoder;
  /** Frames to send, one buffer each. */
  readonly #output: Uint8Array[] = [];
  readonly #events: SessionEvent[] = [];
  readonly #handshakeDeadline: number;

  #hsSendSeq = 0;
  #hsRecvSeq = 0;

  #send: TrafficKeys | undefined;
  #sendSeq = 0;
  #sendFrames = 0;
  #sendBytes = 0;

  #recv: TrafficKeys | undefined;
  /** The peer's next-epoch key, once known (client after answering an INIT). */
  #recvNext: TrafficKeys | undefined;
  #recvSeq = 0;
  #recvFrames = 0;
  #recvBytes = 0;

  #pending: PendingRekey | undefined;
  #closeReason: CloseReason | undefined;

  protected constructor(options: CommonOptions) {
    if (typeof options !== 'object' || options === null)
      throw new SessionError('INVALID_OPTIONS', 'options required');
    this.suites = normaliseSuites(options.suites);
    if (typeof options.now !== 'number' || !Number.isFinite(options.now)) {
      throw new SessionError('INVALID_OPTIONS', 'now must be a finite number of milliseconds');
    }
    this.now = options.now;
    this.maxPayload = options.maxPayload ?? DEFAULT_MAX_PAYLOAD;
    try {
      // Transient: every frame is opened (or its handshake payload copied) before the next push.
      this.#decoder = new FrameDecoder({ maxPayload: this.maxPayload, transient: true });
    } catch (cause) {
      throw new SessionError('INVALID_OPTIONS', 'maxPayload out of range', { cause });
    }
    this.#limitOverrides = options.limits;
    // Validate limits against every offered suite now, so a bad option fails at construction.
    for (const s of this.suites) resolveLimits(options.limits, this.maxPayload, s.aead.tagLength);
    this.#handshakeDeadline =
      this.now + resolveLimits(options.limits, this.maxPayload, 16).handshakeTimeoutMs;
    this.#vectored = options.vectoredOutput === true;
    this.derandomized = options.random !== undefined;
    this.random = options.random ?? systemRandom;
  }

  // ---- public API -------------------------------------------------------

  get state(): SessionState {
    if (this.#state !== 'established') return this.#state;
    return this.#pending !== undefined || this.#recvNext !== undefined ? 'rekey' : 'established';
  }

  get sessionId(): bigint {
    return this.#sessionId;
  }

  /** Epoch this side sends under (0 during the handshake). */
  get sendEpoch(): number {
    return this.#send?.epoch ?? 0;
  }

  /** Epoch of the peer's current sending key as this side knows it. */
  get receiveEpoch(): number {
    return this.#recv?.epoch ?? 0;
  }

  /** Id of the negotiated suite, once known. */
  get suiteId(): string | undefined {
    return this.suite?.id;
  }

  /** Why the session closed, once it has. */
  get closeReason(): CloseReason | undefined {
    return this.#closeReason;
  }

  get limits(): Limits {
    return (
      this.#limits ?? resolveLimits(this.#limitOverrides, this.maxPayload, this.suite?.aead.tagLength ?? 16)
    );
  }

  /** The next instant (same clock as `now`) at which `handleTimeout` must be called, if any. */
  get timeout(): number | undefined {
    if (this.#state === 'closed') return undefined;
    if (this.#state === 'handshake') return this.#handshakeDeadline;
    return this.#pending?.deadline;
  }

  /** Bytes to write to the transport, in order: one buffer per frame, or up to three with `vectoredOutput`. */
  takeOutput(): Uint8Array[] {
    return this.#output.splice(0);
  }

  /** Events since the last call, in order. */
  takeEvents(): SessionEvent[] {
    return this.#events.splice(0);
  }

  /** Feeds bytes read from the transport. Violations close the session (see `closeReason`); nothing throws. */
  receive(bytes: Uint8Array, now: number = this.now): void {
    if (this.#state === 'closed') return;
    this.#tick(now);
    if (this.closed) return;
    let frames: DecodedFrame[];
    try {
      // A Node Buffer's slice() is a view, not a copy: work on plain Uint8Arrays so every copy is one.
      frames = this.#decoder.push(
        Object.getPrototypeOf(bytes) === Uint8Array.prototype
          ? bytes
          : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength),
      );
    } catch (cause) {
      this.#fail(new Violation(CloseReason.PROTOCOL_ERROR, 'malformed frame', { cause }));
      return;
    }
    for (const frame of frames) {
      if (this.closed) return;
      this.guard(() => this.#onFrame(frame));
    }
  }

  /** Declares the transport's end. A session that ends without a CLOSE frame fails. */
  receiveEnd(now: number = this.now): void {
    if (this.#state === 'closed') return;
    this.#tick(now);
    if (this.closed) return;
    const reason = this.#state === 'handshake' ? CloseReason.HANDSHAKE_FAILED : CloseReason.PROTOCOL_ERROR;
    this.#closeWith(reason, 'transport ended without a CLOSE frame', 'local', false);
  }

  /** Seals application data (split into records of at most limits.maxRecordSize). */
  send(data: Uint8Array, now: number = this.now): void {
    if (!(data instanceof Uint8Array)) throw new SessionError('INVALID_STATE', 'data must be a Uint8Array');
    this.#tick(now);
    this.#assertEstablished();
    const max = this.limits.maxRecordSize;
    let offset = 0;
    do {
      const chunk = data.subarray(offset, Math.min(data.length, offset + max));
      this.#sendAppData(chunk);
      offset += chunk.length;
    } while (offset < data.length);
  }

  /** Closes the session, sending an authenticated CLOSE when keys exist. Idempotent. */
  close(reason: CloseReason = CloseReason.NORMAL, message = '', now: number = this.now): void {
    if (this.#state === 'closed') return;
    this.now = Math.max(this.now, now);
    this.#closeWith(reason, truncateUtf8(message), 'local', true);
  }

  /** Fires due timers: handshake and rekey timeouts. */
  handleTimeout(now: number): void {
    this.#tick(now);
  }

  // ---- for the role subclasses -------------------------------------------

  protected abstract onHandshakeFrame(frame: DecodedFrame): void;

  protected get closed(): boolean {
    return this.#state === 'closed';
  }

  protected get established(): boolean {
    return this.#state === 'established';
  }

  protected emit(event: SessionEvent): void {
    this.#events.push(event);
  }

  protected setSessionId(id: bigint): void {
    this.#sessionId = id;
  }

  /** Runs `fn`, turning a Violation (or any unexpected error) into a fail-closed close. */
  protected guard(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.#fail(
        error instanceof Violation
          ? error
          : new Violation(CloseReason.INTERNAL_ERROR, 'internal error', { cause: error }),
      );
    }
  }

  protected sendHandshake(payload: Uint8Array): void {
    const frame = encodeFrame(
      { type: FrameType.HANDSHAKE, sessionId: this.#sessionId, epoch: 0, seq: this.#hsSendSeq++, payload },
      { maxPayload: this.maxPayload },
    );
    this.#output.push(frame);
  }

  /** Checks a HANDSHAKE frame's header: epoch 0, next handshake seq, expected session id. */
  protected checkHandshakeHeader(frame: DecodedFrame, sessionId: bigint): void {
    if (frame.epoch !== 0)
      throw new Violation(CloseReason.HANDSHAKE_FAILED, 'handshake frame outside epoch 0');
    if (frame.seq !== this.#hsRecvSeq)
      throw new Violation(CloseReason.HANDSHAKE_FAILED, 'handshake frame out of order');
    if (frame.sessionId !== sessionId) throw new Violation(CloseReason.HANDSHAKE_FAILED, 'wrong session id');
    this.#hsRecvSeq++;
  }

  /** Installs epoch-1 keys. The server installs them before it may send; the client on ClientFinished. */
  protected installApplicationKeys(suite: CryptoSuite, secrets: ApplicationSecrets): void {
    this.suite = suite;
    this.#limits = resolveLimits(this.#limitOverrides, this.maxPayload, suite.aead.tagLength);
    const mine = this.role === 'client' ? secrets.client : secrets.server;
    const theirs = this.role === 'client' ? secrets.server : secrets.client;
    this.#send = trafficKeys(suite, mine, 1);
    this.#recv = trafficKeys(suite, theirs, 1);
  }

  protected markEstablished(): void {
    this.#state = 'established';
  }

  // ---- internals -----------------------------------------------------------

  #tick(now: number): void {
    if (typeof now !== 'number' || !Number.isFinite(now))
      throw new SessionError('INVALID_STATE', 'now must be finite');
    this.now = Math.max(this.now, now);
    if (this.#state === 'handshake' && this.now >= this.#handshakeDeadline) {
      this.#fail(new Violation(CloseReason.HANDSHAKE_TIMEOUT, 'handshake did not finish in time'));
    } else if (this.#pending && this.now >= this.#pending.deadline) {
      this.#fail(new Violation(CloseReason.REKEY_FAILED, 'REKEY INIT was not acknowledged in time'));
    }
  }

  #assertEstablished(): void {
    if (this.#state === 'closed') {
      throw new SessionError('CLOSED', 'session is closed', reasonOption(this.#closeReason));
    }
    if (this.#state !== 'established') throw new SessionError('INVALID_STATE', 'handshake has not finished');
  }

  #onFrame(frame: DecodedFrame): void {
    if (frame.type === FrameType.HANDSHAKE) {
      if (this.#state !== 'handshake')
        throw new Violation(CloseReason.PROTOCOL_ERROR, 'HANDSHAKE frame after handshake');
      this.onHandshakeFrame(frame);
      return;
    }
    if (this.#state === 'handshake') {
      throw new Violation(CloseReason.PROTOCOL_ERROR, 'protected frame before the handshake finished');
    }
    const plaintext = this.#open(frame);
    switch (frame.type) {
      case FrameType.APP_DATA:
        this.emit({ type: 'data', data: plaintext });
        break;
      case FrameType.REKEY:
        this.#onRekey(
          frame.epoch,
          decodeControl(() => decodeRekey(plaintext)),
        );
        break;
      case FrameType.CLOSE: {
        const msg = decodeControl(() => decodeClose(plaintext));
        this.#closeWith(msg.reason, msg.message, 'peer', false);
        break;
      }
    }
    this.#maybeAutoRekey();
  }

  /**
   * The strict receive rule (DESIGN §4): right session, epoch = current
   * receive epoch or the next one once known, seq = exactly the next, and the
   * AEAD must open with the header as AAD. State advances only after all of it.
   */
  #open(frame: DecodedFrame): Uint8Array {
    if (frame.sessionId !== this.#sessionId)
      throw new Violation(CloseReason.PROTOCOL_ERROR, 'wrong session id');
    const recv = this.#recv!;
    let keys: TrafficKeys;
    if (frame.epoch === recv.epoch) keys = recv;
    else if (this.#recvNext && frame.epoch === this.#recvNext.epoch) keys = this.#recvNext;
    else
      throw new Violation(CloseReason.EPOCH_MISMATCH, `frame epoch ${frame.epoch}, expected ${recv.epoch}`);
    if (frame.seq !== this.#recvSeq + 1) {
      throw new Violation(
        CloseReason.SEQUENCE_MISMATCH,
        `frame seq ${frame.seq}, expected ${this.#recvSeq + 1}`,
      );
    }
    let plaintext: Uint8Array;
    try {
      plaintext = this.suite!.aead.open(
        keys.key,
        aeadNonce(keys.iv, frame.epoch, frame.seq),
        frame.payload,
        frame.header,
      );
    } catch (cause) {
      throw new Violation(CloseReason.AEAD_DECRYPT_FAILED, 'frame failed authentication', { cause });
    }
    // The decoder reuses its assembly memory: a suite that opens in place must not hand that on as data.
    if (plaintext.buffer === frame.payload.buffer) plaintext = plaintext.slice();
    this.#recvSeq = frame.seq;
    if (keys !== recv) {
      // First frame of the new epoch: the old key retires, at most two were ever live.
      wipeTraffic(recv);
      this.#recv = keys;
      this.#recvNext = undefined;
      this.#recvFrames = 0;
      this.#recvBytes = 0;
    }
    this.#recvFrames++;
    this.#recvBytes += plaintext.length;
    const limits = this.limits;
    if (
      this.#recvFrames > limits.maxFramesPerKey + CONTROL_RESERVE ||
      this.#recvBytes > limits.maxBytesPerKey + CONTROL_BYTES_RESERVE
    ) {
      throw new Violation(CloseReason.KEY_LIMIT_REACHED, 'peer exceeded the per-key limit');
    }
    return plaintext;
  }

  #seal(type: FrameType, plaintext: Uint8Array): void {
    const keys = this.#send!;
    const aead = this.suite!.aead;
    const seq = ++this.#sendSeq;
    const header = encodeHeader(
      { type, sessionId: this.#sessionId, epoch: keys.epoch, seq },
      plaintext.length + aead.tagLength,
      { maxPayload: this.maxPayload },
    );
    const nonce = aeadNonce(keys.iv, keys.epoch, seq);
    if (this.#vectored && plaintext.length >= VECTORED_MIN && aead.sealDetached) {
      const { ciphertext, tag } = aead.sealDetached(keys.key, nonce, plaintext, header);
      this.#output.push(header, ciphertext, tag);
    } else {
      // One buffer per frame, sealed in place after its header: no separate
      // sealed payload to allocate, and one plain write per frame for the adapters.
      // Header, ciphertext and tag fill every byte; a failed seal never queues it.
      const frame = unzeroedBytes(header.length + plaintext.length + aead.tagLength);
      frame.set(header);
      if (aead.sealInto) aead.sealInto(keys.key, nonce, plaintext, header, frame, header.length);
      else frame.set(aead.seal(keys.key, nonce, plaintext, header), header.length);
      this.#output.push(frame);
    }
    this.#sendFrames++;
    this.#sendBytes += plaintext.length;
  }

  #sendAppData(chunk: Uint8Array): void {
    const limits = this.limits;
    if (
      this.#sendFrames >= limits.maxFramesPerKey ||
      this.#sendBytes + chunk.length > limits.maxBytesPerKey ||
      this.#sendSeq + 1 + CONTROL_RESERVE > limits.maxSeq
    ) {
      this.#fail(new Violation(CloseReason.KEY_LIMIT_REACHED, 'sending key reached its hard limit'));
      throw new SessionError(
        'KEY_LIMIT_REACHED',
        'the sending key reached its hard limit; the session is closed',
        {
          reason: CloseReason.KEY_LIMIT_REACHED,
        },
      );
    }
    this.#seal(FrameType.APP_DATA, chunk);
    this.#maybeAutoRekey();
  }

  // ---- rekey (seed §7: server-led INIT/ACK) --------------------------------

  /** Server: starts a rekey now. Throws on a client, before the handshake, or while one is in flight. */
  protected startRekey(): void {
    this.#assertEstablished();
    if (this.role !== 'server')
      throw new SessionError('INVALID_STATE', 'only the server starts a rekey (seed §7.1)');
    if (this.#pending) throw new SessionError('REKEY_IN_PROGRESS', 'a rekey is already in flight');
    this.#initRekey();
  }

  #initRekey(): void {
    const suite = this.suite!;
    const send = this.#send!;
    if (send.epoch >= MAX_EPOCH || this.#sendSeq + 1 > this.limits.maxSeq) {
      this.#fail(new Violation(CloseReason.KEY_LIMIT_REACHED, 'no epoch or sequence number left'));
      return;
    }
    const newEpoch = send.epoch + 1;
    const material = this.random(REKEY_VALUE_LENGTH);
    const nextSend = trafficKeys(suite, nextTrafficSecret(suite, send.secret, newEpoch, material), newEpoch);
    const nextRecv = trafficKeys(
      suite,
      nextTrafficSecret(suite, this.#recv!.secret, newEpoch, material),
      newEpoch,
    );
    this.#pending = {
      newEpoch,
      material,
      confirm: rekeyConfirm(suite, material),
      nextSend,
      nextRecv,
      deadline: this.now + this.limits.rekeyTimeoutMs,
    };
    this.#seal(FrameType.REKEY, encodeRekeyPayload(RekeyKind.INIT, newEpoch, material));
  }

  #onRekey(frameEpoch: number, msg: RekeyMessage): void {
    if (this.role === 'client') this.#onRekeyInit(frameEpoch, msg);
    else this.#onRekeyAck(msg);
  }

  /** Client: answer INIT with ACK under the current key, then commit (seed §7.3). */
  #onRekeyInit(frameEpoch: number, msg: RekeyMessage): void {
    if (msg.kind !== RekeyKind.INIT)
      throw new Violation(CloseReason.REKEY_FAILED, 'client received a REKEY ACK');
    const send = this.#send!;
    if (msg.newEpoch !== frameEpoch + 1 || msg.newEpoch !== send.epoch + 1 || this.#recvNext) {
      throw new Violation(
        CloseReason.EPOCH_MISMATCH,
        `REKEY INIT for epoch ${msg.newEpoch} at epoch ${send.epoch}`,
      );
    }
    if (this.#sendSeq + 1 > this.limits.maxSeq) {
      throw new Violation(CloseReason.KEY_LIMIT_REACHED, 'no sequence number left for the REKEY ACK');
    }
    const suite = this.suite!;
    const nextSend = trafficKeys(
      suite,
      nextTrafficSecret(suite, send.secret, msg.newEpoch, msg.value),
      msg.newEpoch,
    );
    this.#recvNext = trafficKeys(
      suite,
      nextTrafficSecret(suite, this.#recv!.secret, msg.newEpoch, msg.value),
      msg.newEpoch,
    );
    const confirm = rekeyConfirm(suite, msg.value);
    wipe(msg.value);
    this.#seal(FrameType.REKEY, encodeRekeyPayload(RekeyKind.ACK, msg.newEpoch, confirm));
    wipeTraffic(send);
    this.#send = nextSend;
    this.#sendFrames = 0;
    this.#sendBytes = 0;
    this.emit({ type: 'rekey', epoch: msg.newEpoch });
  }

  /** Server: verify ACK, then commit both directions. */
  #onRekeyAck(msg: RekeyMessage): void {
    const pending = this.#pending;
    if (msg.kind !== RekeyKind.ACK)
      throw new Violation(CloseReason.REKEY_FAILED, 'server received a REKEY INIT');
    if (!pending) throw new Violation(CloseReason.REKEY_FAILED, 'REKEY ACK without a rekey in flight');
    if (msg.newEpoch !== pending.newEpoch) {
      throw new Violation(
        CloseReason.EPOCH_MISMATCH,
        `REKEY ACK for epoch ${msg.newEpoch}, expected ${pending.newEpoch}`,
      );
    }
    if (!constantTimeEqual(msg.value, pending.confirm))
      throw new Violation(CloseReason.REKEY_FAILED, 'bad REKEY confirm');
    this.#pending = undefined;
    wipe(pending.material, pending.confirm);
    // The ACK was the client's last frame under the old key: both directions move now.
    wipeTraffic(this.#send);
    wipeTraffic(this.#recv);
    this.#send = pending.nextSend;
    this.#recv = pending.nextRecv;
    this.#sendFrames = 0;
    this.#sendBytes = 0;
    this.#recvFrames = 0;
    this.#recvBytes = 0;
    this.emit({ type: 'rekey', epoch: pending.newEpoch });
  }

  /** Server: rekey once either direction's key has carried its soft limit. */
  #maybeAutoRekey(): void {
    if (this.role !== 'server' || this.#state !== 'established' || this.#pending) return;
    const l = this.limits;
    if (
      this.#sendFrames >= l.rekeyAfterFrames ||
      this.#sendBytes >= l.rekeyAfterBytes ||
      this.#recvFrames >= l.rekeyAfterFrames ||
      this.#recvBytes >= l.rekeyAfterBytes
    ) {
      this.#initRekey();
    }
  }

  // ---- close ---------------------------------------------------------------

  #fail(v: Violation): void {
    if (this.#state === 'closed') return;
    this.#closeWith(v.reason, v.message, 'local', true);
  }

  #closeWith(reason: CloseReason, message: string, initiator: 'local' | 'peer', notify: boolean): void {
    if (notify && initiator === 'local' && this.#send && this.#sendSeq + 1 <= this.limits.maxSeq) {
      try {
        this.#seal(FrameType.CLOSE, encodeClose({ reason, message: truncateUtf8(message) }));
      } catch {
        // Closing must not fail: without a CLOSE frame the peer fails on end of stream.
      }
    }
    this.#state = 'closed';
    this.#closeReason = reason;
    wipeTraffic(this.#send);
    wipeTraffic(this.#recv);
    wipeTraffic(this.#recvNext);
    if (this.#pending) {
      wipeTraffic(this.#pending.nextSend);
      wipeTraffic(this.#pending.nextRecv);
      wipe(this.#pending.material, this.#pending.confirm);
    }
    this.#send = undefined;
    this.#recv = undefined;
    this.#recvNext = undefined;
    this.#pending = undefined;
    this.onClosed();
    this.emit({ type: 'close', reason, message, initiator });
  }

  /** Lets a role wipe its handshake state. */
  protected onClosed(): void {}
}

function encodeRekeyPayload(kind: RekeyKind, newEpoch: number, value: Uint8Array): Uint8Array {
  return encodeRekey({ kind, newEpoch, value });
}

function decodeControl<T>(fn: () => T): T {
  try {
    return fn();
  } catch (cause) {
    throw new Violation(CloseReason.PROTOCOL_ERROR, 'malformed control payload', { cause });
  }
}

const utf8 = new TextEncoder();

/** Close messages longer than the wire limit are cut at a character boundary. */
function truncateUtf8(message: string): string {
  let m = String(message).slice(0, MAX_CLOSE_MESSAGE_BYTES).toWellFormed();
  while (utf8.encode(m).length > MAX_CLOSE_MESSAGE_BYTES) m = m.slice(0, -1);
  return m;
}

function reasonOption(reason: CloseReason | undefined): { reason?: CloseReason } {
  return reason === undefined ? {} : { reason };
}
