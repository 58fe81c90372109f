import type { TenantStores } from '@outpace/core';
import { emptyImportCounters, SelectionSchema } from '@outpace/core';
import { describe, expect, it } from 'vitest';
import type { SuiteContext } from './context.js';
import { collect, expectCode, sampleContact } from './context.js';

/** Everything tenant B owns, made through the ports. */
async function populate(b: TenantStores) {
  const list = await b.lists.create({ name: 'B list' });
  const contact = (await b.contacts.add(list.id, sampleContact(1, { firstName: 'Bea' }), 'APPEND_ONLY')).contact;
  const dnc = await b.suppression.createList({ name: 'B DNC', required: true });
  await b.suppression.addEntries(dnc.id, [{ value: '+12125550001' }]);
  const job = await b.importJobs.create({
    ...emptyImportCounters(),
    kind: 'contacts',
    state: 'running',
    uploadMode: 'CREATE',
    listIds: [list.id],
    fileName: 'b.csv',
  });
  await b.importJobs.appendReports(job.id, [{ line: 2, rejected: true, raw: 'x', issues: [] }]);
  const rule = await b.listRules.create({ kind: 'selection', name: 'B rule', selection: {} });
  const label = await b.labels.create({ name: 'B labels', labels: { other1: 'Balance' } });
  const mapping = await b.dataMappings.create({ name: 'B mapping', fields: [{ target: 'Device1', column: 1 }] });
  const spec = await b.specFiles.create({ name: 'B spec', text: 'device1:s/<CSV>/$1/' });
  return { list, contact, dnc, job, rule, label, mapping, spec };
}

/** A snapshot of B's data, read through B's own stores. */
async function snapshot(b: TenantStores, ids: Awaited<ReturnType<typeof populate>>) {
  return {
    list: await b.lists.get(ids.list.id),
    contacts: await collect(b.contacts.stream(ids.list.id)),
    dnc: await b.suppression.getList(ids.dnc.id),
    entries: await collect(b.suppression.streamEntries(ids.dnc.id)),
    job: await b.importJobs.get(ids.job.id),
    reports: await collect(b.importJobs.streamReports(ids.job.id)),
    rule: await b.listRules.get(ids.rule.id),
    label: await b.labels.get(ids.label.id),
    mapping: await b.dataMappings.get(ids.mapping.id),
    spec: await b.specFiles.get(ids.spec.id),
  };
}

