import type {
  ComplianceStore,
  CustomTimeZone,
  NewCustomTimeZone,
  RegistryCopyRecord,
  RestrictedDate,
  StoredComplianceSettings,
  TenantRuleSet,
  TenantRuleSetVersion,
} from '@outpace/core';
import {
  ComplianceSettingsSchema,
  createId,
  IdSchema,
  NewCustomTimeZoneSchema,
  NewRegistryCopySchema,
  NewRestrictedDateSchema,
  NewTenantRuleSetSchema,
  OutpaceError,
} from '@outpace/core';
import type { Kysely, Transaction } from 'kysely';
import { z } from 'zod';
import type {
  AutomationDatabase,
  CustomTimeZoneRow,
  RegistryCopyRow,
  RestrictedDateRow,
  RuleSetRow,
} from './automations-schema.js';
import { automationDb } from './automations-schema.js';
import type { SqlContext } from './context.js';
import { parseInput, readPageQuery, toPage } from './context.js';
import { readJson, readNumber, readOptionalNumber } from './dialect.js';

type Exec = Kysely<AutomationDatabase> | Transaction<AutomationDatabase>;
type Trx = Transaction<AutomationDatabase>;

const keyOf = (e: { countryCode: string; areaCode: string }) => `${e.countryCode}/${e.areaCode}`;
const ImportModeSchema = z.enum(['merge', 'replace']);

function conflictKey(e: { countryCode: string; areaCode: string }): OutpaceError {
  return new OutpaceError(
    'CONFLICT',
    `+${e.countryCode} ${e.areaCode} already has a custom time zone; change that entry instead.`,
    { details: { countryCode: e.countryCode, areaCode: e.areaCode } },
  );
}

function ruleSetFromRow(row: RuleSetRow): TenantRuleSet {
  const body = readJson<Pick<TenantRuleSet, 'name' | 'description' | 'enabled' | 'rules'>>(row.body);
  return {
    ...body,
    id: row.id,
    version: readNumber(row.version),
    createdAt: readNumber(row.created_at),
    updatedAt: readNumber(row.updated_at),
  };
}

function zoneFromRow(row: CustomTimeZoneRow): CustomTimeZone {
  return {
    id: row.id,
    countryCode: row.country_code,
    areaCode: row.area_code,
    timeZone: row.time_zone,
    createdAt: readNumber(row.created_at),
    updatedAt: readNumber(row.updated_at),
  };
}

function dateFromRow(row: RestrictedDateRow): RestrictedDate {
  return {
    ...readJson<Omit<RestrictedDate, 'id' | 'createdAt' | 'updatedAt'>>(row.body),
    id: row.id,
    createdAt: readNumber(row.created_at),
    updatedAt: readNumber(row.updated_at),
  };
}

function copyFromRow(row: RegistryCopyRow): RegistryCopyRecord {
  return {
    ...readJson<Omit<RegistryCopyRecord, 'id' | 'registry' | 'copyDate' | 'createdAt'>>(row.body),
    id: row.id,
    registry: row.registry,
    copyDate: row.copy_date,
    createdAt: readNumber(row.created_at),
  };
}

/**
 * The compliance data of one tenant in SQL. Every change runs in a
 * transaction that also increments the tenant's revision (one row in
 * `outpace_compliance_settings`), so a reader on another node can tell its
 * cached engine is stale.
 */
