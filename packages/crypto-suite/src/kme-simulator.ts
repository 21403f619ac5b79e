// Node-only entry: a local ETSI GS QKD 014 KME network for tests and demos.
export type { KmeSimulatorOptions } from './etsi014/kme-core.js';
export { type KmeServerOptions, type KmeSimulator, startKmeSimulator } from './etsi014/kme-server.js';
