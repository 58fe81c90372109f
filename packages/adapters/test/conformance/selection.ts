import type { Contact, NewContact, SelectionInput } from '@outpace/core';
import { compileSelection, SelectionSchema } from '@outpace/core';
import { describe, expect, it } from 'vitest';
import type { SuiteContext } from './context.js';
import { collectPages, nanpDevice } from './context.js';

/** Five contacts that exercise every rule of docs/list-rules.md. */
const people: Record<string, NewContact> = {
  A: {
    clientId: 'A',
    firstName: 'Ana',
    lastName: 'Smith',
    company: '50% Off',
    state: 'FL',
    others: { other1: '150', other2: 'Gold' },
    devices: [nanpDevice(1, '2125550101'), nanpDevice(2, '6465550102')],
    location: {},
  },
  B: {
    clientId: 'B',
    firstName: ' bob ',
    lastName: "O'Neil",
    company: 'Acme_Corp',
    state: 'fl',
    others: { other1: '99.5', other2: 'silver' },
    devices: [
      {
        index: 1,
        type: 'home',
        value: '+442071234567',
        countryCallingCode: '44',
        countryIso: 'GB',
        areaCode: '20',
        region: 'ENG',
        timeZone: 'Europe/London',
      },
    ],
    location: {},
  },
  C: {
    clientId: 'C',
    firstName: 'Cleo',
    lastName: 'smith',
    state: 'GA',
    others: { other1: 'n/a' },
    devices: [nanpDevice(3, '3055550103', { region: 'FL' }), { index: 2, type: 'email', value: 'cleo@example.com' }],
    location: {},
  },
  D: {
    clientId: 'D',
    company: '  ',
    state: '',
    others: { other1: '' },
    devices: [{ index: 1, type: 'other', value: '+15555550100' }],
    location: {},
  },
  E: {
    clientId: 'E',
    firstName: 'Émile',
    postalCode: '10001',
    timeZone: 'America/Chicago',
    others: { other1: '-20' },
    devices: [nanpDevice(1, '2125550104'), nanpDevice(2, '2125550105')],
    location: { timeZone: 'America/New_York' },
  },
};

const one = (condition: Record<string, unknown>): SelectionInput => ({
  conditionSets: [{ conditions: [condition as never] }],
});

