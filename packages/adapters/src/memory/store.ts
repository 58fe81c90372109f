import type { Clock, OutpaceStore, StoreCapabilities, TenantStores } from '@outpace/core';
import {
  DRIVEN_GROUP_STATES,
  IdSchema,
  NewDataMappingSchema,
  NewLabelSchemaSchema,
  NewListRuleSchema,
  NewSpecFileSchema,
  systemClock,
} from '@outpace/core';
import { z } from 'zod';
import { createAutomationState, createMemoryAutomations, createMemorySchedulerRuns } from './automations.js';
import { type CampaignState, createCampaignState, createMemoryCampaigns } from './campaigns.js';
import { createMemoryRecords, createRecordState } from './campaigns-records.js';
import { createCompactStorage } from './compact/index.js';
import { createComplianceState, createMemoryCompliance } from './compliance.js';
import { createMemoryContacts } from './contacts.js';
import { createMemoryCrud } from './crud.js';
import { createMemoryIdentity } from './identity.js';
import { createMemoryImportJobs } from './import-jobs.js';
import { createMemoryLists } from './lists.js';
import { createObjectContactTable, createObjectStaging } from './object-table.js';
import { createMemorySuppression } from './suppression.js';
import type { ContactStorage, TenantState } from './tenant-state.js';
import { createTenantState } from './tenant-state.js';
import { createMemoryTenants } from './tenants.js';
import { parseInput } from './validate.js';

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** Source of `createdAt`/`updatedAt`, suppression expiry and ids. @default systemClock */
  clock?: Clock;
  /** Adapter name reported by `store.name`. @default 'memory' */
  name?: string;
  /**
   * How contacts are kept: `compact` encodes each into shared byte buffers
   * (about 150 bytes for a contact with three devices); `objects` keeps plain
   * objects (about 1 KB each; simplest, for debugging). @default 'compact'
   */
  contactEncoding?: 'compact' | 'objects';
}

const OptionsSchema = z.object({
  clock: z
    .custom<Clock>((c) => typeof (c as Clock | undefined)?.now === 'function', 'clock needs a now() method')
    .optional(),
  name: z.string().min(1).max(64).optional(),
  contactEncoding: z.enum(['compact', 'objects']).optional(),
});

const NowSchema = z.number().int().nonnegative();

const capabilities: StoreCapabilities = Object.freeze({ nativeSelection: false, shared: false, durable: false });

/**
 * Creates the in-memory store: the reference implementation of every store
 * port, for tests, demos and single-process embedding. Data lives in this
 * process only. Each tenant's data is kept in its own state object, and
 * nothing reachable from `forTenant(a)` refers to another tenant's.
 *
 * @example
 * import { createMemoryStore } from '@outpace/adapters/memory';
 *
 * const store = createMemoryStore();
 * const tenant = await store.tenants.create({ name: 'Acme' });
 * const { lists, contacts } = store.forTenant(tenant.id);
 * const list = await lists.create({ name: 'Spring campaign' });
 * await contacts.add(list.id, { clientId: 'C1', devices: [{ index: 1, type: 'mobile', value: '+12125550123' }] }, 'APPEND_ONLY');
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): OutpaceStore {
  const parsed = parseInput(OptionsSchema, options, 'Memory store options');
  const clock = parsed.clock ?? systemClock;
  const storageFor = (): ContactStorage =>
    parsed.contactEncoding === 'objects'
      ? { createTable: createObjectContactTable, createStaging: createObjectStaging }
      : createCompactStorage();
  const views = new Map<string, TenantStores>();
  const campaignStates = new Map<string, CampaignState>();
  const identity = createMemoryIdentity(clock);
  let closed = false;

  const view = (state: TenantState, storage: ContactStorage): TenantStores => {
    const campaignState = createCampaignState();
    campaignStates.set(state.tenantId, campaignState);
    const { records, attempts } = createMemoryRecords(createRecordState(), campaignState, clock);
    const automationState = createAutomationState();
    return Object.freeze({
      tenantId: state.tenantId,
      lists: createMemoryLists(state, storage, clock),
      contacts: createMemoryContacts(state, storage, clock),
      suppression: createMemorySuppression(state, clock),
      importJobs: createMemoryImportJobs(state, clock),
      listRules: createMemoryCrud({
        items: state.listRules,
        schema: NewListRuleSchema,
        prefix: 'rul',
        noun: 'List rule',
        clock,
      }),
      labels: createMemoryCrud({
        items: state.labels,
        schema: NewLabelSchemaSchema,
        prefix: 'lbl',
        noun: 'Labeling schema',
        clock,
      }),
      dataMappings: createMemoryCrud({
        items: state.dataMappings,
        schema: NewDataMappingSchema,
        prefix: 'map',
        noun: 'Data mapping',
        clock,
      }),
      specFiles: createMemoryCrud({
        items: state.specFiles,
        schema: NewSpecFileSchema,
        prefix: 'spc',
        noun: 'Spec file',
        clock,
      }),
      campaigns: createMemoryCampaigns(campaignState, clock),
      records,
      attempts,
      automations: createMemoryAutomations(automationState, clock),
      schedulerRuns: createMemorySchedulerRuns(automationState, clock),
      compliance: createMemoryCompliance(createComplianceState(), clock),
      identity: identity.forTenant(state.tenantId),
    });
  };

  return {
    name: parsed.name ?? 'memory',
    capabilities,
    tenants: createMemoryTenants(clock),
    identity: identity.identity,
    forTenant(tenantId) {
      const id = parseInput(IdSchema, tenantId, 'Tenant id');
      let stores = views.get(id);
      if (stores === undefined) {
        const state = createTenantState(id);
        stores = view(state, storageFor());
        views.set(id, stores);
      }
      return stores;
    },
    async tenantsWithUnheldGroups(now) {
      const at = parseInput(NowSchema, now, 'Instant');
      const ids: string[] = [];
      for (const [tenantId, state] of campaignStates) {
        for (const group of state.groups.values()) {
          if (!DRIVEN_GROUP_STATES.includes(group.state)) continue;
          if (group.lease === undefined || group.lease.expiresAt <= at) {
            ids.push(tenantId);
            break;
          }
        }
      }
      return ids.sort();
    },
    async close() {
      if (closed) return;
      closed = true;
    },
  };
}
