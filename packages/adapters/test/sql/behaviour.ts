/**
 * Behaviour of the SQL stores beyond the port contract (which the conformance
 * suite covers): what the tables hold while imports run, sweeping abandoned
 * imports, closing. Runs against SQLite and PostgreSQL.
 */
import type { ManualClock, NewContact } from '@outpace/core';
import { createManualClock } from '@outpace/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlStore } from '../../src/sql/store.js';

/** A store under test plus direct access to its tables. */
export interface SqlTarget {
  store: SqlStore;
  /** Rows of an Outpace table, counted behind the store's back. */
  rawCount(table: string): Promise<number>;
  cleanup(): Promise<void>;
}

const START = Date.parse('2026-03-02T12:00:00Z');

/**
 * Waits until `read` gives `expected` (engines with a stager write a batch
 * after `write` resolves, while the next one is prepared), then checks it.
 */
async function eventually(read: () => Promise<number>, expected: number): Promise<void> {
  let value = await read();
  for (let tries = 0; value !== expected && tries < 100; tries++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    value = await read();
  }
  expect(value).toBe(expected);
}
const HOUR = 3_600_000;

function contact(n: number, extra: Partial<NewContact> = {}): NewContact {
  return {
    clientId: `C${n}`,
    firstName: `First${n}`,
    others: { other1: String(n) },
    devices: [{ index: 1, type: 'mobile', value: `+1212555${String(n).padStart(4, '0')}`, areaCode: '212' }],
    location: {},
    ...extra,
  };
}

function range(from: number, to: number, extra: Partial<NewContact> = {}): NewContact[] {
  return Array.from({ length: to - from + 1 }, (_, i) => contact(from + i, extra));
}

