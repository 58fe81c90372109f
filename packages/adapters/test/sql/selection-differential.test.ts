/**
 * Differential test of selection rules: random selections over random
 * contacts give exactly the same contacts (and, with `orderBy`, the same order)
 * from SQL, on SQLite and on PostgreSQL, as from `compileSelection` /
 * `compileOrder` in `@outpace/core` over the same contacts read back.
 */
import { createPostgresStore } from '@outpace/adapters/postgres';
import { createSqliteStore } from '@outpace/adapters/sqlite';
import type {
  ConditionInput,
  Contact,
  Device,
  NewContact,
  OutpaceStore,
  RuleFieldType,
  Selection,
  SelectionInput,
  TenantStores,
} from '@outpace/core';
import {
  compileOrder,
  compileSelection,
  createManualClock,
  operatorsByType,
  parseSelection,
  validateSelection,
} from '@outpace/core';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeWithService } from '../support/service.js';
import { dropSchema, pgAvailability, pgUrl, uniqueSchema } from './postgres-env.js';

// Characters chosen to hit every rule of the semantics: JavaScript white space
// (trimmed, inside values kept), ASCII and Unicode case pairs (final sigma,
// dotted I, sharp s), LIKE's %, _ and \, digits, signs and dots for numbers,
// and a character outside the BMP.
const CHARS = [
  'a',
  'A',
  'b',
  'B',
  'z',
  'Z',
  'x',
  ' ',
  '\t',
  '\n',
  '\u00a0',
  '\u2003',
  '\u3000',
  '\ufeff',
  'É',
  'é',
  'Ö',
  'ß',
  'İ',
  'ı',
  'Σ',
  'σ',
  'ς',
  'Ж',
  'ж',
  '%',
  '_',
  '\\',
  '0',
  '1',
  '2',
  '5',
  '9',
  '.',
  '+',
  '-',
  'ǅ',
  '😀',
];
const char = fc.constantFrom(...CHARS);
const text = fc.array(char, { maxLength: 6 }).map((chars) => chars.join(''));
const numberText = fc.oneof(
  fc.constantFrom(
    '0',
    '1',
    '-1',
    '+2',
    '.5',
    '5.',
    '-.25',
    ' 42 ',
    '007',
    '1e3',
    '0x10',
    '1,5',
    'n/a',
    '',
    '  ',
    '999999999999999',
    '000000000000042',
    '9007199254740993',
  ),
  fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }).map(String),
  fc.integer({ min: -500, max: 500 }).map(String),
  fc.stringMatching(/^[+-]?\d{14,22}(\.\d{0,8})?$/),
);
const fieldValue = fc.oneof(text, numberText);
const optional = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: undefined });

const deviceArb: fc.Arbitrary<Device> = fc
  .record({
    index: fc.integer({ min: 1, max: 4 }),
    value: fc.oneof(
      text.filter((t) => t.length > 0),
      fc.constantFrom('+12125550100', '+442071234567', '+1 212'),
    ),
    areaCode: optional(fc.oneof(fc.constantFrom('212', '646', ' 212 ', '20'), text)),
    exchange: optional(fc.constantFrom('555', '123', '')),
    region: optional(fc.oneof(fc.constantFrom('NY', 'ny', 'CA', ' ca'), text)),
    timeZone: optional(fc.constantFrom('America/New_York', 'america/new_york', 'Europe/London', ' ')),
    countryCallingCode: optional(fc.constantFrom('1', '+1', '44', ' 44 ', '', '+')),
    countryIso: optional(fc.constantFrom('US', 'us', 'GB', ' gb ', '', 'CA')),
  })
  .map((d) => {
    const device: Device = { index: d.index, type: 'mobile', value: d.value };
    for (const key of ['areaCode', 'exchange', 'region', 'timeZone', 'countryCallingCode', 'countryIso'] as const) {
      const v = d[key];
      if (v !== undefined) device[key] = v;
    }
    return device;
  });

const contactArb = fc
  .record({
    firstName: optional(fieldValue),
    lastName: optional(text),
    company: optional(text),
    postalCode: optional(numberText),
    state: optional(fc.oneof(fc.constantFrom('NY', 'ny ', 'CA'), text)),
    country: optional(text),
    timeZone: optional(fc.constantFrom('America/New_York', ' america/new_york', 'Europe/Paris')),
    other1: optional(numberText),
    other2: optional(fieldValue),
    other3: optional(text),
    devices: fc.array(deviceArb, { maxLength: 4 }),
  })
  .map((c) => {
    const contact: NewContact = { others: {}, devices: c.devices, location: {} };
    for (const key of ['firstName', 'lastName', 'company', 'postalCode', 'state', 'country', 'timeZone'] as const) {
      const v = c[key];
      if (v !== undefined) contact[key] = v;
    }
    for (const key of ['other1', 'other2', 'other3'] as const) {
      const v = c[key];
      if (v !== undefined) contact.others[key] = v;
    }
    return contact;
  });

const CONTACT_FIELDS = [
  'clientId',
  'firstName',
  'lastName',
  'company',
  'postalCode',
  'state',
  'country',
  'timeZone',
  'other1',
  'other2',
  'other3',
  'other9',
  'from',
];
const DEVICE_FIELDS = ['device', 'device1', 'device2', 'device3', 'device10'];
const DEVICE_TYPES: RuleFieldType[] = [
  'string',
  'numeric',
  'areaCode',
  'exchange',
  'stateCode',
  'timeZone',
  'countryCode',
];

