/**
 * @outpace/adapters/memory: the in-memory reference implementation of
 * Outpace's store ports.
 */

export type { MemoryIdentity } from './identity.js';
export { createMemoryIdentity } from './identity.js';
export type { MemoryStoreOptions } from './store.js';
export { createMemoryStore } from './store.js';
