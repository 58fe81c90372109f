import { createMemoryStore } from '@outpace/adapters/memory';
import { describeStoreConformance } from './conformance/index.js';

describeStoreConformance('memory', async ({ clock }) => ({ store: createMemoryStore({ clock }) }));

// The plain-object encoding must give the same answers as the compact one.
describeStoreConformance('memory (objects)', async ({ clock }) => ({
  store: createMemoryStore({ clock, contactEncoding: 'objects' }),
}));
