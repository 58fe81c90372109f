import { createLocationResolver } from '@outpace/compliance';
import type { CampaignGroup, Clock, Logger, OutpaceStore, TenantStores } from '@outpace/core';
import { importContacts } from '@outpace/core';
import { generatePassword, hashPassword } from './auth/password.js';

/** What the first start created, for the start-up banner. */
export interface SeedResult {
  tenantId: string;
  adminEmail: string;
  /** Set only when the password was generated (printed once). */
  generatedPassword?: string;
  demoListId?: string;
  /** The demo campaign group over the demo list (created unloaded; the server loads it at start). */
  demoGroupId?: string;
}

/** The agent group of the demo campaign (simulated agents: `OUTPACE_SIM_AGENTS`). */
export const DEMO_AGENT_GROUP = 'demo';

/**
 * The demo's dialing profile, template and group over the demo list:
 * predictive at 3% abandonment with answering-machine detection, no answers
 * retried once after 10 minutes and busy lines twice every 5 minutes.
 */
export async function seedDemoCampaign(stores: TenantStores, listId: string): Promise<CampaignGroup> {
  const profile = await stores.campaigns.profiles.create({
    name: 'Demo predictive',
    description: 'Predictive at 3% abandonment, AMD on (created at first start).',
    mode: 'predictive',
    pacing: { targetAbandonRate: 0.03 },
    amd: { enabled: true, machine: 'drop', fax: 'drop' },
    treatments: [
      { callResult: 'NoAnswer', action: 'retryIn', maxRetries: 1, intervalMs: 10 * 60_000 },
      { callResult: 'Busy', action: 'retryIn', maxRetries: 2, intervalMs: 5 * 60_000 },
    ],
    isDefault: true,
  });
  const template = await stores.campaigns.templates.create({
    name: 'Demo campaign',
    description: 'The demo list dialed by simulated agents (created at first start).',
    dialingProfileId: profile.id,
    agentGroupId: DEMO_AGENT_GROUP,
  });
  return stores.campaigns.groups.create({
    name: 'Demo group',
    description: 'Start it and watch it dial in simulation: POST /api/v1/campaign-groups/{id}/start.',
    templateId: template.id,
    lists: [{ listId, weight: 100 }],
  });
}

// Area codes across the NANP zones, so the demo list spans time zones.
const AREA_CODES = [
  '212',
  '305',
  '312',
  '415',
  '602',
  '808',
  '907',
  '303',
  '214',
  '617',
  '404',
  '702',
  '206',
  '787',
  '416',
  '604',
];
const FIRST = ['Ana', 'Ben', 'Chloé', 'Dev', 'Eve', 'Femi', 'Gus', 'Hana', 'Ivan', 'José', 'Kim', 'Lea'];
const LAST = ['Alvarez', 'Brown', 'Chen', 'Dubois', 'Evans', 'Fischer', 'García', 'Hughes', 'Ito', 'Jones'];

/** A small demo contact file: 240 contacts over 16 area codes, with a few bad rows to show rejects. */
export function demoContactsCsv(count = 240): string {
  const lines = ['ClientID,FirstName,LastName,Company,Device1,Device2,Other1,zip'];
  let seed = 42;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed;
  };
  for (let i = 1; i <= count; i++) {
    const area = AREA_CODES[i % AREA_CODES.length] as string;
    const exchange = 200 + (next() % 700);
    const line = String(next() % 10000).padStart(4, '0');
    const mobile = i % 3 === 0 ? `+1 ${area} ${((exchange + 11) % 900) + 100} ${line}` : '';
    const first = FIRST[i % FIRST.length] as string;
    const last = LAST[i % LAST.length] as string;
    lines.push(
      `D${String(i).padStart(5, '0')},${first},${last},Demo Co,(${area}) ${exchange}-${line},${mobile},${100 + (i % 900)},`,
    );
  }
  lines.push(
    'D90001,No,Phone,Demo Co,,,1,',
    'D90002,Bad,Number,Demo Co,555-12,,1,',
    'D00001,Dup,Licate,Demo Co,(212) 555-0199,,1,',
  );
  return `${lines.join('\n')}\n`;
}

/**
 * Seeds a fresh installation: a demo tenant, its administrator (credentials
 * from the environment or generated and printed once) and, when `demo` is
 * set, a demo contact list and a demo campaign group over it (dialing
 * profile, template, group; `bootstrap.ts` loads it). Does nothing when a
 * tenant already exists.
 */
export async function seedFirstStart(
  store: OutpaceStore,
  options: { adminEmail: string; adminPassword?: string | undefined; demo: boolean; clock: Clock; logger: Logger },
): Promise<SeedResult | undefined> {
  const existing = await store.tenants.list({ limit: 1 });
  if (existing.items.length > 0) return undefined;
  const tenant = await store.tenants.create({ name: 'Demo', settings: { defaultCountry: 'US' } });
  const password = options.adminPassword ?? generatePassword();
  await store.identity.createUser({
    tenantId: tenant.id,
    email: options.adminEmail,
    name: 'Administrator',
    role: 'admin',
    platformAdmin: true,
    passwordHash: await hashPassword(password),
    disabled: false,
  });
  const result: SeedResult = {
    tenantId: tenant.id,
    adminEmail: options.adminEmail,
    ...(options.adminPassword === undefined ? { generatedPassword: password } : {}),
  };
  if (options.demo) {
    const stores = store.forTenant(tenant.id);
    const imported = await importContacts({
      stores,
      input: Buffer.from(demoContactsCsv(), 'utf8'),
      fileName: 'demo-contacts.csv',
      settings: tenant.settings,
      uploadMode: 'CREATE',
      list: { name: 'Demo contacts', description: 'Generated at first start' },
      locationResolver: createLocationResolver(),
      clock: options.clock,
    });
    const listId = imported.lists[0]?.id;
    if (listId !== undefined) {
      result.demoListId = listId;
      result.demoGroupId = (await seedDemoCampaign(stores, listId)).id;
    }
    options.logger.info('demo list imported', {
      accepted: imported.counters.acceptedLines,
      rejected: imported.counters.rejectedLines,
    });
  }
  return result;
}