/** Each selection with the ClientIDs it must select. */
const cases: [string, SelectionInput, string[]][] = [
  ['no condition sets selects all', {}, ['A', 'B', 'C', 'D', 'E']],
  ['string equal is case-insensitive', one({ field: 'state', operator: 'equal', value: 'FL' }), ['A', 'B']],
  [
    'notEqual matches missing and empty fields',
    one({ field: 'state', operator: 'notEqual', value: 'fl' }),
    ['C', 'D', 'E'],
  ],
  ['values are trimmed', one({ field: 'firstName', operator: 'equal', value: 'BOB' }), ['B']],
  ['like with %', one({ field: 'lastName', operator: 'like', value: 'SMI%' }), ['A', 'C']],
  ['like with _', one({ field: 'lastName', operator: 'like', value: 'o_neil' }), ['B']],
  ['like with an escaped %', one({ field: 'company', operator: 'like', value: '50\\%%' }), ['A']],
  ['like with an escaped _', one({ field: 'company', operator: 'like', value: '%\\_%' }), ['B']],
  ['like is anchored', one({ field: 'lastName', operator: 'like', value: 'mit' }), []],
  ['notLike includes missing fields', one({ field: 'lastName', operator: 'notLike', value: 'smi%' }), ['B', 'D', 'E']],
  ['in', one({ field: 'other2', operator: 'in', value: ['gold', 'SILVER'] }), ['A', 'B']],
  ['notIn', one({ field: 'other2', operator: 'notIn', value: ['gold', 'SILVER'] }), ['C', 'D', 'E']],
  ['in with a number', one({ field: 'postalCode', operator: 'in', value: [10001] }), ['E']],
  ['contains', one({ field: 'company', operator: 'contains', value: 'OFF' }), ['A']],
  ['notContains', one({ field: 'company', operator: 'notContains', value: 'off' }), ['B', 'C', 'D', 'E']],
  ['isEmpty counts white space as empty', one({ field: 'company', operator: 'isEmpty' }), ['C', 'D', 'E']],
  ['isNotEmpty', one({ field: 'company', operator: 'isNotEmpty' }), ['A', 'B']],
  ['non-ASCII case folding', one({ field: 'firstName', operator: 'like', value: 'é%' }), ['E']],
  ['timeZone reads the explicit field', one({ field: 'timeZone', operator: 'equal', value: 'america/chicago' }), ['E']],
  [
    'explicit timeZone, not the derived one',
    one({ field: 'timeZone', operator: 'equal', value: 'America/New_York' }),
    [],
  ],
  ['numeric greaterThan', one({ field: 'other1', type: 'numeric', operator: 'greaterThan', value: 100 }), ['A']],
  [
    'numeric lessThan compares numbers',
    one({ field: 'other1', type: 'numeric', operator: 'lessThan', value: '100' }),
    ['B', 'E'],
  ],
  [
    'numeric notEqual skips empty and non-numeric',
    one({ field: 'other1', type: 'numeric', operator: 'notEqual', value: 150 }),
    ['B', 'E'],
  ],
  ['numeric equal with decimals', one({ field: 'other1', type: 'numeric', operator: 'equal', value: '99.50' }), ['B']],
  [
    'numeric greaterThanOrEqual a negative',
    one({ field: 'other1', type: 'numeric', operator: 'greaterThanOrEqual', value: -20 }),
    ['A', 'B', 'E'],
  ],
  [
    'numeric lessThanOrEqual',
    one({ field: 'other1', type: 'numeric', operator: 'lessThanOrEqual', value: -20 }),
    ['E'],
  ],
  ['numeric isEmpty', one({ field: 'other1', type: 'numeric', operator: 'isEmpty' }), ['D']],
  [
    'numeric isNotEmpty includes non-numbers',
    one({ field: 'other1', type: 'numeric', operator: 'isNotEmpty' }),
    ['A', 'B', 'C', 'E'],
  ],
  ['any device: equal', one({ field: 'device', type: 'areaCode', operator: 'equal', value: '646' }), ['A']],
  [
    'any device: notEqual is existential',
    one({ field: 'device', type: 'areaCode', operator: 'notEqual', value: '212' }),
    ['A', 'B', 'C', 'D'],
  ],
  [
    'any device: isEmpty needs a device with an empty attribute',
    one({ field: 'device', type: 'exchange', operator: 'isEmpty' }),
    ['B', 'C', 'D'],
  ],
  ['any device: value like', one({ field: 'device', operator: 'like', value: '%@EXAMPLE.COM' }), ['C']],
  ['any device: no device has an empty value', one({ field: 'device', operator: 'isEmpty' }), []],
  [
    'deviceN reads the device by index',
    one({ field: 'device3', type: 'areaCode', operator: 'equal', value: '305' }),
    ['C'],
  ],
  ['absent deviceN reads empty', one({ field: 'device1', type: 'areaCode', operator: 'isEmpty' }), ['C', 'D']],
  [
    'absent deviceN matches notEqual',
    one({ field: 'device2', operator: 'notEqual', value: '+16465550102' }),
    ['B', 'C', 'D', 'E'],
  ],
  ['deviceN value equal', one({ field: 'device2', operator: 'equal', value: '+16465550102' }), ['A']],
  [
    'deviceN numeric on an absent device matches nothing',
    one({ field: 'device2', type: 'numeric', operator: 'notEqual', value: 1 }),
    ['A', 'E'],
  ],
  ['exchange', one({ field: 'device1', type: 'exchange', operator: 'in', value: ['555'] }), ['A', 'E']],
  [
    'stateCode reads the device region',
    one({ field: 'device', type: 'stateCode', operator: 'equal', value: 'fl' }),
    ['C'],
  ],
  [
    'timeZone on a device',
    one({ field: 'device', type: 'timeZone', operator: 'equal', value: 'europe/london' }),
    ['B'],
  ],
  [
    'device timeZone notIn',
    one({ field: 'device1', type: 'timeZone', operator: 'notIn', value: ['America/New_York'] }),
    ['B', 'C', 'D'],
  ],
  [
    'countryCode by calling code',
    one({ field: 'device', type: 'countryCode', operator: 'equal', value: '+44' }),
    ['B'],
  ],
  [
    'countryCode by ISO code',
    one({ field: 'device', type: 'countryCode', operator: 'equal', value: 'us' }),
    ['A', 'C', 'E'],
  ],
  [
    'countryCode list mixing both',
    one({ field: 'device', type: 'countryCode', operator: 'in', value: ['GB', 1] }),
    ['A', 'B', 'C', 'E'],
  ],
  [
    'countryCode notEqual on deviceN',
    one({ field: 'device1', type: 'countryCode', operator: 'notEqual', value: 'US' }),
    ['B', 'C', 'D'],
  ],
  ['countryCode isEmpty', one({ field: 'device1', type: 'countryCode', operator: 'isEmpty' }), ['C', 'D']],
  [
    'AND within a set, OR across sets',
    {
      conditionSets: [
        {
          conditions: [
            { field: 'state', operator: 'equal', value: 'FL' },
            { field: 'other1', type: 'numeric', operator: 'greaterThan', value: 100 },
          ],
        },
        { conditions: [{ field: 'device', type: 'countryCode', operator: 'equal', value: '44' }] },
        { conditions: [{ field: 'clientId', operator: 'equal', value: 'e' }] },
      ],
    },
    ['A', 'B', 'E'],
  ],
];

