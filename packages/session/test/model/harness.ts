import { CloseReason, DEFAULT_MAX_PAYLOAD, encodeFrame, FrameType, HEADER_LENGTH } from '@qsp/wire';
import fc from 'fast-check';
import {
  ClientConnection,
  type Connection,
  isSessionError,
  ServerConnection,
  type SessionEvent,
} from '../../src/index.js';
import { MLKEM_CHACHA, SERVER_ID } from '../helpers.js';
import { recordingSuite } from './recording-suite.js';

type Side = 'client' | 'server';
const other = (s: Side): Side => (s === 'client' ? 'server' : 'client');

interface Sent {
  readonly bytes: Uint8Array;
  readonly type: number;
  readonly epoch: number;
  readonly seq: number;
}

/** What the receiving side of one direction must accept next. */
interface Receiver {
  expectedSeq: number;
  epoch: number;
  /** Client only: an INIT arrived, so the next epoch's key is known. */
  nextKnown: boolean;
  closed: boolean;
  /** The reason the model predicts (set when the model closes it). */
  reason: CloseReason | undefined;
}

export interface Real {
  readonly conn: Record<Side, Connection>;
  /** In flight towards the key side. */
  readonly queue: Record<Side, Sent[]>;
  /** Every frame ever sent towards the key side, by seq (replay source). */
  readonly history: Record<Side, Sent[]>;
  readonly sentData: Record<Side, string[]>;
  readonly delivered: Record<Side, string[]>;
  readonly recv: Record<Side, Receiver>;
  readonly pairs: Set<string>;
  readonly reused: string[];
  sessionId: bigint;
  counter: number;
  log: string[];
}

const decoder = new TextDecoder();

function parse(bytes: Uint8Array): Sent {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { bytes, type: v.getUint8(0), epoch: v.getUint32(10), seq: v.getUint32(14) };
}

export function setup(): Real {
  const { suite, pairs, reused } = recordingSuite(MLKEM_CHACHA);
  const limits = { rekeyAfterFrames: 5, maxFramesPerKey: 12, maxRecordSize: 64 };
  const client = new ClientConnection({ suites: suite, now: 0, serverKeys: [SERVER_ID.publicKey], limits });
  const server = new ServerConnection({ suites: suite, now: 0, identity: SERVER_ID, limits });
  for (let i = 0; i < 4; i++) {
    for (const f of client.takeOutput()) server.receive(f, 0);
    for (const f of server.takeOutput()) client.receive(f, 0);
  }
  client.takeEvents();
  server.takeEvents();
  if (client.state !== 'established' || server.state !== 'established')
    throw new Error('handshake failed in setup');
  const receiver = (): Receiver => ({
    expectedSeq: 1,
    epoch: 1,
    nextKnown: false,
    closed: false,
    reason: undefined,
  });
  return {
    conn: { client, server },
    queue: { client: [], server: [] },
    history: { client: [], server: [] },
    sentData: { client: [], server: [] },
    delivered: { client: [], server: [] },
    recv: { client: receiver(), server: receiver() },
    pairs,
    reused,
    sessionId: client.sessionId,
    counter: 0,
    log: [],
  };
}

/** Moves a side's output onto the wire towards its peer and its events into the record. */
function collect(r: Real, side: Side): void {
  for (const bytes of r.conn[side].takeOutput()) {
    const sent = parse(bytes);
    r.queue[other(side)].push(sent);
    r.history[other(side)].push(sent);
  }
  for (const e of r.conn[side].takeEvents()) onEvent(r, side, e);
}

function onEvent(r: Real, side: Side, e: SessionEvent): void {
  if (e.type === 'data') r.delivered[side].push(decoder.decode(e.data));
}

/**
 * The model's verdict for a frame arriving at `to`: undefined to accept it,
 * or the reason the receiver must close with.
 */
