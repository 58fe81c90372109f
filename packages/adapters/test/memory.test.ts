import { createMemoryStore } from '@outpace/adapters/memory';
import { describeStoreConformance } from './conformance/index.js';

describeStoreConformance('memory', async ({ clock }) => ({ store: createMemoryStore({ clock }) }));
