import { createLocationResolver } from '@outpace/compliance';
import type { Clock, Logger, OutpaceStore } from '@outpace/core';
import { importContacts } from '@outpace/core';
import { generatePassword, hashPassword } from './auth/password.js';

/** What the first start created, for the start-up banner. */
export interface SeedResult {
  tenantId: string;
  adminEmail: string;
  /** Set only when the password was generated (printed once). */
  generatedPassword?: string;
  demoListId?: string;
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
 * set, a demo contact list. Does nothing when a tenant already exists.
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
    if (listId !== undefined) result.demoListId = listId;
    options.logger.info('demo list imported', {
      accepted: imported.counters.acceptedLines,
      rejected: imported.counters.rejectedLines,
    });
  }
  return result;
}
