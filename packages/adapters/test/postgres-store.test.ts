import { createPostgresStore } from '@outpace/adapters/postgres';
import { createManualClock } from '@outpace/core';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createCopyStager } from '../src/postgres/copy.js';
import { ANALYZE_MIN_ROWS, createPostgresDialect } from '../src/postgres/dialect.js';
import { deviceIndexName } from '../src/sql/contact-devices.js';
import { ALL_CONTACT_COLUMNS, contactRow } from '../src/sql/contact-rows.js';
import { MIGRATION_NAMES, runMigrations } from '../src/sql/migrations.js';
import { describeSqlBehaviour } from './sql/behaviour.js';
import { dropSchema, pgAvailability, pgUrl, uniqueSchema } from './sql/postgres-env.js';
import { describeWithService } from './support/service.js';

const available = await pgAvailability();

/**
 * Platform-level tables, read before a tenant is known: the tenant registry and
 * the credentials (login by email, session token, API key hash).
 */
const PLATFORM_TABLES = ['outpace_tenants', 'outpace_users', 'outpace_sessions', 'outpace_api_keys'];

async function count(pool: pg.Pool, schema: string, table: string): Promise<number> {
  const result = await pool.query(`select count(*)::int as n from "${schema}"."${table}"`);
  return result.rows[0].n as number;
}

