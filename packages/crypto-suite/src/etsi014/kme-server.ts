import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import { createServer as createHttpsServer, type ServerOptions as HttpsServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { CryptoError } from '../errors.js';
import { KmeNetwork, type KmeSimulatorOptions } from './kme-core.js';

export interface KmeServerOptions extends KmeSimulatorOptions {
  /** A loopback address: the simulator authenticates nobody. Default 127.0.0.1. */
  readonly host?: '127.0.0.1' | '::1' | 'localhost';
  /**
   * Serve HTTPS with these node:https options (key, cert, and for mTLS ca +
   * requestCert + rejectUnauthorized), to exercise a client's TLS settings.
   */
  readonly tls?: HttpsServerOptions;
  /** Request bodies above this are refused with 413. Default 64 KiB. */
  readonly maxRequestBytes?: number;
}

export interface KmeSimulator {
  readonly saeIds: readonly string[];
  /** The base URL of the KME serving this SAE (give it to that SAE's etsi014Client). */
  url(saeId: string): string;
  /** Keys delivered to `master` for `slave` and not yet fetched. */
  storedKeyCount(master: string, slave: string): number;
  /** Stops every KME, drops open connections and wipes the stored keys. */
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, json: unknown): void {
  const body = JSON.stringify(json);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(body);
}

async function readBody(req: IncomingMessage, limit: number): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  // Past the limit the rest is drained, not kept, so the 413 answer still reaches the client.
  for await (const chunk of req) {
    total += (chunk as Buffer).length;
    if (total <= limit) chunks.push(chunk as Buffer);
  }
  return total > limit ? undefined : Buffer.concat(chunks).toString('utf8');
}

/**
 * Starts a local ETSI GS QKD 014 KME network for tests and demos: one
 * node:http(s) server on a loopback port per SAE, all sharing one key store.
 * Not a production KME: keys come from the CSPRNG (or `keyMaterial`), no
 * caller is authenticated beyond which port it talks to.
 */
export async function startKmeSimulator(options: KmeServerOptions = {}): Promise<KmeSimulator> {
  const host = options.host ?? '127.0.0.1';
  if (!['127.0.0.1', '::1', 'localhost'].includes(host)) {
    throw new CryptoError('INVALID_ARGUMENT', 'the KME simulator listens on loopback only');
  }
  const network = new KmeNetwork(options);
  const maxRequestBytes = options.maxRequestBytes ?? 64 * 1024;
  const servers = new Map<string, { server: Server; url: string }>();

  const handler = (localSae: string) => async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const body = await readBody(req, maxRequestBytes);
      if (body === undefined) {
        res.setHeader('connection', 'close');
        send(res, 413, { message: 'request body too large' });
        return;
      }
      const url = new URL(req.url ?? '/', 'http://kme');
      const out = network.handle({
        localSae,
        method: req.method ?? 'GET',
        pathname: url.pathname,
        query: url.searchParams,
        body: req.method === 'POST' ? body : undefined,
      });
      send(res, out.status, out.json);
    } catch {
      if (!res.headersSent) send(res, 500, { message: 'internal error' });
      else res.destroy();
    }
  };

  try {
    for (const sae of network.saeIds) {
      const server: Server = options.tls
        ? createHttpsServer(options.tls, handler(sae))
        : createHttpServer(handler(sae));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      const { port } = server.address() as AddressInfo;
      const shownHost = host === '::1' ? '[::1]' : host;
      servers.set(sae, { server, url: `${options.tls ? 'https' : 'http'}://${shownHost}:${port}` });
    }
  } catch (e) {
    for (const { server } of servers.values()) server.close();
    throw e;
  }

  let closed: Promise<void> | undefined;
  return {
    saeIds: network.saeIds,
    url(saeId) {
      const s = servers.get(saeId);
      if (s === undefined) throw new CryptoError('INVALID_ARGUMENT', `no KME serves SAE "${saeId}"`);
      return s.url;
    },
    storedKeyCount: (master, slave) => network.storedKeyCount(master, slave),
    close() {
      closed ??= Promise.all(
        [...servers.values()].map(
          ({ server }) =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeAllConnections();
            }),
        ),
      ).then(() => network.wipe());
      return closed;
    },
  };
}
