import {
  type Channel,
  type NewSuppressionEntry,
  OutpaceError,
  type SuppressionList,
  SuppressionListSchema,
  type SuppressionMatch,
  type SuppressionStore,
} from '@outpace/core';
import { z } from 'zod';
import { parseIsoDate } from '../calendars/civil.js';

/** A synchronous suppression lookup, the hot-path twin of core's `SuppressionStore.lookup`. */
export interface SuppressionListLookup {
  /** Every match of every applicable, unexpired list whose entry window covers `at`. */
  lookup(query: {
    device?: string | undefined;
    clientId?: string | undefined;
    channel: Channel;
    at: number;
    listIds?: readonly string[] | undefined;
    includeRequired: boolean;
  }): readonly SuppressionMatch[];
  /**
   * False when no entry of any list holds the device or ClientID at any time.
   * Optional; batch preparation uses it to skip lookups for most records.
   */
  mayMatch?(device: string | undefined, clientId: string | undefined): boolean;
  /** Recorded in decisions, e.g. when the snapshot was taken. */
  readonly version?: string;
}

/** A listing in a registry copy. */
export interface RegistryListing {
  /** When the number was registered, if the copy says. */
  registeredAt?: number;
}

/** A copy of a national registry (`US-DNC`, `CA-DNCL`, `UK-TPS`) held in memory. */
export interface RegistryCopy {
  readonly registry: string;
  /** When the copy was obtained: an instant or a `YYYY-MM-DD` date. */
  readonly obtainedAt: number | string;
  /** The listing of an E.164 number, or `undefined` when it is not listed. */
  lookup(e164: string): RegistryListing | undefined;
}

const EMPTY: readonly SuppressionMatch[] = Object.freeze([]);
const NO_DATE: RegistryListing = Object.freeze({});

interface SnapshotList {
  list: SuppressionList;
  entries: Map<string, { from?: number | undefined; till?: number | undefined }[]>;
}

const SnapshotInputSchema = z.object({
  lists: z.array(SuppressionListSchema),
  version: z.string().optional(),
});

/**
 * Builds a synchronous lookup from suppression lists and their entries, for
 * example read from a `SuppressionStore` (see {@link snapshotSuppressionStore}).
 * Lists are validated; entries are checked only for a non-empty value (lists
 * can hold millions).
 *
 * @example
 * const lists = createSuppressionSnapshot({ lists: [companyDnc], entries: { [companyDnc.id]: [{ value: '+13055550123' }] } });
 */
export function createSuppressionSnapshot(input: {
  lists: readonly SuppressionList[];
  entries:
    | Readonly<Record<string, readonly NewSuppressionEntry[]>>
    | ReadonlyMap<string, readonly NewSuppressionEntry[]>;
  version?: string;
}): SuppressionListLookup {
  const parsed = SnapshotInputSchema.safeParse({ lists: input.lists, version: input.version });
  if (!parsed.success) {
    throw new OutpaceError(
      'COMPLIANCE_SUPPRESSION_INVALID',
      `Suppression snapshot lists are invalid: ${parsed.error.issues.map((i) => `lists.${i.path.join('.')}: ${i.message}`).join('; ')}.`,
    );
  }
  const byId = new Map<string, SnapshotList>();
  const required: SnapshotList[] = [];
  for (const list of input.lists) {
    const raw: readonly NewSuppressionEntry[] | undefined =
      input.entries instanceof Map
        ? (input.entries as ReadonlyMap<string, readonly NewSuppressionEntry[]>).get(list.id)
        : (input.entries as Readonly<Record<string, readonly NewSuppressionEntry[]>>)[list.id];
    const entries = new Map<string, { from?: number | undefined; till?: number | undefined }[]>();
    (raw ?? []).forEach((e, i) => {
      if (typeof e.value !== 'string' || e.value.length === 0) {
        throw new OutpaceError(
          'COMPLIANCE_SUPPRESSION_INVALID',
          `Entry ${i} of list "${list.id}" has no value; give the E.164 number or ClientID.`,
        );
      }
      const windows = entries.get(e.value);
      const w = { from: e.from, till: e.till };
      if (windows) windows.push(w);
      else entries.set(e.value, [w]);
    });
    const snap = { list, entries };
    byId.set(list.id, snap);
    if (list.required) required.push(snap);
  }

  function matchList(
    snap: SnapshotList,
    device: string | undefined,
    clientId: string | undefined,
    channel: Channel,
    at: number,
  ): SuppressionMatch | undefined {
    const { list } = snap;
    const value = list.type === 'device' ? device : clientId;
    if (value === undefined) return undefined;
    const windows = snap.entries.get(value);
    if (!windows) return undefined;
    if (!list.channels.includes(channel)) return undefined;
    if (list.expiresAt !== undefined && at >= list.expiresAt) return undefined;
    for (const w of windows) {
      if ((w.from === undefined || at >= w.from) && (w.till === undefined || at < w.till)) {
        const m: SuppressionMatch = {
          listId: list.id,
          listName: list.name,
          required: list.required,
          type: list.type,
          value,
        };
        if (w.from !== undefined) m.from = w.from;
        if (w.till !== undefined) m.till = w.till;
        return m;
      }
    }
    return undefined;
  }

  const all = [...byId.values()];
  return {
    ...(parsed.data.version === undefined ? {} : { version: parsed.data.version }),
    mayMatch(device, clientId) {
      for (const snap of all) {
        const value = snap.list.type === 'device' ? device : clientId;
        if (value !== undefined && snap.entries.has(value)) return true;
      }
      return false;
    },
    lookup({ device, clientId, channel, at, listIds, includeRequired }) {
      let out: SuppressionMatch[] | undefined;
      if (includeRequired) {
        for (const snap of required) {
          const m = matchList(snap, device, clientId, channel, at);
          if (m) {
            out ??= [];
            out.push(m);
          }
        }
      }
      if (listIds) {
        for (const id of listIds) {
          const snap = byId.get(id);
          if (!snap || (includeRequired && snap.list.required)) continue;
          const m = matchList(snap, device, clientId, channel, at);
          if (m) {
            out ??= [];
            out.push(m);
          }
        }
      }
      return out ?? EMPTY;
    },
  };
}

