import type { CloseReason } from '@qsp/wire';

export interface HandshakeEvent {
  readonly type: 'handshake';
  readonly sessionId: bigint;
  /** Id of the negotiated suite. */
  readonly suite: string;
  /** The peer's authenticated public key; undefined for a client the server did not authenticate. */
  readonly peerPublicKey: Uint8Array | undefined;
  /** The QKD key id mixed into the key schedule, if any. */
  readonly qkdKeyId: string | undefined;
}

/** Server only: fetch this key (e.g. KeySource.keyById) and pass it to provideQkdKey. */
export interface QkdKeyRequestEvent {
  readonly type: 'qkdKeyRequest';
  readonly keyId: string;
}

export interface DataEvent {
  readonly type: 'data';
  readonly data: Uint8Array;
}

/** This side now sends under `epoch`. */
export interface RekeyEvent {
  readonly type: 'rekey';
  readonly epoch: number;
}

export interface CloseEvent {
  readonly type: 'close';
  readonly reason: CloseReason;
  readonly message: string;
  /** 'peer' when an authenticated CLOSE arrived; 'local' when this side closed (by call or on a violation). */
  readonly initiator: 'local' | 'peer';
}

export type SessionEvent = HandshakeEvent | QkdKeyRequestEvent | DataEvent | RekeyEvent | CloseEvent;

export type SessionState = 'handshake' | 'established' | 'rekey' | 'closed';
