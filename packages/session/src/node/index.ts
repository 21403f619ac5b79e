import { createConnection, Server, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import {
  createServerConnection,
  type SecureClientOptions,
  type SecureServerOptions,
} from '../adapter-options.js';
import { QspSocket } from './socket.js';

export type { SecureClientOptions, SecureServerOptions } from '../adapter-options.js';
export { QspSocket } from './socket.js';

export interface ConnectOptions extends SecureClientOptions {
  readonly host?: string;
  readonly port?: number;
  /** Run over this already-connected Duplex instead of opening a TCP connection. */
  readonly socket?: Duplex;
}

/**
 * Opens a QSP session to `host:port` (or over `socket`), like tls.connect.
 * `onSecure` runs once the handshake has authenticated the server.
 */
export function connect(options: ConnectOptions, onSecure?: () => void): QspSocket {
  const { host, port, socket, ...session } = options;
  let transport: Duplex;
  if (socket !== undefined) transport = socket;
  else {
    if (port === undefined) throw new TypeError('connect() needs port or socket');
    const tcp = createConnection({ host: host ?? 'localhost', port });
    tcp.setNoDelay(true);
    transport = tcp;
  }
  const qsp = QspSocket.client(transport, session);
  if (onSecure) qsp.once('secure', onSecure);
  return qsp;
}

/**
 * A TCP server whose connections are QSP sessions, like tls.createServer:
 * 'secureConnection' fires with a QspSocket once a client finished its
 * handshake; 'sessionError' reports connections that failed before that.
 */
export class QspServer extends Server {
  readonly #options: SecureServerOptions;

  constructor(options: SecureServerOptions, onSecureConnection?: (socket: QspSocket) => void) {
    super();
    // Fail at construction, not on the first connection.
    createServerConnection(options);
    this.#options = options;
    if (onSecureConnection) this.on('secureConnection', onSecureConnection);
    this.on('connection', (tcp: Socket) => this.#accept(tcp));
  }

  #accept(tcp: Socket): void {
    tcp.setNoDelay(true);
    let qsp: QspSocket;
    try {
      qsp = QspSocket.server(tcp, this.#options);
    } catch (error) {
      tcp.destroy();
      this.emit('sessionError', error, undefined);
      return;
    }
    const onError = (error: Error) => this.emit('sessionError', error, qsp);
    qsp.once('error', onError);
    qsp.once('secure', () => {
      qsp.off('error', onError);
      this.emit('secureConnection', qsp);
    });
  }
}

export function createServer(
  options: SecureServerOptions,
  onSecureConnection?: (socket: QspSocket) => void,
): QspServer {
  return new QspServer(options, onSecureConnection);
}
