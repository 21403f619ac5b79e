// Node-only entry: everything here may import node:crypto. The root entry
// stays free of node: imports so it bundles for browsers.

export { type KmeTlsOptions, kmeTlsFetch } from './etsi014/tls-fetch.js';
export { auto, autoProvider } from './node/auto.js';
export { node } from './node/engine.js';
