import type {
  Clock,
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
import { z } from 'zod';
import { encodeCursor, pageById, readPageQuery } from './paging.js';
import { parseInput } from './validate.js';

/** What one tenant's compliance store keeps in memory. */
export interface ComplianceMemoryState {
  revision: number;
  settings: StoredComplianceSettings;
  readonly ruleSets: Map<string, TenantRuleSet>;
  readonly versions: Map<string, TenantRuleSetVersion[]>;
  readonly timeZones: Map<string, CustomTimeZone>;
  readonly restrictedDates: Map<string, RestrictedDate>;
  readonly registryCopies: Map<string, RegistryCopyRecord>;
}

export function createComplianceState(): ComplianceMemoryState {
  return {
    revision: 0,
    settings: { ...ComplianceSettingsSchema.parse({}), revision: 0 },
    ruleSets: new Map(),
    versions: new Map(),
    timeZones: new Map(),
    restrictedDates: new Map(),
    registryCopies: new Map(),
  };
}

const keyOf = (e: { countryCode: string; areaCode: string }) => `${e.countryCode}/${e.areaCode}`;
const ImportModeSchema = z.enum(['merge', 'replace']);

function conflictKey(e: { countryCode: string; areaCode: string }): OutpaceError {
  return new OutpaceError(
    'CONFLICT',
    `+${e.countryCode} ${e.areaCode} already has a custom time zone; change that entry instead.`,
    { details: { countryCode: e.countryCode, areaCode: e.areaCode } },
  );
}

/** Rejects an import whose entries repeat a country code and area code (naming both rows). */
export function assertUniqueKeys(entries: readonly NewCustomTimeZone[]): void {
  const seen = new Map<string, number>();
  entries.forEach((e, i) => {
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
}

/** The compliance data of one tenant, in memory. Every change bumps the revision. */
export function createMemoryCompliance(state: ComplianceMemoryState, clock: Clock): ComplianceStore {
  const bump = () => {
    state.revision += 1;
    state.settings = { ...state.settings, revision: state.revision };
  };
  const sortZones = (zones: Iterable<CustomTimeZone>) =>
    [...zones].sort((a, b) =>
      a.countryCode !== b.countryCode
        ? a.countryCode < b.countryCode
          ? -1
          : 1
        : a.areaCode < b.areaCode
          ? -1
          : a.areaCode > b.areaCode
            ? 1
            : 0,
    );
  const findKey = (e: NewCustomTimeZone) => [...state.timeZones.values()].find((z) => keyOf(z) === keyOf(e));

  return {
    async revision() {
      return state.revision;
    },
    async getSettings() {
      return structuredClone(state.settings);
    },
    async setSettings(input) {
      const value = parseInput(ComplianceSettingsSchema, input, 'Compliance settings');
      bump();
      state.settings = { ...value, revision: state.revision, updatedAt: clock.now() };
      return structuredClone(state.settings);
    },
    ruleSets: {
      async create(input) {
        const value = parseInput(NewTenantRuleSetSchema, input, 'Rule set');
        const now = clock.now();
        const set: TenantRuleSet = { ...value, id: createId('crs', clock), version: 1, createdAt: now, updatedAt: now };
        state.ruleSets.set(set.id, set);
        state.versions.set(set.id, [{ ...versionOf(set), savedAt: now }]);
        bump();
        return structuredClone(set);
      },
      async get(id) {
        const set = state.ruleSets.get(id);
        return set === undefined ? undefined : structuredClone(set);
      },
      async list(query) {
        const page = pageById(state.ruleSets.values(), query);
        return { items: page.items.map((s) => structuredClone(s)), nextCursor: page.nextCursor };
      },
      async update(id, input, expectedVersion) {
        const value = parseInput(NewTenantRuleSetSchema, input, 'Rule set');
        const existing = state.ruleSets.get(id);
        if (existing === undefined) throw new OutpaceError('NOT_FOUND', `Rule set "${id}" does not exist.`);
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
        state.ruleSets.set(id, set);
        state.versions.get(id)?.push({ ...versionOf(set), savedAt: now });
        bump();
        return structuredClone(set);
      },
      async delete(id) {
        const deleted = state.ruleSets.delete(id);
        state.versions.delete(id);
        if (deleted) bump();
        return deleted;
      },
      async versions(id) {
        return structuredClone([...(state.versions.get(id) ?? [])].reverse());
      },
    },
    timeZones: {
      async create(input) {
        const value = parseInput(NewCustomTimeZoneSchema, input, 'Custom time zone');
        if (findKey(value) !== undefined) throw conflictKey(value);
        const now = clock.now();
        const entry: CustomTimeZone = { ...value, id: createId('ctz', clock), createdAt: now, updatedAt: now };
        state.timeZones.set(entry.id, entry);
        bump();
        return { ...entry };
      },
      async get(id) {
        const entry = state.timeZones.get(id);
        return entry === undefined ? undefined : { ...entry };
      },
      async list(query) {
        const { limit, after } = readPageQuery(query, 2);
        const sorted = sortZones(state.timeZones.values()).filter(
          (z) =>
            after === undefined ||
            z.countryCode > String(after[0]) ||
            (z.countryCode === String(after[0]) && z.areaCode > String(after[1])),
        );
        const items = sorted.slice(0, limit);
        const last = items.at(-1);
        return {
          items: items.map((z) => ({ ...z })),
          nextCursor:
            sorted.length > limit && last !== undefined ? encodeCursor([last.countryCode, last.areaCode]) : null,
        };
      },
      async all() {
        return sortZones(state.timeZones.values()).map((z) => ({ ...z }));
      },
      async update(id, input) {
        const value = parseInput(NewCustomTimeZoneSchema, input, 'Custom time zone');
        const existing = state.timeZones.get(id);
        if (existing === undefined) throw new OutpaceError('NOT_FOUND', `Custom time zone "${id}" does not exist.`);
        const clash = findKey(value);
        if (clash !== undefined && clash.id !== id) throw conflictKey(value);
        const entry: CustomTimeZone = { ...value, id, createdAt: existing.createdAt, updatedAt: clock.now() };
        state.timeZones.set(id, entry);
        bump();
        return { ...entry };
      },
      async delete(id) {
        const deleted = state.timeZones.delete(id);
        if (deleted) bump();
        return deleted;
      },
      async importEntries(entries, mode) {
        const parsed = parseInput(z.array(NewCustomTimeZoneSchema).max(100_000), entries, 'Custom time zones');
        parseInput(ImportModeSchema, mode, 'Import mode');
        assertUniqueKeys(parsed);
        const byKey = new Map([...state.timeZones.values()].map((z) => [keyOf(z), z]));
        const now = clock.now();
        const result = { created: 0, updated: 0, unchanged: 0, deleted: 0 };
        const keep = new Set<string>();
        const next = new Map(state.timeZones);
        for (const e of parsed) {
          keep.add(keyOf(e));
          const existing = byKey.get(keyOf(e));
          if (existing === undefined) {
            const entry = { ...e, id: createId('ctz', clock), createdAt: now, updatedAt: now };
            next.set(entry.id, entry);
            result.created++;
          } else if (existing.timeZone === e.timeZone) {
            result.unchanged++;
          } else {
            next.set(existing.id, { ...existing, timeZone: e.timeZone, updatedAt: now });
            result.updated++;
          }
        }
        if (mode === 'replace') {
          for (const [id, z] of next) {
            if (!keep.has(keyOf(z))) {
              next.delete(id);
              result.deleted++;
            }
          }
        }
        state.timeZones.clear();
        for (const [id, z] of next) state.timeZones.set(id, z);
        if (result.created + result.updated + result.deleted > 0) bump();
        return result;
      },
    },
    restrictedDates: {
      async create(input) {
        const value = parseInput(NewRestrictedDateSchema, input, 'Restricted date');
        const now = clock.now();
        const entry: RestrictedDate = { ...value, id: createId('rdt', clock), createdAt: now, updatedAt: now };
        state.restrictedDates.set(entry.id, entry);
        bump();
        return structuredClone(entry);
      },
      async get(id) {
        const entry = state.restrictedDates.get(id);
        return entry === undefined ? undefined : structuredClone(entry);
      },
      async list(query) {
        const page = pageById(state.restrictedDates.values(), query);
        return { items: page.items.map((e) => structuredClone(e)), nextCursor: page.nextCursor };
      },
      async all() {
        return pageAll(state.restrictedDates.values());
      },
      async update(id, input) {
        const value = parseInput(NewRestrictedDateSchema, input, 'Restricted date');
        const existing = state.restrictedDates.get(id);
        if (existing === undefined) throw new OutpaceError('NOT_FOUND', `Restricted date "${id}" does not exist.`);
        const entry: RestrictedDate = { ...value, id, createdAt: existing.createdAt, updatedAt: clock.now() };
        state.restrictedDates.set(id, entry);
        bump();
        return structuredClone(entry);
      },
      async delete(id) {
        const deleted = state.restrictedDates.delete(id);
        if (deleted) bump();
        return deleted;
      },
    },
    registryCopies: {
      async create(input) {
        const value = parseInput(NewRegistryCopySchema, input, 'Registry copy');
        const copy: RegistryCopyRecord = { ...value, id: createId('rgc', clock), createdAt: clock.now() };
        state.registryCopies.set(copy.id, copy);
        bump();
        return { ...copy };
      },
      async get(id) {
        const copy = state.registryCopies.get(id);
        return copy === undefined ? undefined : { ...copy };
      },
      async list(query) {
        const registry =
          query?.registry === undefined ? undefined : parseInput(z.string().max(32), query.registry, 'Registry');
        const { limit, after } = readPageQuery(
          {
            ...(query?.after === undefined ? {} : { after: query.after }),
            ...(query?.limit === undefined ? {} : { limit: query.limit }),
          },
          1,
        );
        const afterId = after === undefined ? undefined : String(after[0]);
        const rows = [...state.registryCopies.values()]
          .filter(
            (c) => (registry === undefined || c.registry === registry) && (afterId === undefined || c.id < afterId),
          )
          .sort((a, b) => (a.id < b.id ? 1 : -1));
        const items = rows.slice(0, limit);
        const last = items.at(-1);
        return {
          items: items.map((c) => ({ ...c })),
          nextCursor: rows.length > limit && last !== undefined ? encodeCursor([last.id]) : null,
        };
      },
      async latest() {
        const best = new Map<string, RegistryCopyRecord>();
        for (const c of state.registryCopies.values()) {
          const current = best.get(c.registry);
          if (
            current === undefined ||
            c.copyDate > current.copyDate ||
            (c.copyDate === current.copyDate && c.id > current.id)
          )
            best.set(c.registry, c);
        }
        return [...best.values()].sort((a, b) => (a.registry < b.registry ? -1 : 1)).map((c) => ({ ...c }));
      },
      async delete(id) {
        parseInput(IdSchema, id, 'Registry copy id');
        const deleted = state.registryCopies.delete(id);
        if (deleted) bump();
        return deleted;
      },
    },
  };
}

function versionOf(set: TenantRuleSet): Omit<TenantRuleSetVersion, 'savedAt'> {
  return {
    ruleSetId: set.id,
    version: set.version,
    name: set.name,
    description: set.description,
    enabled: set.enabled,
    rules: structuredClone(set.rules),
  };
}

function pageAll<T extends { id: string }>(items: Iterable<T>): T[] {
  return [...items].sort((a, b) => (a.id < b.id ? -1 : 1)).map((i) => structuredClone(i));
}
