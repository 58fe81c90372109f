import type { Contact, NewContact } from '@outpace/core';
import { describe, expect, it } from 'vitest';
import type { SuiteContext } from './context.js';
import { collect, collectPages, expectCode, nanpDevice, sampleContact, sorted } from './context.js';

/** A contact that uses every field, non-ASCII text, an empty Other value and devices out of index order. */
export const fullContact: NewContact = {
  clientId: 'ÉCLAIR-1',
  firstName: 'Zoë',
  lastName: "O'Brien-Ñúñez",
  company: 'Łódź & Co 😀',
  postalCode: '10001-1234',
  state: 'NY',
  country: 'US',
  timeZone: 'America/New_York',
  originalRecord: 'ÉCLAIR-1,Zoë,"O\'Brien",212.555.0123 x42\r\n',
  others: { other1: '1,234.50', other2: '', other21: 'x'.repeat(1024), other999: 'last' },
  devices: [
    {
      index: 10,
      type: 'home',
      value: '+442071234567',
      raw: '+44 20 7123 4567',
      countryCallingCode: '44',
      countryIso: 'GB',
      areaCode: '20',
      region: 'ENG',
      timeZone: 'Europe/London',
      timeZoneSource: 'phone-country',
      international: true,
    },
    nanpDevice(1, '2125550123', { extension: '42', raw: '212.555.0123 x42', type: 'business_with_ext' }),
    { index: 3, type: 'email', value: 'zoe@example.com', raw: 'Zoe@Example.com' },
    { index: 4, type: 'other', value: '+999' },
  ],
  location: { country: 'US', region: 'NY', timeZone: 'America/New_York', source: 'postal-code' },
};

