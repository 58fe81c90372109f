import { afterAll, beforeAll, describe } from 'vitest';
import { automationsSuite } from './automations.js';
import { campaignsSuite } from './campaigns.js';
import { complianceStoresSuite } from './compliance-stores.js';
import { contactsSuite } from './contacts.js';
import type { OpenStore } from './context.js';
import { createSuiteContext } from './context.js';
import { crudAndJobsSuite } from './crud-jobs.js';
import { identitySuite } from './identity.js';
import { importsSuite } from './imports.js';
import { isolationSuite } from './isolation.js';
import { selectionSuite } from './selection.js';
import { suppressionSuite } from './suppression.js';
import { tenantsAndListsSuite } from './tenants-lists.js';

export type { ConformanceTarget, OpenStore, SuiteContext } from './context.js';

/**
 * Registers the store conformance suite: every method of every port in
 * `@outpace/core`'s `ports/stores.ts`, through the ports only, so any adapter
 * can run it. `open` is called once; tests use fresh tenants, so they never
 * see each other's data.
 *
 * @example
 * describeStoreConformance('memory', async ({ clock }) => ({ store: createMemoryStore({ clock }) }));
 */
export function describeStoreConformance(name: string, open: OpenStore): void {
  describe(`${name} store conformance`, () => {
    const ctx = createSuiteContext();
    beforeAll(() => ctx.open(open));
    afterAll(() => ctx.close());
    tenantsAndListsSuite(ctx);
    contactsSuite(ctx);
    importsSuite(ctx);
    selectionSuite(ctx);
    suppressionSuite(ctx);
    crudAndJobsSuite(ctx);
    isolationSuite(ctx);
    campaignsSuite(ctx);
    automationsSuite(ctx);
    complianceStoresSuite(ctx);
    identitySuite(ctx);
  });
}
