// Node-only entry (@qsp/session/node): node:net and node:stream adapters.
// The root entry stays free of node: imports so it bundles for browsers.
export {
  type ConnectOptions,
  connect,
  createServer,
  QspServer,
  QspSocket,
  type SecureClientOptions,
  type SecureServerOptions,
} from './node/index.js';
