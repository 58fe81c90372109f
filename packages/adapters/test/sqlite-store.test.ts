import { createSqliteStore, registerSqliteFunctions } from '@outpace/adapters/sqlite';
import type { NewContact, SelectionInput } from '@outpace/core';
import { createManualClock, parseSelection } from '@outpace/core';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ALL_CONTACT_COLUMNS, contactRow } from '../src/sql/contact-rows.js';
import { MIGRATION_NAMES, runMigrations } from '../src/sql/migrations.js';
import { createSqliteDialect } from '../src/sqlite/dialect.js';
import { describeSqlBehaviour } from './sql/behaviour.js';
import { tempFiles } from './support/temp-files.js';

const tempFile = tempFiles('outpace-sqlite-');

describeSqlBehaviour('sqlite (own connection)', async (clock) => {
  const database = new Database(tempFile('behaviour.db'));
  const store = createSqliteStore({ database, clock });
  return {
    store,
    rawCount: async (table) => (database.prepare(`select count(*) as n from "${table}"`).get() as { n: number }).n,
    async cleanup() {
      await store.close();
      database.close();
    },
  };
});

describe('sqlite store', () => {
  it('reports its capabilities honestly', async () => {
    const memory = createSqliteStore({ filename: ':memory:' });
    const file = createSqliteStore({ filename: tempFile('caps.db') });
    expect(memory.capabilities).toEqual({ nativeSelection: true, shared: false, durable: false });
    expect(file.capabilities).toEqual({ nativeSelection: true, shared: false, durable: true });
    expect(memory.name).toBe('sqlite');
    await memory.close();
    await file.close();
  });

  it('refuses options that give no connection or several', () => {
    expect(() => createSqliteStore({})).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => createSqliteStore({ filename: ':memory:', mmapSizeMb: -1 })).toThrow(/mmapSizeMb/);
    expect(() => createSqliteStore({ filename: ':memory:', database: new Database(':memory:') })).toThrow(
      /exactly one of filename, database or kysely/,
    );
  });

  it('opens nothing until first used, and keeps data in the file across restarts', async () => {
    const filename = tempFile('restart.db');
    const first = createSqliteStore({ filename });
    const tenant = await first.tenants.create({ name: 'Durable' });
    const { lists, contacts } = first.forTenant(tenant.id);
    const list = await lists.create({ name: 'Kept' });
    await contacts.add(
      list.id,
      { clientId: 'A', devices: [{ index: 1, type: 'home', value: '+12125550100' }] },
      'APPEND_ONLY',
    );
    await first.close();
    const second = createSqliteStore({ filename });
    expect(await second.migrate()).toEqual([]);
    expect((await second.forTenant(tenant.id).contacts.getByClientId(list.id, 'A'))?.devices[0]?.value).toBe(
      '+12125550100',
    );
    await second.close();
  });

  it('leaves a connection it was given open', async () => {
    const database = new Database(':memory:');
    const store = createSqliteStore({ database });
    await store.tenants.create({ name: 'Borrowed' });
    await store.close();
    expect(database.open).toBe(true);
    expect((database.prepare('select count(*) as n from outpace_tenants').get() as { n: number }).n).toBe(1);
    database.close();
  });

  it('needs its SQL functions on a kysely instance it is given', async () => {
    const bare = new Kysely({ dialect: new SqliteDialect({ database: new Database(':memory:') }) });
    const refused = createSqliteStore({ kysely: bare });
    await expect(refused.tenants.list()).rejects.toMatchObject({ code: 'ADAPTER_SQLITE_FUNCTIONS_MISSING' });
    await refused.close();
    await bare.destroy();

    const database = new Database(':memory:');
    registerSqliteFunctions(database);
    const kysely = new Kysely({ dialect: new SqliteDialect({ database }) });
    const store = createSqliteStore({ kysely });
    const tenant = await store.tenants.create({ name: 'Own kysely' });
    const { lists, contacts } = store.forTenant(tenant.id);
    const session = await contacts.beginImport({ mode: 'CREATE' });
    const list = await session.createList({ name: 'Through kysely' });
    const batch = Array.from({ length: 700 }, (_, i) => ({
      clientId: `K${i}`,
      firstName: i % 2 === 0 ? 'Émile' : 'Zoë',
      others: {},
      location: {},
      devices: [{ index: 1, type: 'home' as const, value: `+1212555${String(i).padStart(4, '0')}` }],
    }));
    expect(await session.write(list.id, batch)).toEqual([]);
    await session.commit();
    expect(
      await contacts.count(list.id, {
        conditionSets: [{ conditions: [{ field: 'firstName', type: 'string', operator: 'equal', value: 'ÉMILE' }] }],
        orderBy: [],
      }),
    ).toBe(350);
    expect((await lists.get(list.id))?.size).toBe(700);
    await store.close();
    await kysely.destroy();
  });

  it('upgrades a database made by an older version in place, keeping its data', async () => {
    const filename = tempFile('upgrade.db');
    const clock = createManualClock(Date.parse('2026-03-02T12:00:00Z'));
    // An "older version": only the first migration has run.
    const database = new Database(filename);
    registerSqliteFunctions(database);
    const kysely = new Kysely({ dialect: new SqliteDialect({ database }) });
    const first = MIGRATION_NAMES[0] as string;
    expect(await runMigrations(kysely, createSqliteDialect({ durable: true }), { to: first })).toEqual([first]);
    const old = createSqliteStore({ kysely, clock, migrate: false });
    const tenant = await old.tenants.create({ name: 'Old' });
    const { lists, contacts } = old.forTenant(tenant.id);
    const list = await lists.create({ name: 'Before the upgrade' });
    // The contacts as that version stored them: rows of outpace_contacts alone (today's imports also
    // write the device lookup table of a later migration, which this schema lacks).
    const dialect = createSqliteDialect({ durable: true });
    const { data_id: dataId } = database
      .prepare('select data_id from outpace_contact_lists where id = ?')
      .get(list.id) as { data_id: string };
    const oldContacts: NewContact[] = [
      {
        clientId: 'OLD1',
        others: { other1: '5' },
        location: {},
        devices: [{ index: 1, type: 'home', value: '+12125550101', areaCode: '212' }],
      },
      { clientId: 'OLD2', others: {}, location: {}, devices: [] },
    ];
    const at = clock.now();
    oldContacts.forEach((contact, i) => {
      const row = contactRow(
        dialect,
        { tenantId: tenant.id, dataId, id: `con_old${i}`, createdAt: at, updatedAt: at },
        contact,
      );
      database
        .prepare(
          `insert into outpace_contacts (${ALL_CONTACT_COLUMNS.map((c) => c.name).join(', ')}) values (${row.map(() => '?').join(', ')})`,
        )
        .run(...row);
    });
    database.prepare('update outpace_contact_lists set size = 2, device_slots = 1 where id = ?').run(list.id);
    const before = await contacts.list(list.id);
    expect(before.items.map((c) => c.clientId)).toEqual(['OLD1', 'OLD2']);
    await old.close();
    await kysely.destroy();
    const tables = (names: Database.Database) =>
      (
        names
          .prepare("select name from sqlite_master where type = 'table' and name like 'outpace_%' order by name")
          .all() as { name: string }[]
      ).map((r) => r.name);
    const check = new Database(filename);
    expect(tables(check)).not.toContain('outpace_suppression_lists');
    check.close();

    const upgraded = createSqliteStore({ filename, clock });
    expect(await upgraded.migrate()).toEqual(MIGRATION_NAMES.slice(1));
    const t = upgraded.forTenant(tenant.id);
    expect(await t.contacts.list(list.id)).toEqual(before);
    expect(
      await t.contacts.count(list.id, {
        conditionSets: [{ conditions: [{ field: 'device', type: 'areaCode', operator: 'equal', value: '212' }] }],
        orderBy: [],
      }),
    ).toBe(1);
    // The device lookup table was filled from the old rows.
    expect((await t.contacts.search({ device: '+12125550101' })).map((c) => c.clientId)).toEqual(['OLD1']);
    // The Other fields, stored as JSON text then, are binary JSON now, and rules still read them.
    const kinds = new Database(filename, { readonly: true });
    expect(kinds.prepare('select distinct typeof(f_others) as t from outpace_contacts').pluck().all()).toEqual([
      'blob',
    ]);
    kinds.close();
    expect(
      await t.contacts.count(list.id, {
        conditionSets: [{ conditions: [{ field: 'other1', type: 'numeric', operator: 'equal', value: 5 }] }],
        orderBy: [],
      }),
    ).toBe(1);
    // What the newer migrations brought works on the old data's tenant.
    const dnc = await t.suppression.createList({ name: 'After the upgrade' });
    await t.suppression.addEntries(dnc.id, [{ value: '+12125550101' }]);
    expect(await t.suppression.search('+12125550101')).toHaveLength(1);
    expect(await upgraded.migrate()).toEqual([]);
    await upgraded.close();
  });

  it('keeps the Other fields rules read as binary JSON, and gives back exactly what was written', async () => {
    const database = new Database(':memory:');
    const store = createSqliteStore({ database });
    const tenant = await store.tenants.create({ name: 'Others' });
    const { lists, contacts } = store.forTenant(tenant.id);
    const list = await lists.create({ name: 'Awkward values' });
    const others = {
      other1: 'say "hi" \\ back\nslash\ttab',
      other2: 'Émile 北京 🎉 \u0001 \u2028',
      other3: '  12 ',
      other12: '',
    };
    const added = await contacts.add(list.id, { clientId: 'A', others, devices: [] }, 'APPEND_ONLY');
    const session = await contacts.beginImport({ mode: 'APPEND_ONLY', listId: list.id });
    await session.write(list.id, [{ clientId: 'B', others: { ...others, other3: '7' }, location: {}, devices: [] }]);
    await session.commit();
    expect(database.prepare('select distinct typeof(f_others) from outpace_contacts').pluck().all()).toEqual(['blob']);
    expect((await contacts.get(list.id, added.contact.id))?.others).toEqual(others);
    expect((await contacts.getByClientId(list.id, 'B'))?.others).toEqual({ ...others, other3: '7' });
    expect((await contacts.list(list.id)).items.map((c) => c.others.other2)).toEqual([others.other2, others.other2]);
    const count = (field: string, operator: string, value: unknown, type = 'string') =>
      contacts.count(
        list.id,
        parseSelection({ conditionSets: [{ conditions: [{ field, type, operator, value }] }] } as SelectionInput),
      );
    expect(await count('other1', 'equal', others.other1)).toBe(2);
    expect(await count('other2', 'like', 'émile 北京%')).toBe(2);
    expect(await count('other3', 'greaterThan', 10, 'numeric')).toBe(1);
    expect(await count('other3', 'lessThan', 10, 'numeric')).toBe(1);
    expect(await count('other12', 'isEmpty', undefined)).toBe(2);
    expect(await count('other40', 'isEmpty', undefined)).toBe(2);
    await store.close();
    database.close();
  });

  it('carries the tenant in every table and leads every key and index with it', async () => {
    const database = new Database(':memory:');
    const store = createSqliteStore({ database });
    await store.migrate();
    const tables = database
      .prepare(
        "select name from sqlite_master where type = 'table' and name like 'outpace_%' and name not like 'outpace_migration%'",
      )
      .all() as { name: string }[];
    expect(tables.length).toBeGreaterThanOrEqual(13);
    for (const { name } of tables) {
      const columns = database.prepare(`pragma table_info("${name}")`).all() as { name: string; pk: number }[];
      // Platform-level tables, read before a tenant is known: the tenant registry and credentials.
      if (['outpace_tenants', 'outpace_users', 'outpace_sessions', 'outpace_api_keys'].includes(name)) continue;
      expect(
        columns.map((c) => c.name),
        name,
      ).toContain('tenant_id');
      const key = columns.filter((c) => c.pk > 0).sort((a, b) => a.pk - b.pk);
      expect(key[0]?.name, `primary key of ${name}`).toBe('tenant_id');
      const indexes = database.prepare(`pragma index_list("${name}")`).all() as { name: string }[];
      for (const index of indexes) {
        const first = (database.prepare(`pragma index_info("${index.name}")`).all() as { name: string }[])[0];
        expect(first?.name, `index ${index.name}`).toBe('tenant_id');
      }
    }
    await store.close();
    database.close();
  });
});
