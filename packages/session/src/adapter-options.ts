import type { KeySource } from '@qsp/crypto-suite';
import { ClientConnection } from './client.js';
import { SessionError } from './errors.js';
import type { ClientOptions, CommonOptions, ServerOptions } from './options.js';
import { ServerConnection } from './server.js';

/** Client options for the IO adapters: `now` comes from the adapter's monotonic clock. */
export interface SecureClientOptions extends Omit<ClientOptions, 'now' | 'qkd' | 'vectoredOutput'> {
  /**
   * Mix a QKD key into the handshake: the adapter calls `keySource.newKey`
   * before the ClientHello and sends the key's id; the server fetches the
   * same key by id from its own KeySource.
   */
  readonly keySource?: KeySource;
  /** QKD key length in bytes (default 32). */
  readonly qkdKeyLength?: number;
}

/** Server options for the IO adapters. */
export interface SecureServerOptions extends Omit<ServerOptions, 'now' | 'vectoredOutput'> {
  /** Answers the client's QKD key id (`keyById`); needed when `qkd` is not 'off'. */
  readonly keySource?: KeySource;
}

const now = () => globalThis.performance.now();

/** What the adapter itself decides about its core: whether its transport takes vectored writes. */
type CoreChoices = Pick<CommonOptions, 'vectoredOutput'>;

/** Builds the client core, first drawing a QKD key when a KeySource is given. */
export async function createClientConnection(
  options: SecureClientOptions,
  core: CoreChoices = {},
): Promise<ClientConnection> {
  const { keySource, qkdKeyLength, ...rest } = options;
  if (keySource === undefined) return new ClientConnection({ ...rest, ...core, now: now() });
  let qkd: Awaited<ReturnType<KeySource['newKey']>>;
  try {
    qkd = await keySource.newKey(qkdKeyLength ?? 32);
  } catch (cause) {
    throw new SessionError('INVALID_OPTIONS', `KeySource ${keySource.id}: newKey failed`, { cause });
  }
  return new ClientConnection({ ...rest, ...core, qkd, now: now() });
}

export function createServerConnection(
  options: SecureServerOptions,
  core: CoreChoices = {},
): ServerConnection {
  const { keySource, ...rest } = options;
  if ((rest.qkd ?? 'off') !== 'off' && keySource === undefined) {
    throw new SessionError('INVALID_OPTIONS', "qkd 'optional' or 'required' needs a keySource");
  }
  return new ServerConnection({ ...rest, ...core, now: now() });
}
