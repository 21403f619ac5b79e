import { Reader, Writer } from './bytes.js';
import { SessionError } from './errors.js';
import { Bounds, HandshakeType, PROTOCOL_VERSION, RANDOM_LENGTH } from './protocol.js';

export interface KeyShare {
  /** KEM group code point (KemGroup). */
  readonly group: number;
  readonly publicKey: Uint8Array;
}

export interface ClientHello {
  readonly version: number;
  readonly random: Uint8Array;
  /** Offered suite code points, most preferred first. */
  readonly suites: readonly number[];
  /** One ephemeral KEM public key per distinct KEM among the offered suites. */
  readonly keyShares: readonly KeyShare[];
  /** Id of the QKD key the client fetched for this handshake, when it mixes one in. */
  readonly qkdKeyId: string | undefined;
}

export interface ServerHello {
  readonly version: number;
  readonly random: Uint8Array;
  readonly sessionId: bigint;
  readonly suite: number;
  readonly group: number;
  readonly ciphertext: Uint8Array;
  readonly qkdKeyId: string | undefined;
  readonly clientAuthRequested: boolean;
  readonly publicKey: Uint8Array;
  readonly signature: Uint8Array;
  readonly finished: Uint8Array;
}

export interface ClientFinished {
  readonly identity: { readonly publicKey: Uint8Array; readonly signature: Uint8Array } | undefined;
  readonly finished: Uint8Array;
}

/** A decoded ServerHello plus where its signed and MACed prefixes end (transcript cut points). */
export interface DecodedServerHello extends ServerHello {
  /** Bytes [0, signedEnd) are covered by the server signature. */
  readonly signedEnd: number;
  /** Bytes [0, finishedEnd) are covered by the server finished MAC. */
  readonly finishedEnd: number;
}

export interface DecodedClientFinished extends ClientFinished {
  readonly signedEnd: number;
  readonly finishedEnd: number;
}

const textEncoder = new TextEncoder();

function keyIdBytes(keyId: string | undefined): Uint8Array {
  if (keyId === undefined) return new Uint8Array(0);
  const raw = textEncoder.encode(keyId);
  if (raw.length === 0 || raw.length > Bounds.maxKeyId || !keyId.isWellFormed()) {
    throw new SessionError('MALFORMED_HANDSHAKE', 'QKD key id must be 1..255 bytes of UTF-8');
  }
  return raw;
}

function checkRange(what: string, n: number, min: number, max: number): void {
  if (n < min || n > max)
    throw new SessionError('MALFORMED_HANDSHAKE', `${what} ${n} not in [${min}, ${max}]`);
}

function readKeyId(r: Reader): string | undefined {
  const id = r.text8('QKD key id', 0, Bounds.maxKeyId);
  return id.length === 0 ? undefined : id;
}

function readType(r: Reader, expected: HandshakeType, name: string): void {
  const type = r.u8('handshake type');
  if (type !== expected)
    throw new SessionError('MALFORMED_HANDSHAKE', `expected ${name}, got handshake type ${type}`);
}

function readVersion(r: Reader): number {
  const version = r.u16('version');
  if (version !== PROTOCOL_VERSION) {
    throw new SessionError('MALFORMED_HANDSHAKE', `unsupported protocol version 0x${version.toString(16)}`);
  }
  return version;
}

/**
 * ClientHello = type(1) | version u16 | random[32] | u8 n | n x suite u16 |
 * u8 m | m x (group u16 | u16 len | public key) | u8 len | QKD key id (0 = none)
 */
export function encodeClientHello(ch: ClientHello): Uint8Array {
  checkRange('suite count', ch.suites.length, 1, Bounds.maxSuites);
  checkRange('key share count', ch.keyShares.length, 1, Bounds.maxKeyShares);
  checkRange('random length', ch.random.length, RANDOM_LENGTH, RANDOM_LENGTH);
  const w = new Writer().u8(HandshakeType.CLIENT_HELLO).u16(ch.version).bytes(ch.random).u8(ch.suites.length);
  for (const s of ch.suites) w.u16(s);
  w.u8(ch.keyShares.length);
  for (const share of ch.keyShares) {
    checkRange('KEM public key length', share.publicKey.length, 1, Bounds.maxKemPublicKey);
    w.u16(share.group).vec16(share.publicKey);
  }
  return w.vec8(keyIdBytes(ch.qkdKeyId)).finish();
}

export function decodeClientHello(bytes: Uint8Array): ClientHello {
  const r = new Reader(bytes);
  readType(r, HandshakeType.CLIENT_HELLO, 'ClientHello');
  const version = readVersion(r);
  const random = r.bytes(RANDOM_LENGTH, 'client random');
  const suiteCount = r.u8('suite count');
  checkRange('suite count', suiteCount, 1, Bounds.maxSuites);
  const suites: number[] = [];
  for (let i = 0; i < suiteCount; i++) {
    const s = r.u16('suite');
    if (suites.includes(s))
      throw new SessionError('MALFORMED_HANDSHAKE', `suite 0x${s.toString(16)} offered twice`);
    suites.push(s);
  }
  const shareCount = r.u8('key share count');
  checkRange('key share count', shareCount, 1, Bounds.maxKeyShares);
  const keyShares: KeyShare[] = [];
  for (let i = 0; i < shareCount; i++) {
    const group = r.u16('key share group');
    if (keyShares.some((k) => k.group === group)) {
      throw new SessionError('MALFORMED_HANDSHAKE', `two key shares for group 0x${group.toString(16)}`);
    }
    keyShares.push({ group, publicKey: r.vec16('KEM public key', 1, Bounds.maxKemPublicKey) });
  }
  const qkdKeyId = readKeyId(r);
  r.end('ClientHello');
  return { version, random, suites, keyShares, qkdKeyId };
}