export function selectionSuite(ctx: SuiteContext): void {
  describe('selection rules (same answers as compileSelection)', () => {
    const setup = async () => {
      const { lists, contacts } = await ctx.tenant();
      const list = await lists.create({ name: 'Selection' });
      const stored: Contact[] = [];
      for (const person of Object.values(people))
        stored.push((await contacts.add(list.id, person, 'APPEND_ONLY')).contact);
      return { contacts, list, stored };
    };

    it.each(cases)('%s', async (_name, selection, expected) => {
      const { contacts, list, stored } = await setup();
      const parsed = SelectionSchema.parse(selection);
      const reference = stored.filter(compileSelection(parsed)).map((c) => c.clientId);
      expect(reference.sort()).toEqual(expected);
      expect(await contacts.count(list.id, parsed)).toBe(expected.length);
      const page = await contacts.list(list.id, { selection: parsed, limit: 10 });
      expect(page.items.map((c) => c.clientId).sort()).toEqual(expected);
      expect(page.items.map((c) => c.id)).toEqual(
        stored
          .filter((c) => expected.includes(c.clientId!))
          .map((c) => c.id)
          .sort(),
      );
    });

    it('orders by a field, ties by id, in both directions, across pages', async () => {
      const { contacts, list, stored } = await setup();
      const idOf = (clientId: string) => stored.find((c) => c.clientId === clientId)!.id;
      const byId = (...clientIds: string[]) => clientIds.map(idOf).sort();
      const asc = await collectPages(
        (after) =>
          contacts.list(list.id, {
            selection: SelectionSchema.parse({ orderBy: [{ field: 'lastName', direction: 'asc' }] }),
            limit: 2,
            ...(after ? { after } : {}),
          }),
        2,
      );
      // '' (D, E) < "o'neil" (B) < 'smith' (A, C); ties by id.
      expect(asc.map((c) => c.id)).toEqual([...byId('D', 'E'), idOf('B'), ...byId('A', 'C')]);
      const desc = await collectPages(
        (after) =>
          contacts.list(list.id, {
            selection: SelectionSchema.parse({
              orderBy: [
                { field: 'lastName', direction: 'desc' },
                { field: 'firstName', direction: 'desc' },
              ],
            }),
            limit: 2,
            ...(after ? { after } : {}),
          }),
        2,
      );
      // smith: cleo > ana; then o'neil; then '' with firstName 'émile' > ''.
      expect(desc.map((c) => c.clientId)).toEqual(['C', 'A', 'B', 'E', 'D']);
      const filtered = await contacts.list(list.id, {
        selection: SelectionSchema.parse({
          conditionSets: [{ conditions: [{ field: 'state', operator: 'equal', value: 'fl' }] }],
          orderBy: [{ field: 'firstName' }],
        }),
      });
      expect(filtered.items.map((c) => c.clientId)).toEqual(['A', 'B']);
    });
  });
}