export function createSqlCompliance(ctx: SqlContext, tenantId: string): ComplianceStore {
  const { clock, dialect } = ctx;
  const db = async () => automationDb(await ctx.db());
  const defaults = () => ComplianceSettingsSchema.parse({});

  const readSettings = async (exec: Exec): Promise<StoredComplianceSettings | undefined> => {
    const row = await exec
      .selectFrom('outpace_compliance_settings')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const updatedAt = readOptionalNumber(row.updated_at);
    return {
      ...defaults(),
      ...readJson<object>(row.body),
      revision: readNumber(row.revision),
      ...(updatedAt === undefined ? {} : { updatedAt }),
    };
  };

  /**
   * Increments the revision inside `trx` with one upsert (creating the
   * settings row on first use, replacing its body when given); resolves to the
   * new revision. Concurrent changes serialise on the row.
   */
  const bump = async (trx: Trx, body?: object): Promise<number> => {
    const now = clock.now();
    const row = await trx
      .insertInto('outpace_compliance_settings')
      .values({
        tenant_id: tenantId,
        body: dialect.json(body ?? defaults()),
        revision: 1,
        updated_at: body === undefined ? null : now,
      })
      .onConflict((oc) =>
        oc.column('tenant_id').doUpdateSet((eb) => ({
          revision: eb(eb.ref('outpace_compliance_settings.revision'), '+', 1),
          ...(body === undefined ? {} : { body: eb.ref('excluded.body'), updated_at: eb.ref('excluded.updated_at') }),
        })),
      )
      .returning('revision')
      .executeTakeFirstOrThrow();
    return readNumber(row.revision);
  };
  const change = async <T>(work: (trx: Trx) => Promise<T>, changed: (result: T) => boolean = () => true) => {
    const conn = await db();
    return conn.transaction().execute(async (trx) => {
      const result = await work(trx);
      if (changed(result)) await bump(trx);
      return result;
    });
  };

  const zoneByKey = (exec: Exec, e: NewCustomTimeZone) =>
    exec
      .selectFrom('outpace_custom_time_zones')
      .selectAll()
      .where('tenant_id', '=', tenantId)
      .where('country_code', '=', e.countryCode)
      .where('area_code', '=', e.areaCode)
      .executeTakeFirst();

  const versionRow = (set: TenantRuleSet) => ({
    tenant_id: tenantId,
    rule_set_id: set.id,
    version: set.version,
    body: dialect.json({ name: set.name, description: set.description, enabled: set.enabled, rules: set.rules }),
    saved_at: set.updatedAt,
  });

  return {
    async revision() {
      return (await readSettings(await db()))?.revision ?? 0;
    },
    async getSettings() {
      return (await readSettings(await db())) ?? { ...defaults(), revision: 0 };
    },
    async setSettings(input) {
      const value = parseInput(ComplianceSettingsSchema, input, 'Compliance settings');
      const conn = await db();
      return conn.transaction().execute(async (trx) => {
        const revision = await bump(trx, value);
        return { ...value, revision, updatedAt: clock.now() };
      });
    },
    ruleSets: {
      async create(input) {
        const value = parseInput(NewTenantRuleSetSchema, input, 'Rule set');
        const now = clock.now();
        const set: TenantRuleSet = { ...value, id: createId('crs', clock), version: 1, createdAt: now, updatedAt: now };
        return change(async (trx) => {
          await trx
            .insertInto('outpace_compliance_rule_sets')
            .values({
              tenant_id: tenantId,
              id: set.id,
              name: set.name,
              version: 1,
              body: dialect.json(value),
              created_at: now,
              updated_at: now,
            })
            .execute();
          await trx.insertInto('outpace_compliance_rule_set_versions').values(versionRow(set)).execute();
          return set;
        });
      },
      async get(id) {
        const row = await (await db())
          .selectFrom('outpace_compliance_rule_sets')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .executeTakeFirst();
        return row === undefined ? undefined : ruleSetFromRow(row);
      },
      async list(query) {
        const { limit, after } = readPageQuery(query);
        let q = (await db())
          .selectFrom('outpace_compliance_rule_sets')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .orderBy('id')
          .limit(limit + 1);
        if (after !== undefined) q = q.where('id', '>', String(after[0]));
        return toPage((await q.execute()).map(ruleSetFromRow), limit, (s) => [s.id]);
      },
      async update(id, input, expectedVersion) {
        const value = parseInput(NewTenantRuleSetSchema, input, 'Rule set');
        return change(async (trx) => {
          let q = trx
            .selectFrom('outpace_compliance_rule_sets')
            .selectAll()
            .where('tenant_id', '=', tenantId)
            .where('id', '=', id);
          if (dialect.capabilities.rowLocks) q = q.forUpdate();
          const row = await q.executeTakeFirst();
          if (row === undefined) throw new OutpaceError('NOT_FOUND', `Rule set "${id}" does not exist.`);
          const existing = ruleSetFromRow(row);
          if (expectedVersion !== undefined && existing.version !== expectedVersion) {
            throw new OutpaceError(
              'CONFLICT',
              `Rule set "${id}" is at version ${existing.version}, not ${expectedVersion}: someone saved it meanwhile; reload it and apply your change again.`,
              { details: { id, version: existing.version, expectedVersion } },
            );
          }
          const now = clock.now();
          const set: TenantRuleSet = {
            ...value,
            id,
            version: existing.version + 1,
            createdAt: existing.createdAt,
            updatedAt: now,
          };
          await trx
            .updateTable('outpace_compliance_rule_sets')
            .set({ name: set.name, version: set.version, body: dialect.json(value), updated_at: now })
            .where('tenant_id', '=', tenantId)
            .where('id', '=', id)
            .execute();
          await trx.insertInto('outpace_compliance_rule_set_versions').values(versionRow(set)).execute();
          return set;
        });
      },
      async delete(id) {
        return change(
          async (trx) => {
            const result = await trx
              .deleteFrom('outpace_compliance_rule_sets')
              .where('tenant_id', '=', tenantId)
              .where('id', '=', id)
              .executeTakeFirst();
            await trx
              .deleteFrom('outpace_compliance_rule_set_versions')
              .where('tenant_id', '=', tenantId)
              .where('rule_set_id', '=', id)
              .execute();
            return Number(result.numDeletedRows) > 0;
          },
          (deleted) => deleted,
        );
      },
      async versions(id) {
        const rows = await (await db())
          .selectFrom('outpace_compliance_rule_set_versions')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .where('rule_set_id', '=', id)
          .orderBy('version', 'desc')
          .execute();
        return rows.map(
          (r): TenantRuleSetVersion => ({
            ...readJson<Pick<TenantRuleSetVersion, 'name' | 'description' | 'enabled' | 'rules'>>(r.body),
            ruleSetId: id,
            version: readNumber(r.version),
            savedAt: readNumber(r.saved_at),
          }),
        );
      },
    },
    timeZones: {
      async create(input) {
        const value = parseInput(NewCustomTimeZoneSchema, input, 'Custom time zone');
        return change(async (trx) => {
          if ((await zoneByKey(trx, value)) !== undefined) throw conflictKey(value);
          const now = clock.now();
          const entry: CustomTimeZone = { ...value, id: createId('ctz', clock), createdAt: now, updatedAt: now };
          await trx
            .insertInto('outpace_custom_time_zones')
            .values({
              tenant_id: tenantId,
              id: entry.id,
              country_code: entry.countryCode,
              area_code: entry.areaCode,
              time_zone: entry.timeZone,
              created_at: now,
              updated_at: now,
            })
            .execute();
          return entry;
        });
      },
      async get(id) {
        const row = await (await db())
          .selectFrom('outpace_custom_time_zones')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .executeTakeFirst();
        return row === undefined ? undefined : zoneFromRow(row);
      },
      async list(query) {
        const { limit, after } = readPageQuery(query, 2);
        let q = (await db())
          .selectFrom('outpace_custom_time_zones')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .orderBy('country_code')
          .orderBy('area_code')
          .limit(limit + 1);
        if (after !== undefined) {
          const [cc, ac] = [String(after[0]), String(after[1])];
          q = q.where((eb) =>
            eb.or([eb('country_code', '>', cc), eb.and([eb('country_code', '=', cc), eb('area_code', '>', ac)])]),
          );
        }
        return toPage((await q.execute()).map(zoneFromRow), limit, (z) => [z.countryCode, z.areaCode]);
      },
      async all() {
        const rows = await (await db())
          .selectFrom('outpace_custom_time_zones')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .orderBy('country_code')
          .orderBy('area_code')
          .execute();
        return rows.map(zoneFromRow);
      },
      async update(id, input) {
        const value = parseInput(NewCustomTimeZoneSchema, input, 'Custom time zone');
        return change(async (trx) => {
          const row = await trx
            .selectFrom('outpace_custom_time_zones')
            .selectAll()
            .where('tenant_id', '=', tenantId)
            .where('id', '=', id)
            .executeTakeFirst();
          if (row === undefined) throw new OutpaceError('NOT_FOUND', `Custom time zone "${id}" does not exist.`);
          const clash = await zoneByKey(trx, value);
          if (clash !== undefined && clash.id !== id) throw conflictKey(value);
          const now = clock.now();
          await trx
            .updateTable('outpace_custom_time_zones')
            .set({
              country_code: value.countryCode,
              area_code: value.areaCode,
              time_zone: value.timeZone,
              updated_at: now,
            })
            .where('tenant_id', '=', tenantId)
            .where('id', '=', id)
            .execute();
          return { ...value, id, createdAt: readNumber(row.created_at), updatedAt: now };
        });
      },
      async delete(id) {
        return change(
          async (trx) => {
            const result = await trx
              .deleteFrom('outpace_custom_time_zones')
              .where('tenant_id', '=', tenantId)
              .where('id', '=', id)
              .executeTakeFirst();
            return Number(result.numDeletedRows) > 0;
          },
          (deleted) => deleted,
        );
      },
      async importEntries(entries, mode) {
        const parsed = parseInput(z.array(NewCustomTimeZoneSchema).max(100_000), entries, 'Custom time zones');
        parseInput(ImportModeSchema, mode, 'Import mode');
        const seen = new Map<string, number>();
        parsed.forEach((e, i) => {
          const first = seen.get(keyOf(e));
          if (first !== undefined) {
            throw new OutpaceError(
              'VALIDATION_FAILED',
              `Entries ${first} and ${i} both map +${e.countryCode} ${e.areaCode}; keep one row per country code and area code.`,
              { details: { issues: [{ path: [i], message: 'Repeated country code and area code.' }] } },
            );
          }
          seen.set(keyOf(e), i);
        });
        return change(
          async (trx) => {
            const rows = await trx
              .selectFrom('outpace_custom_time_zones')
              .selectAll()
              .where('tenant_id', '=', tenantId)
              .execute();
            const byKey = new Map(rows.map((r) => [`${r.country_code}/${r.area_code}`, r]));
            const now = clock.now();
            const result = { created: 0, updated: 0, unchanged: 0, deleted: 0 };
            const inserts = [];
            for (const e of parsed) {
              const existing = byKey.get(keyOf(e));
              if (existing === undefined) {
                inserts.push({
                  tenant_id: tenantId,
                  id: createId('ctz', clock),
                  country_code: e.countryCode,
                  area_code: e.areaCode,
                  time_zone: e.timeZone,
                  created_at: now,
                  updated_at: now,
                });
                result.created++;
              } else if (existing.time_zone === e.timeZone) {
                result.unchanged++;
              } else {
                await trx
                  .updateTable('outpace_custom_time_zones')
                  .set({ time_zone: e.timeZone, updated_at: now })
                  .where('tenant_id', '=', tenantId)
                  .where('id', '=', existing.id)
                  .execute();
                result.updated++;
              }
            }
            if (mode === 'replace') {
              const stale = rows.filter((r) => !seen.has(`${r.country_code}/${r.area_code}`)).map((r) => r.id);
              for (let i = 0; i < stale.length; i += 500) {
                await trx
                  .deleteFrom('outpace_custom_time_zones')
                  .where('tenant_id', '=', tenantId)
                  .where('id', 'in', stale.slice(i, i + 500))
                  .execute();
              }
              result.deleted = stale.length;
            }
            for (let i = 0; i < inserts.length; i += 200) {
              await trx
                .insertInto('outpace_custom_time_zones')
                .values(inserts.slice(i, i + 200))
                .execute();
            }
            return result;
          },
          (r) => r.created + r.updated + r.deleted > 0,
        );
      },
    },
    restrictedDates: {
      async create(input) {
        const value = parseInput(NewRestrictedDateSchema, input, 'Restricted date');
        const now = clock.now();
        const entry: RestrictedDate = { ...value, id: createId('rdt', clock), createdAt: now, updatedAt: now };
        return change(async (trx) => {
          await trx
            .insertInto('outpace_restricted_dates')
            .values({ tenant_id: tenantId, id: entry.id, body: dialect.json(value), created_at: now, updated_at: now })
            .execute();
          return entry;
        });
      },
      async get(id) {
        const row = await (await db())
          .selectFrom('outpace_restricted_dates')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .executeTakeFirst();
        return row === undefined ? undefined : dateFromRow(row);
      },
      async list(query) {
        const { limit, after } = readPageQuery(query);
        let q = (await db())
          .selectFrom('outpace_restricted_dates')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .orderBy('id')
          .limit(limit + 1);
        if (after !== undefined) q = q.where('id', '>', String(after[0]));
        return toPage((await q.execute()).map(dateFromRow), limit, (e) => [e.id]);
      },
      async all() {
        const rows = await (await db())
          .selectFrom('outpace_restricted_dates')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .orderBy('id')
          .execute();
        return rows.map(dateFromRow);
      },
      async update(id, input) {
        const value = parseInput(NewRestrictedDateSchema, input, 'Restricted date');
        return change(async (trx) => {
          const row = await trx
            .selectFrom('outpace_restricted_dates')
            .selectAll()
            .where('tenant_id', '=', tenantId)
            .where('id', '=', id)
            .executeTakeFirst();
          if (row === undefined) throw new OutpaceError('NOT_FOUND', `Restricted date "${id}" does not exist.`);
          const now = clock.now();
          await trx
            .updateTable('outpace_restricted_dates')
            .set({ body: dialect.json(value), updated_at: now })
            .where('tenant_id', '=', tenantId)
            .where('id', '=', id)
            .execute();
          return { ...value, id, createdAt: readNumber(row.created_at), updatedAt: now };
        });
      },
      async delete(id) {
        return change(
          async (trx) => {
            const result = await trx
              .deleteFrom('outpace_restricted_dates')
              .where('tenant_id', '=', tenantId)
              .where('id', '=', id)
              .executeTakeFirst();
            return Number(result.numDeletedRows) > 0;
          },
          (deleted) => deleted,
        );
      },
    },
    registryCopies: {
      async create(input) {
        const value = parseInput(NewRegistryCopySchema, input, 'Registry copy');
        const now = clock.now();
        const copy: RegistryCopyRecord = { ...value, id: createId('rgc', clock), createdAt: now };
        const { registry, copyDate, ...body } = value;
        return change(async (trx) => {
          await trx
            .insertInto('outpace_registry_copies')
            .values({
              tenant_id: tenantId,
              id: copy.id,
              registry,
              copy_date: copyDate,
              body: dialect.json(body),
              created_at: now,
            })
            .execute();
          return copy;
        });
      },
      async get(id) {
        const row = await (await db())
          .selectFrom('outpace_registry_copies')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .where('id', '=', id)
          .executeTakeFirst();
        return row === undefined ? undefined : copyFromRow(row);
      },
      async list(query) {
        const registry =
          query?.registry === undefined ? undefined : parseInput(z.string().max(32), query.registry, 'Registry');
        const { limit, after } = readPageQuery({
          ...(query?.after === undefined ? {} : { after: query.after }),
          ...(query?.limit === undefined ? {} : { limit: query.limit }),
        });
        let q = (await db())
          .selectFrom('outpace_registry_copies')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .orderBy('id', 'desc')
          .limit(limit + 1);
        if (registry !== undefined) q = q.where('registry', '=', registry);
        if (after !== undefined) q = q.where('id', '<', String(after[0]));
        return toPage((await q.execute()).map(copyFromRow), limit, (c) => [c.id]);
      },
      async latest() {
        const rows = await (await db())
          .selectFrom('outpace_registry_copies')
          .selectAll()
          .where('tenant_id', '=', tenantId)
          .execute();
        const best = new Map<string, RegistryCopyRecord>();
        for (const c of rows.map(copyFromRow)) {
          const current = best.get(c.registry);
          if (
            current === undefined ||
            c.copyDate > current.copyDate ||
            (c.copyDate === current.copyDate && c.id > current.id)
          )
            best.set(c.registry, c);
        }
        return [...best.values()].sort((a, b) => (a.registry < b.registry ? -1 : 1));
      },
      async delete(id) {
        parseInput(IdSchema, id, 'Registry copy id');
        return change(
          async (trx) => {
            const result = await trx
              .deleteFrom('outpace_registry_copies')
              .where('tenant_id', '=', tenantId)
              .where('id', '=', id)
              .executeTakeFirst();
            return Number(result.numDeletedRows) > 0;
          },
          (deleted) => deleted,
        );
      },
    },
  };
}