/** The ServerHello fields the signature covers, i.e. everything before the signature. */
export function encodeServerHelloSigned(sh: Omit<ServerHello, 'signature' | 'finished'>): Uint8Array {
  checkRange('random length', sh.random.length, RANDOM_LENGTH, RANDOM_LENGTH);
  checkRange('KEM ciphertext length', sh.ciphertext.length, 1, Bounds.maxKemCiphertext);
  checkRange('public key length', sh.publicKey.length, 1, Bounds.maxSignaturePublicKey);
  return new Writer()
    .u8(HandshakeType.SERVER_HELLO)
    .u16(sh.version)
    .bytes(sh.random)
    .u64(sh.sessionId)
    .u16(sh.suite)
    .u16(sh.group)
    .vec16(sh.ciphertext)
    .vec8(keyIdBytes(sh.qkdKeyId))
    .u8(sh.clientAuthRequested ? 1 : 0)
    .vec16(sh.publicKey)
    .finish();
}

export function encodeSignatureField(signature: Uint8Array): Uint8Array {
  checkRange('signature length', signature.length, 1, Bounds.maxSignature);
  return new Writer().vec16(signature).finish();
}

export function encodeFinishedField(finished: Uint8Array): Uint8Array {
  checkRange('finished length', finished.length, Bounds.minFinished, Bounds.maxFinished);
  return new Writer().vec8(finished).finish();
}

/**
 * ServerHello = type(2) | version u16 | random[32] | session_id u64 | suite u16 |
 * group u16 | u16 len | KEM ciphertext | u8 len | QKD key id | client_auth u8 |
 * u16 len | server public key | u16 len | signature | u8 len | finished
 */
export function encodeServerHello(sh: ServerHello): Uint8Array {
  return new Writer()
    .bytes(encodeServerHelloSigned(sh))
    .bytes(encodeSignatureField(sh.signature))
    .bytes(encodeFinishedField(sh.finished))
    .finish();
}

export function decodeServerHello(bytes: Uint8Array): DecodedServerHello {
  const r = new Reader(bytes);
  readType(r, HandshakeType.SERVER_HELLO, 'ServerHello');
  const version = readVersion(r);
  const random = r.bytes(RANDOM_LENGTH, 'server random');
  const sessionId = r.u64('session id');
  if (sessionId === 0n)
    throw new SessionError('MALFORMED_HANDSHAKE', 'session id 0 is reserved for the ClientHello');
  const suite = r.u16('suite');
  const group = r.u16('group');
  const ciphertext = r.vec16('KEM ciphertext', 1, Bounds.maxKemCiphertext);
  const qkdKeyId = readKeyId(r);
  const auth = r.u8('client auth flag');
  if (auth > 1) throw new SessionError('MALFORMED_HANDSHAKE', `client auth flag ${auth} is not 0 or 1`);
  const publicKey = r.vec16('server public key', 1, Bounds.maxSignaturePublicKey);
  const signedEnd = r.offset;
  const signature = r.vec16('signature', 1, Bounds.maxSignature);
  const finishedEnd = r.offset;
  const finished = r.vec8('finished', Bounds.minFinished, Bounds.maxFinished);
  r.end('ServerHello');
  return {
    version,
    random,
    sessionId,
    suite,
    group,
    ciphertext,
    qkdKeyId,
    clientAuthRequested: auth === 1,
    publicKey,
    signature,
    finished,
    signedEnd,
    finishedEnd,
  };
}

/** The ClientFinished prefix the client signature covers. */
export function encodeClientFinishedSigned(publicKey: Uint8Array | undefined): Uint8Array {
  const w = new Writer().u8(HandshakeType.CLIENT_FINISHED);
  if (publicKey === undefined) return w.u8(0).finish();
  checkRange('public key length', publicKey.length, 1, Bounds.maxSignaturePublicKey);
  return w.u8(1).vec16(publicKey).finish();
}

/**
 * ClientFinished = type(3) | has_identity u8 | [u16 len | client public key |
 * u16 len | signature] | u8 len | finished
 */
export function encodeClientFinished(cf: ClientFinished): Uint8Array {
  const w = new Writer().bytes(encodeClientFinishedSigned(cf.identity?.publicKey));
  if (cf.identity) w.bytes(encodeSignatureField(cf.identity.signature));
  return w.bytes(encodeFinishedField(cf.finished)).finish();
}

export function decodeClientFinished(bytes: Uint8Array): DecodedClientFinished {
  const r = new Reader(bytes);
  readType(r, HandshakeType.CLIENT_FINISHED, 'ClientFinished');
  const has = r.u8('identity flag');
  if (has > 1) throw new SessionError('MALFORMED_HANDSHAKE', `identity flag ${has} is not 0 or 1`);
  let identity: ClientFinished['identity'];
  let signedEnd = r.offset;
  if (has === 1) {
    const publicKey = r.vec16('client public key', 1, Bounds.maxSignaturePublicKey);
    signedEnd = r.offset;
    identity = { publicKey, signature: r.vec16('signature', 1, Bounds.maxSignature) };
  }
  const finishedEnd = r.offset;
  const finished = r.vec8('finished', Bounds.minFinished, Bounds.maxFinished);
  r.end('ClientFinished');
  return { identity, finished, signedEnd, finishedEnd };
}