const conditionArb: fc.Arbitrary<ConditionInput> = fc
  .oneof(
    fc.record({ field: fc.constantFrom(...CONTACT_FIELDS), type: fc.constantFrom<RuleFieldType>('string', 'numeric') }),
    fc.record({ field: fc.constantFrom(...DEVICE_FIELDS), type: fc.constantFrom(...DEVICE_TYPES) }),
  )
  .chain(({ field, type }) =>
    fc.constantFrom(...operatorsByType[type]).chain((operator): fc.Arbitrary<ConditionInput> => {
      const single: fc.Arbitrary<string | number> =
        type === 'numeric'
          ? fc.oneof(
              fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }),
              fc.constantFrom('0', '-1', '.5', '42', '+2', '5.', '12345678901234567890'),
            )
          : type === 'countryCode'
            ? fc.constantFrom('1', '+1', '44', 'US', 'gb', 'ca', '+44')
            : fc.oneof(fieldValue, fc.constantFrom('%', 'a%', '%a', '_', '\\%', 'a\\', 'NY', 'ny', '212', 'america/%'));
      if (operator === 'isEmpty' || operator === 'isNotEmpty') return fc.constant({ field, type, operator });
      if (operator === 'in' || operator === 'notIn') {
        return fc.array(single, { minLength: 1, maxLength: 3 }).map((value) => ({ field, type, operator, value }));
      }
      return single.map((value) => ({ field, type, operator, value }));
    }),
  );

const selectionArb: fc.Arbitrary<Selection> = fc
  .record({
    conditionSets: fc.array(
      fc.array(conditionArb, { minLength: 1, maxLength: 3 }).map((conditions) => ({ conditions })),
      { maxLength: 3 },
    ),
    orderBy: fc.array(
      fc.record({
        field: fc.constantFrom(...CONTACT_FIELDS, ...DEVICE_FIELDS),
        direction: fc.constantFrom<'asc' | 'desc'>('asc', 'desc'),
      }),
      { maxLength: 2 },
    ),
  })
  .filter((s: SelectionInput) => validateSelection(s).success)
  .map((s) => parseSelection(s));

async function loadContacts(
  store: OutpaceStore,
  contacts: NewContact[],
): Promise<{ listId: string; stored: Contact[]; tenant: TenantStores }> {
  const tenant = await store.tenants.create({ name: 'Differential' });
  const { contacts: port } = store.forTenant(tenant.id);
  const session = await port.beginImport({ mode: 'CREATE' });
  const list = await session.createList({ name: 'Random' });
  const withIds = contacts.map((c, i) => ({ ...c, clientId: `K${i}` }));
  expect(await session.write(list.id, withIds)).toEqual([]);
  await session.commit();
  const stored: Contact[] = [];
  for await (const c of port.stream(list.id)) stored.push(c);
  expect(stored).toHaveLength(contacts.length);
  return { listId: list.id, stored, tenant: store.forTenant(tenant.id) };
}

function describeDifferential(name: string, open: () => Promise<{ store: OutpaceStore; cleanup(): Promise<void> }>) {
  describe(`${name}: selection rules in SQL agree with compileSelection`, () => {
    let target: { store: OutpaceStore; cleanup(): Promise<void> } | undefined;
    beforeAll(async () => {
      target = await open();
    });
    afterAll(async () => {
      await target?.cleanup();
    });

    it('selects and counts exactly the same contacts', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(contactArb, { minLength: 1, maxLength: 40 }),
          fc.array(selectionArb, { minLength: 1, maxLength: 15 }),
          async (contacts, selections) => {
            const store = target!.store;
            const { listId, stored, tenant } = await loadContacts(store, contacts);
            for (const selection of selections) {
              const expected = stored.filter(compileSelection(selection)).map((c) => c.id);
              const ids: string[] = [];
              for await (const c of tenant.contacts.stream(listId, { selection, batchSize: 7 })) ids.push(c.id);
              expect({ selection, ids }).toEqual({ selection, ids: expected });
              expect(await tenant.contacts.count(listId, selection)).toBe(expected.length);
            }
          },
        ),
        { numRuns: 25 },
      );
    }, 180_000);

    it('orders and pages exactly like compileOrder', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(contactArb, { minLength: 1, maxLength: 30 }),
          fc.array(selectionArb, { minLength: 1, maxLength: 8 }),
          async (contacts, selections) => {
            const store = target!.store;
            const { listId, stored, tenant } = await loadContacts(store, contacts);
            for (const selection of selections) {
              const order = compileOrder(selection);
              const expected = stored
                .filter(compileSelection(selection))
                .map((c) => ({ keys: order.keys(c), id: c.id }))
                .sort((a, b) => order.compare(a, b))
                .map((p) => p.id);
              const ids: string[] = [];
              let after: string | undefined;
              do {
                const page = await tenant.contacts.list(listId, { selection, limit: 4, ...(after ? { after } : {}) });
                ids.push(...page.items.map((c) => c.id));
                after = page.nextCursor ?? undefined;
              } while (after !== undefined);
              expect({ selection, ids }).toEqual({ selection, ids: expected });
            }
          },
        ),
        { numRuns: 15 },
      );
    }, 180_000);
  });
}

describeDifferential('sqlite', async () => {
  const store = createSqliteStore({
    filename: ':memory:',
    clock: createManualClock(Date.parse('2026-03-02T12:00:00Z')),
  });
  return { store, cleanup: () => store.close() };
});

const pg = await pgAvailability();
describeWithService(pg, 'postgres selection differential', () => {
  describeDifferential('postgres', async () => {
    const schema = uniqueSchema('outpace_diff');
    const store = createPostgresStore({ connectionString: pgUrl(), schema });
    return {
      store,
      async cleanup() {
        await store.close();
        await dropSchema(schema);
      },
    };
  });
});