function verdict(r: Real, to: Side, frame: Uint8Array): CloseReason | undefined {
  if (frame.length < HEADER_LENGTH) return undefined;
  const v = new DataView(frame.buffer, frame.byteOffset, frame.byteLength);
  const type = v.getUint8(0);
  if (type < 1 || type > 4 || v.getUint8(1) !== 0) return CloseReason.PROTOCOL_ERROR;
  if (v.getUint32(18) > DEFAULT_MAX_PAYLOAD) return CloseReason.PROTOCOL_ERROR;
  if (type === FrameType.HANDSHAKE) return CloseReason.PROTOCOL_ERROR;
  if (v.getBigUint64(2) !== r.sessionId) return CloseReason.PROTOCOL_ERROR;
  const m = r.recv[to];
  const epoch = v.getUint32(10);
  if (epoch !== m.epoch && !(m.nextKnown && epoch === m.epoch + 1)) return CloseReason.EPOCH_MISMATCH;
  const seq = v.getUint32(14);
  if (seq !== m.expectedSeq) return CloseReason.SEQUENCE_MISMATCH;
  const genuine = r.history[to].find((s) => s.seq === seq);
  if (!genuine || Buffer.compare(genuine.bytes, frame) !== 0) return CloseReason.AEAD_DECRYPT_FAILED;
  return undefined;
}

/** Delivers raw bytes (one frame or an adversary's) to `to` and checks the outcome against the model. */
function deliver(r: Real, to: Side, frame: Uint8Array, label: string): void {
  r.log.push(`${label} -> ${to} (${frame.length} bytes)`);
  const m = r.recv[to];
  const conn = r.conn[to];
  const wasClosed = conn.state === 'closed';
  const reason = wasClosed ? undefined : verdict(r, to, frame);
  const before = r.delivered[to].length;
  conn.receive(frame, 0);
  if (wasClosed) {
    // After close nothing is processed: no event, no byte out.
    if (conn.takeEvents().length !== 0 || conn.takeOutput().length !== 0)
      throw new Error('closed side processed input');
    return;
  }
  if (reason !== undefined) {
    m.closed = true;
    m.reason = reason;
    if (conn.closeReason !== reason) {
      throw new Error(`${to} closed with ${String(conn.closeReason)}, model expected ${reason} (${label})`);
    }
  } else if (frame.length >= HEADER_LENGTH) {
    const sent = parse(frame);
    m.expectedSeq++;
    if (to === 'client') {
      if (sent.epoch === m.epoch + 1) {
        m.epoch++;
        m.nextKnown = false;
      }
      if (sent.type === FrameType.REKEY) m.nextKnown = true;
    } else if (sent.type === FrameType.REKEY) {
      m.epoch++;
    }
    if (sent.type === FrameType.CLOSE) {
      m.closed = true;
      if (conn.closeReason !== r.conn[other(to)].closeReason)
        throw new Error('peer CLOSE reason not carried over');
    }
  }
  collect(r, to);
  if (r.delivered[to].length > before && reason !== undefined)
    throw new Error('data delivered from a rejected frame');
}

function checkInvariants(r: Real): void {
  for (const side of ['client', 'server'] as const) {
    const got = r.delivered[side];
    const sent = r.sentData[other(side)];
    for (let i = 0; i < got.length; i++) {
      if (got[i] !== sent[i]) throw new Error(`${side} delivered ${got[i]} at ${i}, peer sent ${sent[i]}`);
    }
    const m = r.recv[side];
    if (m.reason !== undefined && r.conn[side].closeReason !== m.reason)
      throw new Error(`${side} close reason drifted`);
  }
  if (r.reused.length > 0) throw new Error(`(key, nonce) reused: ${r.reused[0]}`);
}

type Action = (r: Real) => void;

class Step implements fc.Command<object, Real> {
  constructor(
    readonly name: string,
    readonly act: Action,
  ) {}
  check(): boolean {
    return true;
  }
  run(_: object, r: Real): void {
    this.act(r);
    collect(r, 'client');
    collect(r, 'server');
    checkInvariants(r);
  }
  toString(): string {
    return this.name;
  }
}

function send(side: Side): Action {
  return (r) => {
    const msg = `${side[0]}${r.counter++}`;
    try {
      r.conn[side].send(new TextEncoder().encode(msg), 0);
      r.sentData[side].push(msg);
    } catch (e) {
      if (!isSessionError(e, 'CLOSED') && !isSessionError(e, 'KEY_LIMIT_REACHED')) throw e;
      if (r.conn[side].state !== 'closed') throw new Error('send refused on an open session');
    }
  };
}

const direction = fc.constantFrom<Side>('client', 'server');

