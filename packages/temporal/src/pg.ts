export { PgStore, type PgStoreOptions } from './pg-store.js';