/**
 * Reads suppression lists and every entry from a store into a synchronous
 * snapshot. Take a new snapshot when lists change; record its `version`.
 *
 * @example
 * const lists = await snapshotSuppressionStore(store.suppression, { version: new Date().toISOString() });
 */
export async function snapshotSuppressionStore(
  store: SuppressionStore,
  options: { listIds?: readonly string[]; version?: string } = {},
): Promise<SuppressionListLookup> {
  const lists: SuppressionList[] = [];
  let after: string | undefined;
  do {
    const page = await store.listLists(after === undefined ? { limit: 1000 } : { after, limit: 1000 });
    lists.push(...page.items);
    after = page.nextCursor ?? undefined;
  } while (after !== undefined);
  const wanted = options.listIds ? lists.filter((l) => l.required || options.listIds!.includes(l.id)) : lists;
  const entries = new Map<string, NewSuppressionEntry[]>();
  for (const list of wanted) {
    const rows: NewSuppressionEntry[] = [];
    for await (const e of store.streamEntries(list.id)) {
      const row: NewSuppressionEntry = { value: e.value };
      if (e.from !== undefined) row.from = e.from;
      if (e.till !== undefined) row.till = e.till;
      rows.push(row);
    }
    entries.set(list.id, rows);
  }
  return createSuppressionSnapshot({
    lists: wanted,
    entries,
    ...(options.version === undefined ? {} : { version: options.version }),
  });
}

const RegistryInputSchema = z.object({
  registry: z.string().regex(/^[A-Z0-9][A-Z0-9-]{1,31}$/, 'Use an upper-case registry name such as "US-DNC".'),
  obtainedAt: z.union([
    z.number().int().nonnegative(),
    z.string().refine((s) => parseIsoDate(s) !== undefined, 'Use YYYY-MM-DD.'),
  ]),
});

/**
 * Holds a registry copy in memory. `numbers` are E.164 strings, or pairs with
 * the registration instant when the copy carries it (UK TPS's 28-day rule
 * needs it).
 *
 * @example
 * const dnc = createRegistryCopy({ registry: 'US-DNC', obtainedAt: '2026-11-01', numbers: ['+13055550123'] });
 */
export function createRegistryCopy(input: {
  registry: string;
  obtainedAt: number | string;
  numbers: Iterable<string | readonly [string, number]>;
}): RegistryCopy {
  const parsed = RegistryInputSchema.safeParse(input);
  if (!parsed.success) {
    throw new OutpaceError(
      'COMPLIANCE_REGISTRY_INVALID',
      `Registry copy is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`,
    );
  }
  const listed = new Map<string, RegistryListing>();
  for (const n of input.numbers) {
    if (typeof n === 'string') listed.set(n, NO_DATE);
    else listed.set(n[0], { registeredAt: n[1] });
  }
  return {
    registry: parsed.data.registry,
    obtainedAt: parsed.data.obtainedAt,
    lookup: (e164) => listed.get(e164),
  };
}
