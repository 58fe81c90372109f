import type { NewContact } from '@outpace/core';
import { describe, expect, it } from 'vitest';
import { fullContact } from './contacts.js';
import type { SuiteContext } from './context.js';
import { collect, collectPages, expectCode, nanpDevice, sampleContact, sorted } from './context.js';

const batch = (from: number, to: number, extra: Partial<NewContact> = {}) => {
  const contacts: NewContact[] = [];
  for (let n = from; n <= to; n++) contacts.push(sampleContact(n, extra));
  return contacts;
};

export function importsSuite(ctx: SuiteContext): void {
  describe('contact import sessions', () => {
    it('CREATE: lists and contacts appear only at commit, with sizes and counts', async () => {
      const { lists, contacts } = await ctx.tenant();
      const session = await contacts.beginImport({ mode: 'CREATE' });
      expect(session.mode).toBe('CREATE');
      const list = await session.createList({ name: 'Imported', description: 'from a file' });
      expect(list).toMatchObject({ name: 'Imported', size: 0 });
      expect(await session.write(list.id, batch(1, 3))).toEqual([]);
      expect(await session.write(list.id, [fullContact])).toEqual([]);
      expect(await lists.get(list.id)).toBeUndefined();
      expect((await lists.list()).items).toEqual([]);
      expect(await contacts.search({ clientId: 'C00001' })).toEqual([]);
      ctx.clock.advance(1000);
      const result = await session.commit();
      expect(result).toMatchObject({ inserted: 4, updated: 0, deleted: 0 });
      expect(result.lists).toEqual([await lists.get(list.id)]);
      expect(result.lists[0]).toMatchObject({ id: list.id, name: 'Imported', description: 'from a file', size: 4 });
      expect(await contacts.count(list.id)).toBe(4);
      const stored = await contacts.getByClientId(list.id, fullContact.clientId!);
      expect(stored).toEqual({
        ...fullContact,
        id: stored?.id,
        listId: list.id,
        createdAt: ctx.clock.now(),
        updatedAt: ctx.clock.now(),
      });
    });

    it('checks the mode and target when the session begins and on write', async () => {
      const { lists, contacts } = await ctx.tenant();
      const list = await lists.create({ name: 'Target' });
      const other = await lists.create({ name: 'Not in the session' });
      await expectCode(contacts.beginImport({ mode: 'CREATE', listId: list.id }), 'LIST_UPLOAD_MODE_INVALID');
      await expectCode(contacts.beginImport({ mode: 'APPEND_ONLY' }), 'LIST_UPLOAD_MODE_INVALID');
      await expectCode(contacts.beginImport({ mode: 'APPEND_ONLY', listId: 'lst_missing' }), 'LIST_NOT_FOUND');
      await expectCode(contacts.beginImport({ mode: 'REPLACE' as 'CREATE' }), 'VALIDATION_FAILED');
      const session = await contacts.beginImport({ mode: 'APPEND_ONLY', listId: list.id });
      await expectCode(session.write(other.id, batch(1, 1)), 'LIST_UPLOAD_MODE_INVALID');
      await expectCode(session.write('lst_missing', batch(1, 1)), 'LIST_NOT_FOUND');
      await session.abort();
    });

    it('keeps the first row of a ClientID and rejects later ones with CLIENT_ID_DUPLICATE, per list', async () => {
      const { contacts } = await ctx.tenant();
      const session = await contacts.beginImport({ mode: 'CREATE' });
      const a = await session.createList({ name: 'A' });
      const b = await session.createList({ name: 'B' });
      const rejections = await session.write(a.id, [
        sampleContact(1, { firstName: 'First' }),
        sampleContact(2),
        sampleContact(1, { firstName: 'Second' }),
        { others: {}, location: {}, devices: [nanpDevice(1, '2125550001')] },
        { others: {}, location: {}, devices: [nanpDevice(1, '2125550002')] },
      ]);
      expect(rejections).toEqual([
        { index: 2, code: 'CLIENT_ID_DUPLICATE', message: expect.stringContaining('C00001') },
      ]);
      const later = await session.write(a.id, [sampleContact(2), sampleContact(3)]);
      expect(later).toEqual([{ index: 0, code: 'CLIENT_ID_DUPLICATE', message: expect.any(String) }]);
      expect(await session.write(b.id, [sampleContact(1, { firstName: 'In B' })])).toEqual([]);
      const result = await session.commit();
      expect(result.inserted).toBe(6);
      expect(result.lists.map((l) => [l.id, l.size]).sort()).toEqual(
        sorted([a.id, b.id]).map((id) => [id, id === a.id ? 5 : 1]),
      );
      expect((await contacts.getByClientId(a.id, 'C00001'))?.firstName).toBe('First');
      expect((await contacts.getByClientId(b.id, 'C00001'))?.firstName).toBe('In B');
    });

    it('APPEND_ONLY adds new ClientIDs and rejects existing ones with CLIENT_ID_EXISTS', async () => {
      const { lists, contacts } = await ctx.tenant();
      const list = await lists.create({ name: 'Append' });
      const existing = (await contacts.add(list.id, sampleContact(1, { firstName: 'Original' }), 'APPEND_ONLY'))
        .contact;
      const session = await contacts.beginImport({ mode: 'APPEND_ONLY', listId: list.id });
      const rejections = await session.write(list.id, [
        sampleContact(2),
        sampleContact(1, { firstName: 'New' }),
        sampleContact(3),
      ]);
      expect(rejections).toEqual([{ index: 1, code: 'CLIENT_ID_EXISTS', message: expect.stringContaining('C00001') }]);
      expect(await contacts.count(list.id)).toBe(1);
      expect(await contacts.getByClientId(list.id, 'C00002')).toBeUndefined();
      const result = await session.commit();
      expect(result).toMatchObject({ inserted: 2, updated: 0, deleted: 0 });
      expect(result.lists[0]?.size).toBe(3);
      expect(await contacts.get(list.id, existing.id)).toEqual(existing);
      expect((await lists.get(list.id))?.size).toBe(3);
    });

    it('APPEND_AND_UPDATE replaces existing contacts keeping id and createdAt, and adds new ones', async () => {
      const { lists, contacts } = await ctx.tenant();
      const list = await lists.create({ name: 'Upsert' });
      const existing = (await contacts.add(list.id, sampleContact(1), 'APPEND_ONLY')).contact;
      const untouched = (await contacts.add(list.id, sampleContact(9), 'APPEND_ONLY')).contact;
      ctx.clock.advance(3_600_000);
      const session = await contacts.beginImport({ mode: 'APPEND_AND_UPDATE', listId: list.id });
      const replacement = sampleContact(1, {
        firstName: 'Updated',
        others: { other1: 'x' },
        devices: [nanpDevice(2, '3055550100')],
      });
      expect(await session.write(list.id, [replacement, sampleContact(2)])).toEqual([]);
      expect(await contacts.get(list.id, existing.id)).toEqual(existing);
      const result = await session.commit();
      expect(result).toMatchObject({ inserted: 1, updated: 1, deleted: 0 });
      expect(result.lists[0]?.size).toBe(3);
      expect(await contacts.get(list.id, existing.id)).toEqual({
        ...replacement,
        id: existing.id,
        listId: list.id,
        createdAt: existing.createdAt,
        updatedAt: ctx.clock.now(),
      });
      expect(await contacts.get(list.id, untouched.id)).toEqual(untouched);
      expect((await lists.get(list.id))?.size).toBe(3);
    });

    it('FLUSH_APPEND empties the list at commit, then loads', async () => {
      const { lists, contacts } = await ctx.tenant();
      const list = await lists.create({ name: 'Flush' });
      const old = [];
      for (let n = 1; n <= 3; n++) old.push((await contacts.add(list.id, sampleContact(n), 'APPEND_ONLY')).contact);
      const session = await contacts.beginImport({ mode: 'FLUSH_APPEND', listId: list.id });
      expect(
        await session.write(list.id, [sampleContact(3, { firstName: 'Reloaded' }), sampleContact(4), sampleContact(4)]),
      ).toEqual([{ index: 2, code: 'CLIENT_ID_DUPLICATE', message: expect.any(String) }]);
      expect(await contacts.count(list.id)).toBe(3);
      const result = await session.commit();
      expect(result).toMatchObject({ inserted: 2, updated: 0, deleted: 3 });
      expect(result.lists[0]?.size).toBe(2);
      for (const contact of old) expect(await contacts.get(list.id, contact.id)).toBeUndefined();
      expect((await contacts.getByClientId(list.id, 'C00003'))?.firstName).toBe('Reloaded');
      expect(await contacts.getByClientId(list.id, 'C00001')).toBeUndefined();
      expect(await contacts.count(list.id)).toBe(2);
    });

    it('abort leaves everything as it was and closes the session', async () => {
      const { lists, contacts } = await ctx.tenant();
      const list = await lists.create({ name: 'Kept' });
      const kept = (await contacts.add(list.id, sampleContact(1), 'APPEND_ONLY')).contact;
      const before = await lists.get(list.id);
      const session = await contacts.beginImport({ mode: 'FLUSH_APPEND', listId: list.id });
      await session.write(list.id, batch(2, 20));
      await session.abort();
      await session.abort();
      expect(await lists.get(list.id)).toEqual(before);
      expect(await collect(contacts.stream(list.id))).toEqual([kept]);
      await expectCode(session.write(list.id, batch(21, 21)), 'LIST_IMPORT_CLOSED');
      await expectCode(session.commit(), 'LIST_IMPORT_CLOSED');

      const creating = await contacts.beginImport({ mode: 'CREATE' });
      const ghost = await creating.createList({ name: 'Ghost' });
      await creating.write(ghost.id, batch(1, 5));
      await creating.abort();
      expect(await lists.get(ghost.id)).toBeUndefined();
      expect((await lists.list()).items.map((l) => l.id)).toEqual([list.id]);
    });

    it('a failing commit stores nothing, not even lists created in the session', async () => {
      const { lists, contacts } = await ctx.tenant();
      const list = await lists.create({ name: 'Vanishing' });
      await contacts.add(list.id, sampleContact(1), 'APPEND_ONLY');
      const session = await contacts.beginImport({ mode: 'APPEND_ONLY', listId: list.id });
      const extra = await session.createList({ name: 'Split part' });
      await session.write(extra.id, batch(100, 110));
      await session.write(list.id, batch(2, 5));
      expect(await lists.delete(list.id)).toBe(true);
      await expectCode(session.commit(), 'LIST_NOT_FOUND');
      expect(await lists.get(extra.id)).toBeUndefined();
      expect(await contacts.search({ clientId: 'C00100' })).toEqual([]);
      await session.abort();
      await expectCode(session.commit(), 'LIST_IMPORT_CLOSED');
    });

    it('a committed session is closed', async () => {
      const { contacts } = await ctx.tenant();
      const session = await contacts.beginImport({ mode: 'CREATE' });
      const list = await session.createList({ name: 'Once' });
      await session.write(list.id, batch(1, 2));
      await session.commit();
      await expectCode(session.commit(), 'LIST_IMPORT_CLOSED');
      await expectCode(session.write(list.id, batch(3, 3)), 'LIST_IMPORT_CLOSED');
      await session.abort();
      expect(await contacts.count(list.id)).toBe(2);
    });

    it('imports thousands of contacts in batches and finds each one again', async () => {
      const { contacts } = await ctx.tenant();
      const session = await contacts.beginImport({ mode: 'CREATE' });
      const list = await session.createList({ name: 'Large' });
      const total = 5000;
      for (let from = 1; from <= total; from += 1000) {
        expect(
          await session.write(list.id, batch(from, from + 999, { others: { other1: 'x', other2: String(from) } })),
        ).toEqual([]);
      }
      expect(await session.write(list.id, batch(4990, 5001))).toHaveLength(11);
      const result = await session.commit();
      expect(result.inserted).toBe(total + 1);
      expect(await contacts.count(list.id)).toBe(total + 1);
      for (const n of [1, 2, 777, 1000, 1001, 4999, 5000, 5001]) {
        const contact = await contacts.getByClientId(list.id, `C${String(n).padStart(5, '0')}`);
        expect(contact?.firstName).toBe(`First${n}`);
        expect(await contacts.get(list.id, contact!.id)).toEqual(contact);
      }
      const all = await collectPages(
        (after) => contacts.list(list.id, { limit: 1000, ...(after ? { after } : {}) }),
        1000,
      );
      expect(all).toHaveLength(total + 1);
      expect(all.map((c) => c.id)).toEqual(sorted(all.map((c) => c.id)));
      expect(new Set(all.map((c) => c.clientId)).size).toBe(total + 1);
    });
  });
}
