import { createHash } from 'node:crypto';
import {
  type ComplianceEngine,
  createComplianceEngine,
  createLocationResolver,
  createRegistryCopy,
  presets,
  type RegistryCopy,
  type RuleSetInput,
  snapshotSuppressionStore,
} from '@outpace/compliance';
import type { LocationResolver, SuppressionList, TenantRuleSet, TenantStores } from '@outpace/core';
import type { ServerDeps } from '../deps.js';

/** The built-in presets by id (`us-federal`, `us-states`, `us-debt-collection`, `canada`, `uk`). */
export const PRESETS_BY_ID: ReadonlyMap<string, RuleSetInput> = new Map(
  Object.values(presets).map((set) => [set.id, set] as const),
);

/** A tenant rule set in the engine's format (its id and version are the stored ones). */
export function engineRuleSet(
  set: Pick<TenantRuleSet, 'id' | 'name' | 'description' | 'rules' | 'version'>,
): RuleSetInput {
  return {
    formatVersion: 1,
    id: set.id,
    version: String(set.version),
    name: set.name,
    ...(set.description === '' ? {} : { description: set.description }),
    rules: set.rules as RuleSetInput['rules'],
  };
}

/** Options of {@link createComplianceHooks}. */
export interface ComplianceHooksOptions {
  /**
   * How long a cached engine or resolver is used before the store is asked
   * whether the tenant's compliance data or suppression lists changed (changes
   * made through this node invalidate at once; this bounds how long another
   * node's change takes to arrive).
   * @default 5000
   */
  revalidateMs?: number;
}

/** The per-tenant compliance hooks of a server. */
export interface ComplianceHooks {
  /** The location resolver of a tenant (its custom time zones). */
  locationResolverFor(tenantId: string): Promise<LocationResolver>;
  /** The compliance engine of a tenant. */
  complianceEngineFor(tenantId: string): Promise<ComplianceEngine>;
  /** Drops the tenant's cached resolver and engine (after a change). */
  invalidate(tenantId: string): void;
}

interface Entry<T> {
  key: string;
  checkedAt: number;
  value: Promise<T>;
}