export function commands(): fc.Arbitrary<fc.Command<object, Real>>[] {
  const take = (r: Real, to: Side) => r.queue[to].shift();
  return [
    direction.map((s) => new Step(`send(${s})`, send(s))),
    fc.constant(
      new Step('rekey', (r) => {
        try {
          (r.conn.server as ServerConnection).rekey(0);
        } catch (e) {
          if (!isSessionError(e, 'REKEY_IN_PROGRESS') && !isSessionError(e, 'CLOSED')) throw e;
        }
      }),
    ),
    direction.map((s) => new Step(`close(${s})`, (r) => r.conn[s].close(CloseReason.NORMAL, 'bye', 0))),
    // Honest delivery is the most common step so sessions make progress.
    ...Array.from({ length: 4 }, () =>
      direction.map(
        (to) =>
          new Step(`deliver(${to})`, (r) => {
            const f = take(r, to);
            if (f) deliver(r, to, f.bytes, 'deliver');
          }),
      ),
    ),
    direction.map((to) => new Step(`drop(${to})`, (r) => void take(r, to))),
    direction.map(
      (to) =>
        new Step(`duplicate(${to})`, (r) => {
          const f = r.queue[to][0];
          if (f) r.queue[to].unshift(f);
        }),
    ),
    fc.tuple(direction, fc.nat()).map(
      ([to, i]) =>
        new Step(`replay(${to}, ${i})`, (r) => {
          const h = r.history[to];
          if (h.length > 0) deliver(r, to, h[i % h.length]!.bytes, 'replay');
        }),
    ),
    direction.map(
      (to) =>
        new Step(`reorder(${to})`, (r) => {
          const q = r.queue[to];
          if (q.length >= 2) [q[0], q[1]] = [q[1]!, q[0]!];
        }),
    ),
    fc.tuple(direction, fc.nat()).map(
      ([to, n]) =>
        new Step(`truncate(${to}, ${n})`, (r) => {
          const f = take(r, to);
          if (!f) return;
          // Shorter payload with a consistent length field: framing holds, the tag cannot.
          const payload = f.bytes.subarray(HEADER_LENGTH);
          const cut = payload.subarray(0, n % Math.max(1, payload.length));
          deliver(
            r,
            to,
            encodeFrame({
              type: f.type as FrameType,
              sessionId: r.sessionId,
              epoch: f.epoch,
              seq: f.seq,
              payload: cut,
            }),
            'truncate',
          );
        }),
    ),
    fc.tuple(direction, fc.integer({ min: 0, max: 17 }), fc.integer({ min: 0, max: 7 })).map(
      ([to, byte, bit]) =>
        new Step(`flipHeader(${to}, ${byte}, ${bit})`, (r) => {
          const f = take(r, to);
          if (!f) return;
          const b = f.bytes.slice();
          b[byte]! ^= 1 << bit;
          deliver(r, to, b, 'flipHeader');
        }),
    ),
    fc.tuple(direction, fc.nat(), fc.integer({ min: 0, max: 7 })).map(
      ([to, byte, bit]) =>
        new Step(`flipPayload(${to}, ${byte}, ${bit})`, (r) => {
          const f = take(r, to);
          if (!f) return;
          const b = f.bytes.slice();
          const i = HEADER_LENGTH + (byte % (b.length - HEADER_LENGTH));
          b[i]! ^= 1 << bit;
          deliver(r, to, b, 'flipPayload');
        }),
    ),
    fc
      .tuple(
        direction,
        fc.constantFrom(FrameType.APP_DATA, FrameType.REKEY, FrameType.CLOSE),
        fc.uint8Array({ maxLength: 80 }),
        fc.boolean(),
      )
      .map(
        ([to, type, payload, aimed]) =>
          new Step(`inject(${to}, ${type}, ${payload.length}, ${aimed})`, (r) => {
            // Aimed forgeries carry exactly the epoch and seq the receiver expects (forged CLOSE / REKEY).
            const m = r.recv[to];
            const epoch = aimed ? m.epoch : m.epoch + 7;
            deliver(
              r,
              to,
              encodeFrame({ type, sessionId: r.sessionId, epoch, seq: m.expectedSeq, payload }),
              'inject',
            );
          }),
      ),
  ];
}

/** `long` draws command lists of up to maxCommands (fuzz size); otherwise fast-check's default, shorter lists. */
export function runModel(numRuns: number, maxCommands: number, seed?: number, long = false): void {
  fc.assert(
    fc.property(fc.commands(commands(), long ? { maxCommands, size: 'max' } : { maxCommands }), (cmds) => {
      fc.modelRun(() => ({ model: {}, real: setup() }), cmds);
    }),
    { numRuns, ...(seed === undefined ? {} : { seed }) },
  );
}