export function contactsSuite(ctx: SuiteContext): void {
  describe('contacts', () => {
    const setup = async () => {
      const stores = await ctx.tenant();
      const list = await stores.lists.create({ name: 'Contacts' });
      return { ...stores, list };
    };

    it('adds a contact and reads back exactly what was stored', async () => {
      const { contacts, lists, list } = await setup();
      const { contact, created } = await contacts.add(list.id, fullContact, 'APPEND_ONLY');
      expect(created).toBe(true);
      expect(contact.id).toMatch(/^con_/);
      const expected: Contact = {
        ...fullContact,
        id: contact.id,
        listId: list.id,
        createdAt: ctx.clock.now(),
        updatedAt: ctx.clock.now(),
      };
      expect(contact).toEqual(expected);
      expect(await contacts.get(list.id, contact.id)).toEqual(expected);
      expect(await contacts.getByClientId(list.id, 'ÉCLAIR-1')).toEqual(expected);
      expect((await lists.get(list.id))?.size).toBe(1);
    });

    it('reads every device of a contact after its list widened since the last read', async () => {
      const { contacts, list } = await setup();
      const one = (await contacts.add(list.id, sampleContact(1), 'APPEND_ONLY')).contact;
      // Read once while the list uses one device slot (a store may remember that).
      expect((await contacts.getByClientId(list.id, 'C00001'))?.devices).toHaveLength(1);
      const devices = [nanpDevice(1, '2125550101'), nanpDevice(2, '2125550102'), nanpDevice(3, '2125550103')];
      const three = (await contacts.add(list.id, sampleContact(2, { devices }), 'APPEND_ONLY')).contact;
      expect((await contacts.getByClientId(list.id, 'C00002'))?.devices).toEqual(devices);
      expect((await contacts.get(list.id, three.id))?.devices).toEqual(devices);
      expect(await contacts.get(list.id, one.id)).toEqual(one);
      expect(await contacts.getByClientId(list.id, 'nobody')).toBeUndefined();
      expect(await contacts.getByClientId('lst_unknown', 'C00001')).toBeUndefined();
    });

    it('stores a minimal contact without ClientID or devices, and several of them', async () => {
      const { contacts, list } = await setup();
      const a = await contacts.add(list.id, { devices: [] }, 'APPEND_ONLY');
      const b = await contacts.add(list.id, { devices: [] }, 'APPEND_ONLY');
      expect(a.contact.id).not.toBe(b.contact.id);
      expect(await contacts.get(list.id, a.contact.id)).toEqual({
        id: a.contact.id,
        listId: list.id,
        others: {},
        devices: [],
        location: {},
        createdAt: ctx.clock.now(),
        updatedAt: ctx.clock.now(),
      });
      expect(await contacts.count(list.id)).toBe(2);
    });

    it('refuses an existing ClientID in APPEND_ONLY and replaces it in APPEND_AND_UPDATE', async () => {
      const { contacts, lists, list } = await setup();
      const first = (await contacts.add(list.id, sampleContact(1), 'APPEND_ONLY')).contact;
      await expectCode(
        contacts.add(list.id, sampleContact(1, { firstName: 'Other' }), 'APPEND_ONLY'),
        'CLIENT_ID_EXISTS',
      );
      expect(await contacts.get(list.id, first.id)).toEqual(first);
      ctx.clock.advance(60_000);
      const replacement = sampleContact(1, { firstName: 'Replaced', devices: [nanpDevice(2, '6465550000')] });
      const { contact, created } = await contacts.add(list.id, replacement, 'APPEND_AND_UPDATE');
      expect(created).toBe(false);
      expect(contact).toEqual({
        ...replacement,
        id: first.id,
        listId: list.id,
        createdAt: first.createdAt,
        updatedAt: first.createdAt + 60_000,
      });
      expect(await contacts.get(list.id, first.id)).toEqual(contact);
      expect((await lists.get(list.id))?.size).toBe(1);
      const fresh = await contacts.add(list.id, sampleContact(2), 'APPEND_AND_UPDATE');
      expect(fresh.created).toBe(true);
      expect((await lists.get(list.id))?.size).toBe(2);
    });

    it('refuses invalid contacts and unknown lists without storing anything', async () => {
      const { contacts, list } = await setup();
      await expectCode(
        contacts.add(list.id, sampleContact(1, { devices: [nanpDevice(11, '2125550100')] }), 'APPEND_ONLY'),
        'VALIDATION_FAILED',
      );
      await expectCode(
        contacts.add(list.id, sampleContact(1, { firstName: 'x'.repeat(65) }), 'APPEND_ONLY'),
        'VALIDATION_FAILED',
      );
      await expectCode(contacts.add('lst_missing', sampleContact(1), 'APPEND_ONLY'), 'LIST_NOT_FOUND');
      await expectCode(contacts.add(list.id, sampleContact(1), 'FLUSH_APPEND' as 'APPEND_ONLY'), 'VALIDATION_FAILED');
      expect(await contacts.count(list.id)).toBe(0);
    });

    it('updates a contact in place, keeping id and createdAt, and guards ClientID uniqueness', async () => {
      const { contacts, list } = await setup();
      const one = (await contacts.add(list.id, sampleContact(1), 'APPEND_ONLY')).contact;
      const two = (await contacts.add(list.id, sampleContact(2), 'APPEND_ONLY')).contact;
      ctx.clock.advance(1000);
      const changed = await contacts.update(list.id, one.id, { ...fullContact, clientId: 'C-NEW' });
      expect(changed).toEqual({
        ...fullContact,
        clientId: 'C-NEW',
        id: one.id,
        listId: list.id,
        createdAt: one.createdAt,
        updatedAt: one.createdAt + 1000,
      });
      expect(await contacts.get(list.id, one.id)).toEqual(changed);
      expect(await contacts.getByClientId(list.id, 'C-NEW')).toEqual(changed);
      expect(await contacts.getByClientId(list.id, 'C00001')).toBeUndefined();
      await expectCode(contacts.update(list.id, one.id, sampleContact(2)), 'CLIENT_ID_EXISTS');
      expect(await contacts.get(list.id, two.id)).toEqual(two);
      expect(await contacts.get(list.id, one.id)).toEqual(changed);
      await expectCode(contacts.update(list.id, 'con_missing', sampleContact(3)), 'NOT_FOUND');
      await expectCode(contacts.update('lst_missing', one.id, sampleContact(3)), 'LIST_NOT_FOUND');
    });

    it('removes contacts and counts only those it removed', async () => {
      const { contacts, lists, list } = await setup();
      const ids = [];
      for (let i = 1; i <= 4; i++) ids.push((await contacts.add(list.id, sampleContact(i), 'APPEND_ONLY')).contact.id);
      expect(await contacts.remove(list.id, [ids[0]!, ids[2]!, 'con_missing', ids[0]!])).toBe(2);
      expect(await contacts.get(list.id, ids[0]!)).toBeUndefined();
      expect(await contacts.getByClientId(list.id, 'C00003')).toBeUndefined();
      expect(await contacts.count(list.id)).toBe(2);
      expect((await lists.get(list.id))?.size).toBe(2);
      // A removed ClientID can be added again.
      expect((await contacts.add(list.id, sampleContact(1), 'APPEND_ONLY')).created).toBe(true);
      await expectCode(contacts.remove('lst_missing', ids), 'LIST_NOT_FOUND');
    });

    it('pages contacts in id order with keyset cursors', async () => {
      const { contacts, list } = await setup();
      const ids = [];
      for (let i = 1; i <= 7; i++) ids.push((await contacts.add(list.id, sampleContact(i), 'APPEND_ONLY')).contact.id);
      const all = await collectPages((after) => contacts.list(list.id, { limit: 3, ...(after ? { after } : {}) }), 3);
      expect(all.map((c) => c.id)).toEqual(sorted(ids));
      const exact = await collectPages((after) => contacts.list(list.id, { limit: 7, ...(after ? { after } : {}) }), 7);
      expect(exact).toHaveLength(7);
      // A page boundary survives removal of the contact the cursor points at.
      const first = await contacts.list(list.id, { limit: 2 });
      await contacts.remove(list.id, [first.items[1]!.id]);
      const rest = await contacts.list(list.id, { limit: 10, after: first.nextCursor! });
      expect(rest.items.map((c) => c.id)).toEqual(sorted(ids).slice(2));
      await expectCode(contacts.list('lst_missing'), 'LIST_NOT_FOUND');
      await expectCode(contacts.list(list.id, { after: 'garbage' }), 'VALIDATION_FAILED');
    });

    it('streams every contact in id order, in batches, optionally filtered', async () => {
      const { contacts, list } = await setup();
      const ids = [];
      for (let i = 1; i <= 9; i++) {
        const extra = i % 3 === 0 ? { state: 'FL' } : {};
        ids.push((await contacts.add(list.id, sampleContact(i, extra), 'APPEND_ONLY')).contact.id);
      }
      const all = await collect(contacts.stream(list.id, { batchSize: 2 }));
      expect(all.map((c) => c.id)).toEqual(sorted(ids));
      const florida = await collect(
        contacts.stream(list.id, {
          batchSize: 2,
          selection: {
            conditionSets: [{ conditions: [{ field: 'state', type: 'string', operator: 'equal', value: 'fl' }] }],
            orderBy: [],
          },
        }),
      );
      expect(florida.map((c) => c.id)).toEqual(all.filter((c) => c.state === 'FL').map((c) => c.id));
      expect(florida).toHaveLength(3);
      await expect(collect(contacts.stream('lst_missing'))).rejects.toMatchObject({ code: 'LIST_NOT_FOUND' });
    });

    it('searches every list of the tenant by ClientID, device and name prefix', async () => {
      const { contacts, lists, list } = await setup();
      const other = await lists.create({ name: 'Other' });
      await contacts.add(list.id, sampleContact(1, { firstName: 'Maria', lastName: 'Lopez' }), 'APPEND_ONLY');
      await contacts.add(other.id, sampleContact(1, { firstName: 'Mario', lastName: 'Rossi' }), 'APPEND_ONLY');
      await contacts.add(other.id, sampleContact(2, { firstName: 'Ann', lastName: 'Marsh' }), 'APPEND_ONLY');
      await contacts.add(other.id, fullContact, 'APPEND_ONLY');

      const byClientId = await contacts.search({ clientId: 'C00001' });
      expect(byClientId.map((c) => c.listId).sort()).toEqual(sorted([list.id, other.id]));
      const byDevice = await contacts.search({ device: 'zoe@example.com' });
      expect(byDevice.map((c) => c.clientId)).toEqual(['ÉCLAIR-1']);
      const byName = await contacts.search({ name: 'mar' });
      expect(byName.map((c) => `${c.firstName} ${c.lastName}`).sort()).toEqual([
        'Ann Marsh',
        'Maria Lopez',
        'Mario Rossi',
      ]);
      expect(await contacts.search({ name: 'mar', limit: 2 })).toHaveLength(2);
      expect(await contacts.search({ clientId: 'C00001', name: 'mario' })).toHaveLength(1);
      expect(await contacts.search({ clientId: 'nobody' })).toEqual([]);
      await expectCode(contacts.search({}), 'VALIDATION_FAILED');
    });

    it('finds a contact by device through imports of every mode, edits, removals and list deletion', async () => {
      const { contacts, lists } = await ctx.tenant();
      const phone = (n: number) => `+1212555${String(n).padStart(4, '0')}`;
      const withDevices = (n: number, numbers: number[]) =>
        sampleContact(n, { devices: numbers.map((d, i) => nanpDevice(i + 1, `212555${String(d).padStart(4, '0')}`)) });
      const found = async (n: number) => (await contacts.search({ device: phone(n) })).map((c) => c.clientId).sort();
      const load = async (
        mode: 'CREATE' | 'APPEND_AND_UPDATE' | 'FLUSH_APPEND',
        batch: NewContact[],
        listId?: string,
      ) => {
        const session = await contacts.beginImport(listId === undefined ? { mode } : { mode, listId });
        const target = listId ?? (await session.createList({ name: 'Devices' })).id;
        expect(await session.write(target, batch)).toEqual([]);
        await session.commit();
        return target;
      };
      // Two contacts share a number; one holds a number in three slots, apart and side by side.
      const listId = await load('CREATE', [withDevices(1, [1, 2]), withDevices(2, [3, 3, 8, 3]), withDevices(3, [1])]);
      expect(await found(1)).toEqual(['C00001', 'C00003']);
      expect(await found(2)).toEqual(['C00001']);
      expect(await found(3)).toEqual(['C00002']);
      expect(await found(8)).toEqual(['C00002']);
      // A replaced contact is found by its new numbers only; an added one by its own.
      await load('APPEND_AND_UPDATE', [withDevices(1, [9]), withDevices(4, [4])], listId);
      expect(await found(1)).toEqual(['C00003']);
      expect(await found(2)).toEqual([]);
      expect(await found(9)).toEqual(['C00001']);
      expect(await found(4)).toEqual(['C00004']);
      const two = (await contacts.getByClientId(listId, 'C00002')) as Contact;
      await contacts.update(listId, two.id, withDevices(2, [5]));
      expect(await found(3)).toEqual([]);
      expect(await found(8)).toEqual([]);
      expect(await found(5)).toEqual(['C00002']);
      await contacts.add(listId, withDevices(6, [6, 5]), 'APPEND_ONLY');
      expect(await found(5)).toEqual(['C00002', 'C00006']);
      const three = (await contacts.getByClientId(listId, 'C00003')) as Contact;
      expect(await contacts.remove(listId, [three.id])).toBe(1);
      expect(await found(1)).toEqual([]);
      // FLUSH_APPEND: only the new data is found.
      await load('FLUSH_APPEND', [withDevices(7, [9])], listId);
      expect(await found(9)).toEqual(['C00007']);
      expect(await found(4)).toEqual([]);
      expect(await found(5)).toEqual([]);
      await lists.delete(listId);
      expect(await found(9)).toEqual([]);
    });

    it('counts with and without a selection, and refuses an invalid selection', async () => {
      const { contacts, list } = await setup();
      for (let i = 1; i <= 5; i++)
        await contacts.add(list.id, sampleContact(i, { others: { other1: String(i * 10) } }), 'APPEND_ONLY');
      expect(await contacts.count(list.id)).toBe(5);
      const over20 = {
        conditionSets: [
          { conditions: [{ field: 'other1', type: 'numeric' as const, operator: 'greaterThan' as const, value: 20 }] },
        ],
        orderBy: [],
      };
      expect(await contacts.count(list.id, over20)).toBe(3);
      const bad = {
        conditionSets: [
          { conditions: [{ field: 'other1', type: 'areaCode' as const, operator: 'equal' as const, value: 1 }] },
        ],
        orderBy: [],
      };
      await expectCode(contacts.count(list.id, bad), 'LIST_RULE_INVALID');
      await expectCode(contacts.list(list.id, { selection: bad }), 'LIST_RULE_INVALID');
    });
  });
}
