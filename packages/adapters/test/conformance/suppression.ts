import { describe, expect, it } from 'vitest';
import type { SuiteContext } from './context.js';
import { collect, collectPages, expectCode } from './context.js';

const DAY = 86_400_000;

export function suppressionSuite(ctx: SuiteContext): void {
  describe('suppression lists', () => {
    it('creates a list with defaults and keeps its expiry in step with loads and patches', async () => {
      const { suppression } = await ctx.tenant();
      const list = await suppression.createList({ name: 'DNC' });
      expect(list).toMatchObject({
        name: 'DNC',
        description: '',
        type: 'device',
        channels: ['voice'],
        required: false,
        expirationDays: -1,
        size: 0,
      });
      expect(list.id).toMatch(/^sup_/);
      expect(list.loadedAt).toBe(ctx.clock.now());
      expect(list.expiresAt).toBeUndefined();
      expect(await suppression.getList(list.id)).toEqual(list);

      ctx.clock.advance(1000);
      const patched = await suppression.updateList(list.id, { expirationDays: 3, channels: ['voice', 'sms'] });
      expect(patched).toMatchObject({
        name: 'DNC',
        expirationDays: 3,
        channels: ['voice', 'sms'],
        loadedAt: list.loadedAt,
        expiresAt: list.loadedAt + 3 * DAY,
      });
      ctx.clock.advance(1000);
      await suppression.addEntries(list.id, [{ value: '+12125550100' }]);
      const loaded = await suppression.getList(list.id);
      expect(loaded).toMatchObject({ size: 1, loadedAt: ctx.clock.now(), expiresAt: ctx.clock.now() + 3 * DAY });
      const never = await suppression.updateList(list.id, { expirationDays: -1 });
      expect(never.expiresAt).toBeUndefined();
      expect(never.description).toBe('');
    });

    it('refuses to change the type, invalid patches and unknown lists', async () => {
      const { suppression } = await ctx.tenant();
      const list = await suppression.createList({ name: 'Typed', type: 'clientId' });
      await expectCode(suppression.updateList(list.id, { type: 'device' } as never), 'VALIDATION_FAILED');
      await expectCode(suppression.updateList(list.id, { channels: [] }), 'VALIDATION_FAILED');
      expect(await suppression.getList(list.id)).toEqual(list);
      await expectCode(suppression.updateList('sup_missing', { name: 'x' }), 'SUPPRESSION_LIST_NOT_FOUND');
      await expectCode(suppression.addEntries('sup_missing', [{ value: 'x' }]), 'SUPPRESSION_LIST_NOT_FOUND');
      await expectCode(suppression.createList({ name: 'Bad', expirationDays: -2 }), 'VALIDATION_FAILED');
      expect(await suppression.deleteList(list.id)).toBe(true);
      expect(await suppression.deleteList(list.id)).toBe(false);
      expect(await suppression.getList(list.id)).toBeUndefined();
    });

    it('refuses duplicate values with SUPPRESSION_DUPLICATE and invalid entries with VALIDATION_FAILED', async () => {
      const { suppression } = await ctx.tenant();
      const list = await suppression.createList({ name: 'Dupes' });
      expect(await suppression.addEntries(list.id, [{ value: '+12125550100' }, { value: '+12125550101' }])).toEqual([]);
      const rejections = await suppression.addEntries(list.id, [
        { value: '+12125550101' },
        { value: '+12125550102' },
        { value: '+12125550102' },
      ]);
      expect(rejections).toEqual([
        { index: 0, code: 'SUPPRESSION_DUPLICATE', message: expect.stringContaining('+12125550101') },
        { index: 2, code: 'SUPPRESSION_DUPLICATE', message: expect.any(String) },
      ]);
      expect((await suppression.getList(list.id))?.size).toBe(3);
      await expectCode(
        suppression.addEntries(list.id, [{ value: '+12125550109' }, { value: '+1', from: 10, till: 5 }]),
        'VALIDATION_FAILED',
      );
      expect((await suppression.getList(list.id))?.size).toBe(3);
      expect(await suppression.removeEntries(list.id, ['+12125550100', '+19999999999'])).toBe(1);
      expect((await suppression.getList(list.id))?.size).toBe(2);
    });

    it('pages and streams entries in value order', async () => {
      const { suppression } = await ctx.tenant();
      const list = await suppression.createList({ name: 'Many', type: 'clientId' });
      const values = ['K9', 'A1', 'Z3', 'B7', 'M5'];
      await suppression.addEntries(
        list.id,
        values.map((value, i) => (i === 0 ? { value, from: 100, till: 200 } : { value })),
      );
      const all = await collectPages(
        (after) => suppression.listEntries(list.id, { limit: 2, ...(after ? { after } : {}) }),
        2,
      );
      expect(all.map((e) => e.value)).toEqual(['A1', 'B7', 'K9', 'M5', 'Z3']);
      expect(all[2]).toEqual({ value: 'K9', from: 100, till: 200, listId: list.id, createdAt: ctx.clock.now() });
      expect((await collect(suppression.streamEntries(list.id))).map((e) => e.value)).toEqual([
        'A1',
        'B7',
        'K9',
        'M5',
        'Z3',
      ]);
      const lists = await collectPages((after) => suppression.listLists({ limit: 1, ...(after ? { after } : {}) }), 1);
      expect(lists.map((l) => l.id)).toEqual([list.id]);
    });

    describe('lookup', () => {
      const setup = async () => {
        const { suppression } = await ctx.tenant();
        const devices = await suppression.createList({ name: 'Devices', channels: ['voice', 'sms'] });
        const clients = await suppression.createList({ name: 'Clients', type: 'clientId' });
        const sms = await suppression.createList({ name: 'SMS opt-out', channels: ['sms'], required: true });
        const expiring = await suppression.createList({ name: 'Expiring', expirationDays: 2 });
        const t0 = ctx.clock.now();
        await suppression.addEntries(devices.id, [
          { value: '+12125550100' },
          { value: '+12125550111', from: t0 + 1000, till: t0 + 5000 },
        ]);
        await suppression.addEntries(clients.id, [{ value: 'C-1' }]);
        await suppression.addEntries(sms.id, [{ value: '+12125550100' }]);
        await suppression.addEntries(expiring.id, [{ value: '+13055550100' }]);
        return { suppression, devices, clients, sms, expiring, t0 };
      };

      it('matches a device on device lists and a ClientID on ClientID lists', async () => {
        const { suppression, devices, clients, t0 } = await setup();
        expect(await suppression.lookup({ device: '+12125550100', at: t0 })).toEqual([
          { listId: devices.id, listName: 'Devices', required: false, type: 'device', value: '+12125550100' },
        ]);
        expect(await suppression.lookup({ clientId: 'C-1', at: t0 })).toEqual([
          { listId: clients.id, listName: 'Clients', required: false, type: 'clientId', value: 'C-1' },
        ]);
        expect(await suppression.lookup({ clientId: '+12125550100', at: t0 })).toEqual([]);
        expect(await suppression.lookup({ device: 'C-1', at: t0 })).toEqual([]);
        const both = await suppression.lookup({ device: '+12125550100', clientId: 'C-1', at: t0 });
        expect(both.map((m) => m.listId).sort()).toEqual([devices.id, clients.id].sort());
        expect(await suppression.lookup({ device: '+19999999999', at: t0 })).toEqual([]);
        await expectCode(suppression.lookup({ at: t0 } as never), 'VALIDATION_FAILED');
      });

      it('applies only lists of the channel', async () => {
        const { suppression, devices, sms, t0 } = await setup();
        const hits = await suppression.lookup({ device: '+12125550100', channel: 'sms', at: t0 });
        expect(hits.map((m) => m.listId).sort()).toEqual([devices.id, sms.id].sort());
        expect(await suppression.lookup({ device: '+12125550100', channel: 'email', at: t0 })).toEqual([]);
      });

      it('honours entry windows: from inclusive, till exclusive', async () => {
        const { suppression, t0 } = await setup();
        const at = async (ms: number) => (await suppression.lookup({ device: '+12125550111', at: ms })).length;
        expect(await at(t0 + 999)).toBe(0);
        expect(await at(t0 + 1000)).toBe(1);
        expect(await at(t0 + 4999)).toBe(1);
        expect(await at(t0 + 5000)).toBe(0);
        expect(await suppression.lookup({ device: '+12125550111', at: t0 + 2000 })).toEqual([
          expect.objectContaining({ value: '+12125550111', from: t0 + 1000, till: t0 + 5000 }),
        ]);
      });

      it('stops suppressing when the list expires, and a new load renews it', async () => {
        const { suppression, expiring } = await setup();
        const list = (await suppression.getList(expiring.id))!;
        expect(list.expiresAt).toBe(list.loadedAt + 2 * DAY);
        expect(await suppression.lookup({ device: '+13055550100', at: list.expiresAt! - 1 })).toHaveLength(1);
        expect(await suppression.lookup({ device: '+13055550100', at: list.expiresAt! })).toEqual([]);
        ctx.clock.advance(DAY);
        await suppression.addEntries(expiring.id, [{ value: '+13055550101' }]);
        expect(await suppression.lookup({ device: '+13055550100', at: list.expiresAt! })).toHaveLength(1);
        expect((await suppression.search('+13055550100')).map((m) => m.listId)).toEqual([expiring.id]);
        const zero = await suppression.createList({ name: 'Zero days', expirationDays: 0 });
        await suppression.addEntries(zero.id, [{ value: '+13055550199' }]);
        expect(await suppression.lookup({ device: '+13055550199', at: ctx.clock.now() })).toEqual([]);
      });

      it('restricts to listIds, adding required lists unless told not to', async () => {
        const { suppression, devices, clients, sms, t0 } = await setup();
        const only = await suppression.lookup({
          device: '+12125550100',
          channel: 'sms',
          at: t0,
          listIds: [clients.id],
        });
        expect(only.map((m) => m.listId)).toEqual([sms.id]);
        const withDevices = await suppression.lookup({
          device: '+12125550100',
          channel: 'sms',
          at: t0,
          listIds: [devices.id],
        });
        expect(withDevices.map((m) => m.listId).sort()).toEqual([devices.id, sms.id].sort());
        const noRequired = await suppression.lookup({
          device: '+12125550100',
          channel: 'sms',
          at: t0,
          listIds: [devices.id],
          includeRequired: false,
        });
        expect(noRequired.map((m) => m.listId)).toEqual([devices.id]);
        expect(
          await suppression.lookup({
            device: '+12125550100',
            channel: 'sms',
            at: t0,
            listIds: [],
            includeRequired: false,
          }),
        ).toEqual([]);
        expect(only[0]).toMatchObject({ listName: 'SMS opt-out', required: true });
      });

      it('search finds every list holding a value, whatever its window or expiry', async () => {
        const { suppression, devices, sms } = await setup();
        const hits = await suppression.search('+12125550100');
        expect(hits.map((m) => m.listId).sort()).toEqual([devices.id, sms.id].sort());
        expect(await suppression.search('+12125550111')).toEqual([
          expect.objectContaining({ listId: devices.id, from: expect.any(Number), till: expect.any(Number) }),
        ]);
        expect(await suppression.search('nothing')).toEqual([]);
      });

      it('a deleted list no longer suppresses', async () => {
        const { suppression, sms, devices, t0 } = await setup();
        await suppression.deleteList(sms.id);
        await suppression.deleteList(devices.id);
        expect(await suppression.lookup({ device: '+12125550100', channel: 'sms', at: t0 })).toEqual([]);
      });
    });

    describe('import sessions', () => {
      it('CREATE makes the list at commit; duplicates are refused', async () => {
        const { suppression } = await ctx.tenant();
        const session = await suppression.beginImport({ mode: 'CREATE' });
        const list = await session.createList({ name: 'Imported DNC', expirationDays: 30 });
        const rejections = await session.write(list.id, [
          { value: '+12125550100' },
          { value: '+12125550101' },
          { value: '+12125550100' },
        ]);
        expect(rejections).toEqual([{ index: 2, code: 'SUPPRESSION_DUPLICATE', message: expect.any(String) }]);
        expect(await suppression.getList(list.id)).toBeUndefined();
        expect(await suppression.search('+12125550100')).toEqual([]);
        ctx.clock.advance(500);
        const result = await session.commit();
        expect(result).toMatchObject({ inserted: 2, deleted: 0 });
        expect(result.lists).toEqual([await suppression.getList(list.id)]);
        expect(result.lists[0]).toMatchObject({
          size: 2,
          loadedAt: ctx.clock.now(),
          expiresAt: ctx.clock.now() + 30 * DAY,
        });
        expect(await suppression.lookup({ device: '+12125550101', at: ctx.clock.now() })).toHaveLength(1);
      });

      it('APPEND_ONLY refuses values already in the list; FLUSH_APPEND replaces the entries', async () => {
        const { suppression } = await ctx.tenant();
        const list = await suppression.createList({ name: 'Reloaded', type: 'clientId' });
        await suppression.addEntries(list.id, [{ value: 'A' }, { value: 'B' }]);
        const append = await suppression.beginImport({ mode: 'APPEND_ONLY', listId: list.id });
        expect(await append.write(list.id, [{ value: 'B' }, { value: 'C' }])).toEqual([
          { index: 0, code: 'SUPPRESSION_DUPLICATE', message: expect.any(String) },
        ]);
        expect(await append.commit()).toMatchObject({ inserted: 1, deleted: 0 });
        expect((await collect(suppression.streamEntries(list.id))).map((e) => e.value)).toEqual(['A', 'B', 'C']);

        const flush = await suppression.beginImport({ mode: 'FLUSH_APPEND', listId: list.id });
        expect(await flush.write(list.id, [{ value: 'C' }, { value: 'D' }])).toEqual([]);
        expect((await suppression.getList(list.id))?.size).toBe(3);
        ctx.clock.advance(10);
        const result = await flush.commit();
        expect(result).toMatchObject({ inserted: 2, deleted: 3 });
        expect(result.lists[0]).toMatchObject({ size: 2, loadedAt: ctx.clock.now() });
        expect((await collect(suppression.streamEntries(list.id))).map((e) => e.value)).toEqual(['C', 'D']);
      });

      it('abort and a failing commit change nothing', async () => {
        const { suppression } = await ctx.tenant();
        const list = await suppression.createList({ name: 'Stable' });
        await suppression.addEntries(list.id, [{ value: '+12125550100' }]);
        const before = await suppression.getList(list.id);
        const aborted = await suppression.beginImport({ mode: 'FLUSH_APPEND', listId: list.id });
        await aborted.write(list.id, [{ value: '+12125550199' }]);
        await aborted.abort();
        await aborted.abort();
        expect(await suppression.getList(list.id)).toEqual(before);
        expect((await collect(suppression.streamEntries(list.id))).map((e) => e.value)).toEqual(['+12125550100']);
        await expectCode(aborted.commit(), 'LIST_IMPORT_CLOSED');

        const failing = await suppression.beginImport({ mode: 'APPEND_ONLY', listId: list.id });
        const extra = await failing.createList({ name: 'Extra' });
        await failing.write(extra.id, [{ value: '+12125550200' }]);
        await suppression.deleteList(list.id);
        await expectCode(failing.commit(), 'SUPPRESSION_LIST_NOT_FOUND');
        expect(await suppression.getList(extra.id)).toBeUndefined();
        await failing.abort();
      });

      it('checks mode and target', async () => {
        const { suppression } = await ctx.tenant();
        const list = await suppression.createList({ name: 'Target' });
        const other = await suppression.createList({ name: 'Other' });
        await expectCode(suppression.beginImport({ mode: 'CREATE', listId: list.id }), 'LIST_UPLOAD_MODE_INVALID');
        await expectCode(suppression.beginImport({ mode: 'FLUSH_APPEND' }), 'LIST_UPLOAD_MODE_INVALID');
        await expectCode(
          suppression.beginImport({ mode: 'APPEND_ONLY', listId: 'sup_missing' }),
          'SUPPRESSION_LIST_NOT_FOUND',
        );
        const session = await suppression.beginImport({ mode: 'APPEND_ONLY', listId: list.id });
        await expectCode(session.write(other.id, [{ value: 'x' }]), 'LIST_UPLOAD_MODE_INVALID');
        await session.abort();
      });
    });
  });
}