describeWithService(available, 'postgres store', () => {
  describeSqlBehaviour('postgres', async (clock) => {
    const schema = uniqueSchema('outpace_beh');
    const pool = new pg.Pool({ connectionString: pgUrl(), max: 4 });
    const store = createPostgresStore({ pool, schema, clock });
    return {
      store,
      rawCount: (table) => count(pool, schema, table),
      async cleanup() {
        await store.close();
        await pool.end();
        await dropSchema(schema);
      },
    };
  });

  describe('postgres store', () => {
    it('reports its capabilities and leaves a pool it was given open', async () => {
      const schema = uniqueSchema('outpace_pool');
      const pool = new pg.Pool({ connectionString: pgUrl(), max: 2 });
      const store = createPostgresStore({ pool, schema });
      expect(store.capabilities).toEqual({ nativeSelection: true, shared: true, durable: true });
      expect(store.name).toBe('postgres');
      await store.tenants.create({ name: 'Pooled' });
      await store.close();
      expect(await count(pool, schema, 'outpace_tenants')).toBe(1);
      await pool.end();
      await dropSchema(schema);
    });

    it('refuses options that give no connection or several', () => {
      expect(() => createPostgresStore({})).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
      expect(() => createPostgresStore({ connectionString: pgUrl(), schema: 'bad-name; drop' })).toThrow(
        expect.objectContaining({ code: 'VALIDATION_FAILED' }),
      );
    });

    it('lets several nodes start on one database at once: migrations run once, all nodes see the same data', async () => {
      const schema = uniqueSchema('outpace_nodes');
      const nodes = [1, 2, 3].map(() => createPostgresStore({ connectionString: pgUrl(), schema, poolSize: 2 }));
      const ran = await Promise.all(nodes.map((node) => node.migrate()));
      expect(ran.flat().sort()).toEqual([...MIGRATION_NAMES].sort());
      const [a, b, c] = nodes as [(typeof nodes)[0], (typeof nodes)[0], (typeof nodes)[0]];
      const tenant = await a.tenants.create({ name: 'Shared' });
      const list = await a.forTenant(tenant.id).lists.create({ name: 'Seen everywhere' });
      // Two nodes import into the same list at once; both commits land, none is half-applied.
      const importOn = async (node: typeof a, from: number) => {
        const session = await node.forTenant(tenant.id).contacts.beginImport({ mode: 'APPEND_ONLY', listId: list.id });
        const batch = Array.from({ length: 200 }, (_, i) => ({
          clientId: `N${from + i}`,
          others: {},
          location: {},
          devices: [{ index: 1, type: 'home' as const, value: `+1212555${String(from + i).padStart(4, '0')}` }],
        }));
        await session.write(list.id, batch);
        return session.commit();
      };
      const results = await Promise.all([importOn(b, 0), importOn(c, 150)]);
      const inserted = results.reduce((sum, r) => sum + r.inserted, 0);
      // ClientIDs N150..N199 were staged by both; the list holds each once.
      expect(inserted).toBe(350);
      expect(await a.forTenant(tenant.id).contacts.count(list.id)).toBe(350);
      expect((await c.forTenant(tenant.id).lists.get(list.id))?.size).toBe(350);
      for (const node of nodes) await node.close();
      await dropSchema(schema);
    });

    it('reports a batch the server refused at the next call, and stores nothing of the import', async () => {
      const schema = uniqueSchema('outpace_fail');
      const store = createPostgresStore({ connectionString: pgUrl(), schema });
      const tenant = await store.tenants.create({ name: 'Refused' });
      const { contacts, lists } = store.forTenant(tenant.id);
      const session = await contacts.beginImport({ mode: 'CREATE' });
      const list = await session.createList({ name: 'Never' });
      const contact = (clientId: string, firstName: string) => ({
        clientId,
        firstName,
        others: {},
        location: {},
        devices: [{ index: 1, type: 'home' as const, value: '+12125550100' }],
      });
      // PostgreSQL text cannot hold U+0000: the server refuses the batch.
      // The refusal arrives at write() (without a stager) or at the next call (COPY in flight).
      let refused: unknown;
      try {
        await session.write(list.id, [contact('A', 'bad\u0000name')]);
        await session.write(list.id, [contact('B', 'fine')]);
        await session.commit();
      } catch (error) {
        refused = error;
      }
      expect(refused).toBeInstanceOf(Error);
      expect(await lists.get(list.id)).toBeUndefined();
      await session.abort();
      const pool = new pg.Pool({ connectionString: pgUrl(), max: 1 });
      expect(await count(pool, schema, 'outpace_contacts')).toBe(0);
      expect(await count(pool, schema, 'outpace_segments')).toBe(0);
      await pool.end();
      await store.close();
      await dropSchema(schema);
    });

    it('stages a COPY batch as one query: a refused batch stores nothing and leaves the connection ready for the next', async () => {
      const schema = uniqueSchema('outpace_copy');
      const pool = new pg.Pool({ connectionString: pgUrl(), max: 1 });
      await pool.query(`create schema "${schema}"`);
      await pool.query(`create table "${schema}".t (n int not null, s text)`);
      const stager = createCopyStager(pool, (table) => `"${schema}"."${table}"`);
      const columns = [
        { name: 'n', type: 'int' as const },
        { name: 's', type: 'text' as const },
      ];
      const rows = async () => (await pool.query(`select n, s from "${schema}".t order by n`)).rows;
      // The data goes out with the query; the server refuses the third row mid-COPY.
      await expect(
        stager.write('t', columns, [
          [1, 'a'],
          [2, 'tab\tand\nnewline \\'],
          [3, 'bad\u0000'],
        ]),
      ).rejects.toMatchObject({ code: '22021' }); // invalid byte sequence (NUL)
      expect(await rows()).toEqual([]);
      // A COPY that fails before it starts: the server drops the data that follows the query.
      await expect(stager.write('missing', columns, [[4, 'd']])).rejects.toMatchObject({ code: '42P01' });
      // The one connection of the pool is usable, outside any transaction.
      await stager.write('t', columns, [
        [1, 'a'],
        [2, 'tab\tand\nnewline \\'],
      ]);
      expect(await rows()).toEqual([
        { n: 1, s: 'a' },
        { n: 2, s: 'tab\tand\nnewline \\' },
      ]);
      // Rows encoded straight into the stager's sink (as imports do) land as the same arrays would, a row's
      // values pushed in one call or several.
      const sink = stager.sink?.();
      if (sink === undefined) throw new Error('the COPY stager offers a sink');
      sink.push(3, 'back\\slash\r\n');
      sink.endRow();
      sink.push(4);
      sink.push(null);
      sink.endRow();
      expect(sink.rows).toBe(2);
      await stager.write('t', columns, sink);
      await stager.write('t', columns, stager.sink?.() as NonNullable<typeof sink>);
      expect((await rows()).slice(2)).toEqual([
        { n: 3, s: 'back\\slash\r\n' },
        { n: 4, s: null },
      ]);
      expect((await pool.query('select pg_current_xact_id_if_assigned() as x')).rows[0].x).toBeNull();
      await pool.end();
      await dropSchema(schema);
    });

    it('refreshes the planner statistics after an import that adds a large part of the contacts, not after small ones', async () => {
      const schema = uniqueSchema('outpace_stats');
      const store = createPostgresStore({ connectionString: pgUrl(), schema });
      const tenant = await store.tenants.create({ name: 'Stats' });
      const { contacts } = store.forTenant(tenant.id);
      const pool = new pg.Pool({ connectionString: pgUrl(), max: 1 });
      // ANALYZE writes its row estimate into pg_class in its own transaction; never analyzed reads -1.
      const estimates = async () => {
        const result = await pool.query(
          `select relname, reltuples from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = $1 and relname = 'outpace_contacts'`,
          [schema],
        );
        return Object.fromEntries(result.rows.map((r) => [r.relname, Number(r.reltuples)]));
      };
      const load = async (size: number) => {
        const session = await contacts.beginImport({ mode: 'CREATE' });
        const list = await session.createList({ name: `Load ${size}` });
        const batch = Array.from({ length: size }, (_, i) => ({
          clientId: `C${i}`,
          others: {},
          location: {},
          devices: [{ index: 1, type: 'home' as const, value: `+1212${String(5_000_000 + i).padStart(7, '0')}` }],
        }));
        for (let i = 0; i < batch.length; i += 2000)
          expect(await session.write(list.id, batch.slice(i, i + 2000))).toEqual([]);
        await session.commit();
      };
      await load(50);
      expect(await estimates()).toEqual({ outpace_contacts: -1 });
      await load(ANALYZE_MIN_ROWS);
      expect(await estimates()).toEqual({ outpace_contacts: ANALYZE_MIN_ROWS + 50 });
      await pool.end();
      await store.close();
      await dropSchema(schema);
    });

    it('answers a device search from the hash indexes of the slot values, and keeps no lookup table', async () => {
      const schema = uniqueSchema('outpace_devidx');
      const pool = new pg.Pool({ connectionString: pgUrl(), max: 2 });
      await pool.query(`create schema "${schema}"`);
      const searches: { sql: string; parameters: readonly unknown[] }[] = [];
      const kysely = new Kysely({
        dialect: new PostgresDialect({ pool }),
        log: (event) => {
          if (event.level === 'query' && event.query.sql.includes('c.dev10_value = ')) searches.push(event.query);
        },
      });
      const store = createPostgresStore({ kysely, schema });
      await store.migrate();
      const tenant = await store.tenants.create({ name: 'Devices' });
      const { contacts } = store.forTenant(tenant.id);
      const session = await contacts.beginImport({ mode: 'CREATE' });
      const list = await session.createList({ name: 'Devices' });
      const batch = Array.from({ length: 500 }, (_, i) => ({
        clientId: `G${i}`,
        others: {},
        location: {},
        devices: [
          { index: 1, type: 'home' as const, value: `+1212${String(5_000_000 + i).padStart(7, '0')}` },
          { index: 2, type: 'mobile' as const, value: `+1415${String(5_000_000 + i).padStart(7, '0')}` },
        ],
      }));
      expect(await session.write(list.id, batch)).toEqual([]);
      await session.commit();
      // Found by its second device, through slot 2's index.
      expect((await contacts.search({ device: '+14155000321' })).map((c) => c.clientId)).toEqual(['G321']);
      const search = searches.at(-1);
      expect(search).toBeDefined();
      const client = await pool.connect();
      try {
        // With statistics (imports of 10,000 contacts or more refresh them), as in use, and no
        // sequential scan to fall back on: a BitmapOr of the slots' indexes exactly when every slot's
        // test in the search is one an index answers.
        await client.query(`analyze "${schema}".outpace_contacts`);
        await client.query('set enable_seqscan = off');
        const plan = await client.query(`explain ${search?.sql}`, search?.parameters as unknown[]);
        const text = plan.rows.map((r) => r['QUERY PLAN']).join('\n');
        for (let slot = 1; slot <= 10; slot++) expect(text).toContain(`Bitmap Index Scan on ${deviceIndexName(slot)} `);
      } finally {
        client.release();
      }
      const tables = await pool.query('select table_name from information_schema.tables where table_schema = $1', [
        schema,
      ]);
      expect(tables.rows.map((r) => r.table_name)).not.toContain('outpace_contact_devices');
      await store.close();
      // Ends the pool too.
      await kysely.destroy();
      await dropSchema(schema);
    });

    it('upgrades a schema made by an older version in place, keeping its data', async () => {
      const schema = uniqueSchema('outpace_upg');
      const clock = createManualClock(Date.parse('2026-03-02T12:00:00Z'));
      const pool = new pg.Pool({ connectionString: pgUrl(), max: 2 });
      await pool.query(`create schema "${schema}"`);
      const kysely = new Kysely({ dialect: new PostgresDialect({ pool }) });
      const first = MIGRATION_NAMES[0] as string;
      expect(await runMigrations(kysely, createPostgresDialect({ schema }), { schema, to: first })).toEqual([first]);
      const old = createPostgresStore({ kysely, schema, clock, migrate: false });
      const tenant = await old.tenants.create({ name: 'Old' });
      const { lists, contacts } = old.forTenant(tenant.id);
      const list = await lists.create({ name: 'Before the upgrade' });
      // The contact as that version stored it: a row of outpace_contacts alone (today's writes also fill
      // the device lookup table of a later migration, which this schema lacks).
      const { rows: listRows } = await pool.query(
        `select data_id from "${schema}".outpace_contact_lists where id = $1`,
        [list.id],
      );
      const at = clock.now();
      const row = contactRow(
        createPostgresDialect({ schema }),
        { tenantId: tenant.id, dataId: listRows[0].data_id, id: 'con_old1', createdAt: at, updatedAt: at },
        {
          clientId: 'OLD1',
          others: { other1: '7' },
          location: {},
          devices: [{ index: 1, type: 'home', value: '+12125550101' }],
        },
      );
      await pool.query(
        `insert into "${schema}".outpace_contacts (${ALL_CONTACT_COLUMNS.map((c) => c.name).join(', ')}) values (${row.map((_, i) => `$${i + 1}`).join(', ')})`,
        row,
      );
      await pool.query(`update "${schema}".outpace_contact_lists set size = 1, device_slots = 1 where id = $1`, [
        list.id,
      ]);
      const before = await contacts.list(list.id);
      expect(before.items.map((c) => c.clientId)).toEqual(['OLD1']);
      await old.close();
      const tables = await pool.query('select table_name from information_schema.tables where table_schema = $1', [
        schema,
      ]);
      expect(tables.rows.map((r) => r.table_name)).not.toContain('outpace_suppression_lists');

      const upgraded = createPostgresStore({ connectionString: pgUrl(), schema, clock });
      expect(await upgraded.migrate()).toEqual(MIGRATION_NAMES.slice(1));
      const t = upgraded.forTenant(tenant.id);
      expect(await t.contacts.list(list.id)).toEqual(before);
      // The old row's document, jsonb then, reads the same as text (migration 0010).
      const docType = await pool.query(
        `select data_type from information_schema.columns where table_schema = $1 and table_name = 'outpace_contacts' and column_name = 'doc'`,
        [schema],
      );
      expect(docType.rows[0].data_type).toBe('text');
      // Found through the device indexes built over the old row (migration 0009).
      expect((await t.contacts.search({ device: '+12125550101' })).map((c) => c.clientId)).toEqual(['OLD1']);
      const dnc = await t.suppression.createList({ name: 'After the upgrade' });
      await t.suppression.addEntries(dnc.id, [{ value: '+12125550101' }]);
      expect(await t.suppression.search('+12125550101')).toHaveLength(1);
      await upgraded.close();
      await kysely.destroy();
      await dropSchema(schema);
    });

    it('carries the tenant in every table and leads every index with it', async () => {
      const schema = uniqueSchema('outpace_idx');
      const store = createPostgresStore({ connectionString: pgUrl(), schema });
      await store.migrate();
      const client = new pg.Client({ connectionString: pgUrl() });
      await client.connect();
      const columns = await client.query(
        `select table_name, column_name from information_schema.columns where table_schema = $1 and table_name like 'outpace_%' and table_name not like 'outpace_migration%'`,
        [schema],
      );
      const tables = new Set(columns.rows.map((r) => r.table_name as string));
      expect(tables.size).toBeGreaterThanOrEqual(13);
      for (const table of tables) {
        if (PLATFORM_TABLES.includes(table)) continue;
        expect(
          columns.rows.filter((r) => r.table_name === table).map((r) => r.column_name),
          table,
        ).toContain('tenant_id');
      }
      const indexes = await client.query(
        `select i.relname as index, t.relname as table, a.attname as first
           from pg_index x
           join pg_class i on i.oid = x.indexrelid
           join pg_class t on t.oid = x.indrelid
           join pg_namespace n on n.oid = t.relnamespace
           join pg_attribute a on a.attrelid = t.oid and a.attnum = x.indkey[0]
          where n.nspname = $1 and t.relname like 'outpace_%' and t.relname not like 'outpace_migration%' and not (t.relname = any($2))`,
        [schema, PLATFORM_TABLES],
      );
      expect(indexes.rows.length).toBeGreaterThan(15);
      // The one exception: the hash indexes of the device slots (a hash index holds one column), whose
      // searches filter on the tenant (the isolation conformance searches one tenant for another's device).
      const slotIndexes = Array.from({ length: 10 }, (_, i) => deviceIndexName(i + 1));
      for (const row of indexes.rows) {
        if (slotIndexes.includes(row.index)) expect(row.first).toBe(`dev${slotIndexes.indexOf(row.index) + 1}_value`);
        else expect(row.first, `${row.table}.${row.index}`).toBe('tenant_id');
      }
      expect(indexes.rows.filter((r) => slotIndexes.includes(r.index))).toHaveLength(10);
      // No index starts with an expression.
      const expressions = await client.query(
        `select i.relname as index from pg_index x join pg_class i on i.oid = x.indexrelid join pg_namespace n on n.oid = i.relnamespace where n.nspname = $1 and x.indkey[0] = 0`,
        [schema],
      );
      expect(expressions.rows).toEqual([]);
      await client.end();
      await store.close();
      await dropSchema(schema);
    });
  });
});
