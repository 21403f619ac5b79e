export { CloseReason, closeReasonName } from '@qsp/wire';
export type { SecureClientOptions, SecureServerOptions } from './adapter-options.js';
export { ClientConnection } from './client.js';
export { Connection, type Role } from './connection.js';
export { type Clock, Driver, type DriverIo, monotonicClock } from './driver.js';
export { isSessionError, SessionError, type SessionErrorCode } from './errors.js';
export type {
  CloseEvent,
  DataEvent,
  HandshakeEvent,
  QkdKeyRequestEvent,
  RekeyEvent,
  SessionEvent,
  SessionState,
} from './events.js';
export {
  type ApplicationSecrets,
  aeadNonce,
  applicationSecrets,
  finishedMac,
  type HandshakeSecrets,
  handshakeSecrets,
  inputKeyingMaterial,
  nextTrafficSecret,
  rekeyConfirm,
  type TrafficKeys,
  trafficKeys,
} from './key-schedule.js';
export { AEAD_BYTE_CEILING, AEAD_FRAME_CEILING, DEFAULT_LIMITS, type Limits } from './limits.js';
export {
  type ClientFinished,
  type ClientHello,
  type DecodedClientFinished,
  type DecodedServerHello,
  decodeClientFinished,
  decodeClientHello,
  decodeServerHello,
  encodeClientFinished,
  encodeClientHello,
  encodeServerHello,
  type KeyShare,
  type ServerHello,
} from './messages.js';
export type { ClientOptions, CommonOptions, PeerInfo, ServerOptions } from './options.js';
export { HandshakeType, KemGroup, PROTOCOL_VERSION, SIGNATURE_CONTEXT } from './protocol.js';
export { ServerConnection } from './server.js';
export { type ByteStreamPair, type SecureStreams, secureClientStreams, secureServerStreams } from './web.js';
export { type WebSocketLike, type WebSocketStreamsOptions, webSocketStreams } from './websocket.js';