export function isolationSuite(ctx: SuiteContext): void {
  describe('tenant isolation', () => {
    it('tenant A can never read, count, change or delete tenant B data', async () => {
      const a = await ctx.tenant('A');
      const b = await ctx.tenant('B');
      const ids = await populate(b);
      const before = await snapshot(b, ids);
      const all = SelectionSchema.parse({});

      // Reads see nothing.
      expect(await a.lists.get(ids.list.id)).toBeUndefined();
      expect((await a.lists.list()).items).toEqual([]);
      expect(await a.contacts.get(ids.list.id, ids.contact.id)).toBeUndefined();
      expect(await a.contacts.getByClientId(ids.list.id, 'C00001')).toBeUndefined();
      await expectCode(a.contacts.list(ids.list.id), 'LIST_NOT_FOUND');
      await expectCode(a.contacts.count(ids.list.id), 'LIST_NOT_FOUND');
      await expectCode(a.contacts.count(ids.list.id, all), 'LIST_NOT_FOUND');
      await expect(collect(a.contacts.stream(ids.list.id))).rejects.toMatchObject({ code: 'LIST_NOT_FOUND' });
      expect(await a.contacts.search({ clientId: 'C00001' })).toEqual([]);
      expect(await a.contacts.search({ name: 'bea' })).toEqual([]);
      expect(await a.contacts.search({ device: ids.contact.devices[0]!.value })).toEqual([]);
      expect(await a.suppression.getList(ids.dnc.id)).toBeUndefined();
      expect((await a.suppression.listLists()).items).toEqual([]);
      await expectCode(a.suppression.listEntries(ids.dnc.id), 'SUPPRESSION_LIST_NOT_FOUND');
      await expect(collect(a.suppression.streamEntries(ids.dnc.id))).rejects.toMatchObject({
        code: 'SUPPRESSION_LIST_NOT_FOUND',
      });
      expect(await a.suppression.lookup({ device: '+12125550001', at: ctx.clock.now() })).toEqual([]);
      expect(
        await a.suppression.lookup({ device: '+12125550001', at: ctx.clock.now(), listIds: [ids.dnc.id] }),
      ).toEqual([]);
      expect(await a.suppression.search('+12125550001')).toEqual([]);
      expect(await a.importJobs.get(ids.job.id)).toBeUndefined();
      expect((await a.importJobs.list()).items).toEqual([]);
      expect((await a.importJobs.list({ listId: ids.list.id })).items).toEqual([]);
      await expectCode(a.importJobs.listReports(ids.job.id), 'NOT_FOUND');
      await expect(collect(a.importJobs.streamReports(ids.job.id))).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(await a.listRules.get(ids.rule.id)).toBeUndefined();
      expect(await a.labels.get(ids.label.id)).toBeUndefined();
      expect(await a.dataMappings.get(ids.mapping.id)).toBeUndefined();
      expect(await a.specFiles.get(ids.spec.id)).toBeUndefined();
      for (const store of [a.listRules, a.labels, a.dataMappings, a.specFiles] as const) {
        expect((await store.list()).items).toEqual([]);
      }

      // Writes are refused as if the objects did not exist.
      await expectCode(a.lists.update(ids.list.id, { name: 'hijacked' }), 'LIST_NOT_FOUND');
      await expectCode(a.contacts.add(ids.list.id, sampleContact(2), 'APPEND_ONLY'), 'LIST_NOT_FOUND');
      await expectCode(a.contacts.update(ids.list.id, ids.contact.id, sampleContact(2)), 'LIST_NOT_FOUND');
      await expectCode(a.contacts.remove(ids.list.id, [ids.contact.id]), 'LIST_NOT_FOUND');
      await expectCode(a.contacts.beginImport({ mode: 'FLUSH_APPEND', listId: ids.list.id }), 'LIST_NOT_FOUND');
      const session = await a.contacts.beginImport({ mode: 'CREATE' });
      await expectCode(session.write(ids.list.id, [sampleContact(3)]), 'LIST_NOT_FOUND');
      await session.abort();
      await expectCode(a.suppression.updateList(ids.dnc.id, { required: false }), 'SUPPRESSION_LIST_NOT_FOUND');
      await expectCode(a.suppression.addEntries(ids.dnc.id, [{ value: '+12125550002' }]), 'SUPPRESSION_LIST_NOT_FOUND');
      await expectCode(a.suppression.removeEntries(ids.dnc.id, ['+12125550001']), 'SUPPRESSION_LIST_NOT_FOUND');
      await expectCode(
        a.suppression.beginImport({ mode: 'FLUSH_APPEND', listId: ids.dnc.id }),
        'SUPPRESSION_LIST_NOT_FOUND',
      );
      await expectCode(a.importJobs.update(ids.job.id, { state: 'failed' }), 'NOT_FOUND');
      await expectCode(
        a.importJobs.appendReports(ids.job.id, [{ line: 3, rejected: true, raw: 'y', issues: [] }]),
        'NOT_FOUND',
      );
      await expectCode(a.listRules.update(ids.rule.id, { kind: 'selection', name: 'x', selection: {} }), 'NOT_FOUND');
      await expectCode(a.labels.update(ids.label.id, { name: 'x', labels: {} }), 'NOT_FOUND');
      await expectCode(
        a.dataMappings.update(ids.mapping.id, { name: 'x', fields: [{ target: 'Device1', column: 2 }] }),
        'NOT_FOUND',
      );
      await expectCode(a.specFiles.update(ids.spec.id, { name: 'x', text: 'y' }), 'NOT_FOUND');

      // Deletes report "unknown".
      expect(await a.lists.delete(ids.list.id)).toBe(false);
      expect(await a.suppression.deleteList(ids.dnc.id)).toBe(false);
      expect(await a.listRules.delete(ids.rule.id)).toBe(false);
      expect(await a.labels.delete(ids.label.id)).toBe(false);
      expect(await a.dataMappings.delete(ids.mapping.id)).toBe(false);
      expect(await a.specFiles.delete(ids.spec.id)).toBe(false);

      expect(await snapshot(b, ids)).toEqual(before);
    });

    it('the same ClientIDs, values and names live side by side in two tenants', async () => {
      const a = await ctx.tenant('A2');
      const b = await ctx.tenant('B2');
      for (const t of [a, b]) {
        const list = await t.lists.create({ name: 'Same' });
        await t.contacts.add(list.id, sampleContact(1, { firstName: t === a ? 'Alpha' : 'Beta' }), 'APPEND_ONLY');
        const dnc = await t.suppression.createList({ name: 'Same', type: 'clientId' });
        expect(await t.suppression.addEntries(dnc.id, [{ value: 'C00001' }])).toEqual([]);
      }
      expect((await a.contacts.search({ clientId: 'C00001' })).map((c) => c.firstName)).toEqual(['Alpha']);
      expect((await b.contacts.search({ clientId: 'C00001' })).map((c) => c.firstName)).toEqual(['Beta']);
      expect(await a.suppression.search('C00001')).toHaveLength(1);
      expect((await a.lists.list()).items).toHaveLength(1);
    });
  });
}