async function allPages<T>(fetch: (after: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>) {
  const out: T[] = [];
  let after: string | undefined;
  do {
    const page = await fetch(after);
    out.push(...page.items);
    after = page.nextCursor ?? undefined;
  } while (after !== undefined);
  return out;
}

const suppressionLists = (tenant: TenantStores) =>
  allPages<SuppressionList>((after) =>
    tenant.suppression.listLists(after === undefined ? { limit: 1000 } : { after, limit: 1000 }),
  );

/** What the engine of a tenant is built from, as a key: the compliance revision and every suppression list's load. */
async function engineKey(tenant: TenantStores): Promise<string> {
  const [revision, lists] = await Promise.all([tenant.compliance.revision(), suppressionLists(tenant)]);
  const hash = createHash('sha256');
  for (const l of lists) hash.update(`${l.id}:${l.updatedAt}:${l.loadedAt}:${l.size}:${l.expiresAt ?? ''};`);
  return `${revision}/${hash.digest('base64url').slice(0, 16)}`;
}

/**
 * Builds the per-tenant location resolvers and compliance engines from the
 * store: enabled presets (minus excluded rules), enabled tenant rule sets,
 * the restricted-dates feed, a snapshot of the suppression lists and the
 * registry copies (the latest copy per registry, read from its suppression
 * list). Both are cached per tenant and rebuilt when the tenant's compliance
 * revision or suppression lists change.
 *
 * @example
 * const hooks = createComplianceHooks(deps);
 * const decision = (await hooks.complianceEngineFor(tenantId)).check(attempt);
 */
export function createComplianceHooks(deps: ServerDeps, options: ComplianceHooksOptions = {}): ComplianceHooks {
  const revalidateMs = options.revalidateMs ?? 5000;
  const resolvers = new Map<string, Entry<LocationResolver>>();
  const engines = new Map<string, Entry<ComplianceEngine>>();

  const cached = async <T>(
    cache: Map<string, Entry<T>>,
    tenantId: string,
    keyOf: () => Promise<string>,
    build: (key: string) => Promise<T>,
  ): Promise<T> => {
    const now = deps.clock.now();
    const entry = cache.get(tenantId);
    if (entry !== undefined && now - entry.checkedAt < revalidateMs) return entry.value;
    // Callers arriving while this one asks the store keep using the cached value.
    if (entry !== undefined) entry.checkedAt = now;
    const key = await keyOf();
    const current = cache.get(tenantId);
    if (current !== undefined && current.key === key) {
      current.checkedAt = now;
      return current.value;
    }
    const value = build(key);
    const fresh: Entry<T> = { key, checkedAt: now, value };
    cache.set(tenantId, fresh);
    value.catch(() => {
      if (cache.get(tenantId) === fresh) cache.delete(tenantId);
    });
    return value;
  };

  const locationResolverFor = (tenantId: string) => {
    const tenant = deps.store.forTenant(tenantId);
    return cached(
      resolvers,
      tenantId,
      async () => String(await tenant.compliance.revision()),
      async () => {
        const zones = await tenant.compliance.timeZones.all();
        return createLocationResolver({
          customTimeZones: zones.map((z) => ({
            countryCode: z.countryCode,
            areaCode: z.areaCode,
            timeZone: z.timeZone,
          })),
        });
      },
    );
  };

  const buildEngine = async (tenantId: string, key: string): Promise<ComplianceEngine> => {
    const tenant = deps.store.forTenant(tenantId);
    const c = tenant.compliance;
    const [settings, sets, dates, latest, lists, locationResolver] = await Promise.all([
      c.getSettings(),
      allPages<TenantRuleSet>((after) =>
        c.ruleSets.list(after === undefined ? { limit: 1000 } : { after, limit: 1000 }),
      ),
      c.restrictedDates.all(),
      c.registryCopies.latest(),
      suppressionLists(tenant),
      locationResolverFor(tenantId),
    ]);
    const excluded = new Set(settings.excludedRules);
    const ruleSets: RuleSetInput[] = [];
    for (const id of settings.enabledPresets) {
      const preset = PRESETS_BY_ID.get(id);
      if (preset === undefined) {
        deps.logger.warn('unknown compliance preset enabled; ignored', { tenantId, preset: id });
        continue;
      }
      ruleSets.push({ ...preset, rules: preset.rules.filter((r) => !excluded.has(r.id)) });
    }
    for (const set of sets) if (set.enabled) ruleSets.push(engineRuleSet(set));
    if (ruleSets.length === 0)
      ruleSets.push({ formatVersion: 1, id: 'none', version: '0', name: 'No rules', rules: [] });

    const registryListIds = new Set(latest.map((copy) => copy.suppressionListId));
    const present = new Set(lists.map((l) => l.id));
    const registries: RegistryCopy[] = [];
    for (const copy of latest) {
      // A copy whose list was deleted is no copy at all: the engine then blocks with DNC_SCRUB_STALE.
      if (!present.has(copy.suppressionListId)) continue;
      const numbers: string[] = [];
      for await (const entry of tenant.suppression.streamEntries(copy.suppressionListId)) numbers.push(entry.value);
      registries.push(createRegistryCopy({ registry: copy.registry, obtainedAt: copy.copyDate, numbers }));
    }
    const snapshot = await snapshotSuppressionStore(tenant.suppression, {
      listIds: lists.filter((l) => !registryListIds.has(l.id)).map((l) => l.id),
      version: key,
    });
    return createComplianceEngine({
      rules: ruleSets,
      locationResolver,
      locationPolicy: settings.locationPolicy,
      unverifiedRules: settings.unverifiedRules,
      clock: deps.clock,
      restrictedDates: {
        version: `tenant-r${key.split('/')[0]}`,
        entries: dates.map((d) => ({
          id: d.id,
          jurisdiction: d.jurisdiction,
          from: d.from,
          ...(d.to === undefined ? {} : { to: d.to }),
          reason: d.reason,
          ...(d.source === undefined ? {} : { source: d.source }),
          ...(d.campaignGroups === undefined ? {} : { campaignGroups: d.campaignGroups }),
        })),
      },
      suppression: { lists: snapshot, registries },
    });
  };

  return {
    locationResolverFor,
    complianceEngineFor(tenantId) {
      const tenant = deps.store.forTenant(tenantId);
      return cached(
        engines,
        tenantId,
        () => engineKey(tenant),
        (key) => buildEngine(tenantId, key),
      );
    },
    invalidate(tenantId) {
      resolvers.delete(tenantId);
      engines.delete(tenantId);
    },
  };
}

const installed = new WeakMap<ServerDeps, ComplianceHooks>();

/**
 * Installs the compliance hooks on the server's dependencies
 * (`deps.locationResolverFor`, `deps.complianceEngineFor`) unless they are
 * already set, and returns them. Idempotent per `deps`.
 */
export function installComplianceHooks(deps: ServerDeps, options: ComplianceHooksOptions = {}): ComplianceHooks {
  let hooks = installed.get(deps);
  if (hooks === undefined) {
    hooks = createComplianceHooks(deps, options);
    installed.set(deps, hooks);
    deps.locationResolverFor ??= hooks.locationResolverFor;
    deps.complianceEngineFor ??= hooks.complianceEngineFor;
  }
  return hooks;
}

/** Drops a tenant's cached resolver and engine after a change made through this node. */
export function invalidateCompliance(deps: ServerDeps, tenantId: string): void {
  installed.get(deps)?.invalidate(tenantId);
}