export function describeSqlBehaviour(name: string, open: (clock: ManualClock) => Promise<SqlTarget>): void {
  describe(`${name} store behaviour`, () => {
    const clock = createManualClock(START);
    let target: SqlTarget;
    beforeAll(async () => {
      target = await open(clock);
    });
    afterAll(async () => {
      await target?.cleanup();
    });

    const tenant = async () => {
      const t = await target.store.tenants.create({ name: 'Behaviour' });
      return target.store.forTenant(t.id);
    };

    it('reports native selection and honest capabilities', () => {
      expect(target.store.capabilities.nativeSelection).toBe(true);
      expect(typeof target.store.capabilities.shared).toBe('boolean');
    });

    it('keeps an import out of sight until commit, then shows all of it at once', async () => {
      const { lists, contacts } = await tenant();
      const list = await lists.create({ name: 'Live' });
      const old = await contacts.beginImport({ mode: 'APPEND_ONLY', listId: list.id });
      await old.write(list.id, range(1, 50));
      await old.commit();
      const before = await target.rawCount('outpace_contacts');

      const session = await contacts.beginImport({ mode: 'FLUSH_APPEND', listId: list.id });
      const created = await session.createList({ name: 'Split' });
      for (let from = 100; from < 400; from += 100) await session.write(list.id, range(from, from + 99));
      await session.write(created.id, range(1000, 1009));
      // The rows are in the table, but no reader can reach them.
      await eventually(() => target.rawCount('outpace_contacts'), before + 310);
      expect(await contacts.count(list.id)).toBe(50);
      expect((await contacts.list(list.id, { limit: 1000 })).items.map((c) => c.clientId)).toContain('C1');
      expect(await contacts.getByClientId(list.id, 'C150')).toBeUndefined();
      expect(await contacts.search({ clientId: 'C150' })).toEqual([]);
      expect(await contacts.search({ device: '+12125550150' })).toEqual([]);
      expect(await lists.get(created.id)).toBeUndefined();
      expect((await lists.get(list.id))?.size).toBe(50);

      clock.advance(1000);
      const result = await session.commit();
      expect(result).toMatchObject({ inserted: 310, deleted: 50 });
      expect(await contacts.count(list.id)).toBe(300);
      expect(await contacts.getByClientId(list.id, 'C1')).toBeUndefined();
      expect((await contacts.getByClientId(list.id, 'C150'))?.createdAt).toBe(clock.now());
      expect(await contacts.count(created.id)).toBe(10);
      // The flushed contacts are gone from the table, not only from sight.
      expect(await target.rawCount('outpace_contacts')).toBe(before - 50 + 310);
    });

    it('abort deletes the staged rows', async () => {
      const { lists, contacts } = await tenant();
      const list = await lists.create({ name: 'Kept' });
      const before = await target.rawCount('outpace_contacts');
      const session = await contacts.beginImport({ mode: 'APPEND_AND_UPDATE', listId: list.id });
      await session.write(list.id, range(1, 120));
      await eventually(() => target.rawCount('outpace_contacts'), before + 120);
      await session.abort();
      expect(await target.rawCount('outpace_contacts')).toBe(before);
      expect(await target.rawCount('outpace_segments')).toBe(0);
    });

    it('sweeps the rows of an import abandoned without commit or abort', async () => {
      const { lists, contacts, suppression, tenantId } = await tenant();
      const list = await lists.create({ name: 'Abandoned' });
      const before = await target.rawCount('outpace_contacts');
      const entriesBefore = await target.rawCount('outpace_suppression_entries');
      const session = await contacts.beginImport({ mode: 'APPEND_ONLY', listId: list.id });
      await session.write(list.id, range(1, 30));
      const dnc = await suppression.beginImport({ mode: 'CREATE' });
      const dncList = await dnc.createList({ name: 'DNC' });
      await dnc.write(dncList.id, [{ value: '+12125550001' }, { value: '+12125550002' }]);
      // Still fresh: nothing to sweep.
      clock.advance(HOUR);
      expect(await target.store.sweep(tenantId)).toBe(0);
      await eventually(() => target.rawCount('outpace_contacts'), before + 30);
      // Six hours without a write: the imports count as abandoned.
      clock.advance(6 * HOUR);
      expect(await target.store.sweep(tenantId)).toBe(2);
      expect(await target.rawCount('outpace_contacts')).toBe(before);
      expect(await target.rawCount('outpace_suppression_entries')).toBe(entriesBefore);
      expect(await contacts.count(list.id)).toBe(0);
    });

    it('deleting a list deletes its rows', async () => {
      const { lists, contacts } = await tenant();
      const list = await lists.create({ name: 'Doomed' });
      const before = await target.rawCount('outpace_contacts');
      const session = await contacts.beginImport({ mode: 'APPEND_ONLY', listId: list.id });
      await session.write(list.id, range(1, 40));
      await session.commit();
      expect(await target.rawCount('outpace_contacts')).toBe(before + 40);
      expect(await lists.delete(list.id)).toBe(true);
      expect(await target.rawCount('outpace_contacts')).toBe(before);
    });

    it('stores ten devices per contact and rejects an eleventh without staging the batch', async () => {
      const { contacts } = await tenant();
      const session = await contacts.beginImport({ mode: 'CREATE' });
      const list = await session.createList({ name: 'Many devices' });
      const devices = Array.from({ length: 10 }, (_, i) => ({
        index: 10 - i,
        type: 'home' as const,
        value: `+1646555${String(i).padStart(4, '0')}`,
        areaCode: '646',
      }));
      // 10 devices give 100 columns per row: 2,000 rows need several statements under SQLite's parameter limit.
      expect(await session.write(list.id, range(1, 2000, { devices }))).toEqual([]);
      const eleven = [...devices, { index: 1, type: 'home' as const, value: '+16465559999' }];
      await expect(session.write(list.id, [contact(5000), contact(5001, { devices: eleven })])).rejects.toMatchObject({
        code: 'VALIDATION_FAILED',
      });
      await session.commit();
      expect(await contacts.count(list.id)).toBe(2000);
      const stored = await contacts.getByClientId(list.id, 'C1999');
      expect(stored?.devices).toEqual(devices);
      const found = await contacts.search({ device: '+16465550009' });
      expect(found).toHaveLength(50);
      expect(
        await contacts.count(list.id, {
          conditionSets: [
            { conditions: [{ field: 'device1', type: 'string', operator: 'equal', value: '+16465550009' }] },
          ],
          orderBy: [],
        }),
      ).toBe(2000);
    });

    it('closes once and refuses work afterwards', async () => {
      const store = target.store;
      const { tenantId } = await tenant();
      await store.close();
      await store.close();
      await expect(store.tenants.get(tenantId)).rejects.toMatchObject({ code: 'ADAPTER_CLOSED' });
    });
  });
}
