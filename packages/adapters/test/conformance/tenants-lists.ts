import { describe, expect, it } from 'vitest';
import type { SuiteContext } from './context.js';
import { collectPages, expectCode, START, sampleContact, sorted } from './context.js';

export function tenantsAndListsSuite(ctx: SuiteContext): void {
  describe('tenants', () => {
    it('creates tenants with default settings and gets them back', async () => {
      const tenant = await ctx.store.tenants.create({ name: 'Acme' });
      expect(tenant).toMatchObject({ name: 'Acme', settings: { defaultCountry: 'US', maxSplitLists: 20 } });
      expect(tenant.id).toMatch(/^ten_/);
      expect(await ctx.store.tenants.get(tenant.id)).toEqual(tenant);
      expect(await ctx.store.tenants.get('ten_missing')).toBeUndefined();
    });

    it('accepts a chosen id once and refuses it again with CONFLICT', async () => {
      const id = `ten_fixed${Math.random().toString(36).slice(2, 10)}`;
      const tenant = await ctx.store.tenants.create({ name: 'Fixed', id, settings: { defaultCountry: 'GB' } });
      expect(tenant.id).toBe(id);
      expect(tenant.settings.defaultCountry).toBe('GB');
      await expectCode(ctx.store.tenants.create({ name: 'Again', id }), 'CONFLICT');
    });

    it('merges a settings patch into the stored settings', async () => {
      const tenant = await ctx.store.tenants.create({ name: 'Patch', settings: { defaultCountry: 'CA' } });
      const updated = await ctx.store.tenants.update(tenant.id, { name: 'Patched', settings: { maxSplitLists: 5 } });
      expect(updated).toMatchObject({ name: 'Patched', settings: { defaultCountry: 'CA', maxSplitLists: 5 } });
      expect(await ctx.store.tenants.get(tenant.id)).toEqual(updated);
      await expectCode(ctx.store.tenants.update('ten_missing', { name: 'x' }), 'NOT_FOUND');
    });

    it('refuses invalid settings with VALIDATION_FAILED', async () => {
      await expectCode(
        ctx.store.tenants.create({ name: 'Bad', settings: { defaultTimeZone: 'Mars/Base' } }),
        'VALIDATION_FAILED',
      );
      await expectCode(ctx.store.tenants.create({ name: '' }), 'VALIDATION_FAILED');
    });

    it('pages through tenants by id', async () => {
      for (let i = 0; i < 3; i++) await ctx.store.tenants.create({ name: `Paged ${i}` });
      const all = await collectPages((after) => ctx.store.tenants.list({ limit: 2, ...(after ? { after } : {}) }), 2);
      const ids = all.map((t) => t.id);
      expect(ids).toEqual(sorted(ids));
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBeGreaterThanOrEqual(3);
    });
  });

  describe('contact lists', () => {
    it('creates a list with defaults and size 0', async () => {
      const { lists } = await ctx.tenant();
      const list = await lists.create({ name: ' Spring ' });
      expect(list).toMatchObject({ name: 'Spring', description: '', useCustomTimeZones: true, size: 0 });
      expect(list.id).toMatch(/^lst_/);
      expect(list.createdAt).toBeGreaterThanOrEqual(START);
      expect(list.updatedAt).toBe(list.createdAt);
      expect(await lists.get(list.id)).toEqual(list);
      expect(await lists.get('lst_missing')).toBeUndefined();
    });

    it('refuses a list without a name with VALIDATION_FAILED', async () => {
      const { lists } = await ctx.tenant();
      await expectCode(lists.create({ name: '  ' }), 'VALIDATION_FAILED');
      expect((await lists.list()).items).toEqual([]);
    });

    it('updates only the fields given', async () => {
      const { lists } = await ctx.tenant();
      const list = await lists.create({
        name: 'A',
        description: 'keep me',
        callerId: '2125550100',
        useCustomTimeZones: false,
      });
      ctx.clock.advance(1000);
      const updated = await lists.update(list.id, { name: 'B' });
      expect(updated).toMatchObject({
        name: 'B',
        description: 'keep me',
        callerId: '2125550100',
        useCustomTimeZones: false,
      });
      expect(updated.updatedAt).toBe(list.updatedAt + 1000);
      expect(updated.createdAt).toBe(list.createdAt);
      expect(await lists.get(list.id)).toEqual(updated);
      await expectCode(lists.update('lst_missing', { name: 'x' }), 'LIST_NOT_FOUND');
      await expectCode(lists.update(list.id, { name: '' }), 'VALIDATION_FAILED');
    });

    it('deletes a list with its contacts', async () => {
      const { lists, contacts } = await ctx.tenant();
      const list = await lists.create({ name: 'Doomed' });
      await contacts.add(list.id, sampleContact(1), 'APPEND_ONLY');
      expect(await lists.delete(list.id)).toBe(true);
      expect(await lists.delete(list.id)).toBe(false);
      expect(await lists.get(list.id)).toBeUndefined();
      expect(await contacts.getByClientId(list.id, 'C00001')).toBeUndefined();
      expect(await contacts.search({ clientId: 'C00001' })).toEqual([]);
      await expectCode(contacts.count(list.id), 'LIST_NOT_FOUND');
    });

    it('pages by id and filters by a case-insensitive name fragment', async () => {
      const { lists } = await ctx.tenant();
      const names = ['North East', 'north west', 'South', 'Northern Lights', 'East'];
      for (const name of names) await lists.create({ name });
      const all = await collectPages((after) => lists.list({ limit: 2, ...(after ? { after } : {}) }), 2);
      expect(all.map((l) => l.id)).toEqual(sorted(all.map((l) => l.id)));
      expect(all.map((l) => l.name).sort()).toEqual([...names].sort());
      const north = await lists.list({ nameContains: 'NORTH', limit: 10 });
      expect(north.items.map((l) => l.name).sort()).toEqual(['North East', 'Northern Lights', 'north west']);
      expect(north.nextCursor).toBeNull();
      const exact = await lists.list({ limit: 5 });
      expect(exact.items).toHaveLength(5);
      expect(exact.nextCursor).toBeNull();
    });

    it('refuses a cursor it did not make with VALIDATION_FAILED', async () => {
      const { lists } = await ctx.tenant();
      await expectCode(lists.list({ after: 'not a cursor!' }), 'VALIDATION_FAILED');
      await expectCode(lists.list({ limit: 0 }), 'VALIDATION_FAILED');
    });
  });
}
