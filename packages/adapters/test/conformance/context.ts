import type { Device, ManualClock, NewContact, OutpaceStore, TenantStores } from '@outpace/core';
import { createManualClock } from '@outpace/core';
import { expect } from 'vitest';

/** What `open` returns: the store under test and how to dispose of it. */
export interface ConformanceTarget {
  store: OutpaceStore;
  cleanup?(): Promise<void>;
}

/**
 * Opens a fresh store. The store must take its time from `clock` (the suite
 * moves it to test timestamps and suppression expiry).
 */
export type OpenStore = (context: { clock: ManualClock }) => Promise<ConformanceTarget>;

/** Shared by every conformance suite of one run. */
export interface SuiteContext {
  readonly store: OutpaceStore;
  readonly clock: ManualClock;
  /** A new tenant's stores, so tests never see each other's data. */
  tenant(name?: string): Promise<TenantStores>;
}

/** The instant the suite's clock starts at. */
export const START = Date.parse('2026-03-02T12:00:00Z');

export function createSuiteContext(): SuiteContext & { open(open: OpenStore): Promise<void>; close(): Promise<void> } {
  const clock = createManualClock(START);
  let target: ConformanceTarget | undefined;
  let tenants = 0;
  return {
    clock,
    get store() {
      if (target === undefined) throw new Error('The store is not open yet.');
      return target.store;
    },
    async tenant(name) {
      const store = this.store;
      const tenant = await store.tenants.create({ name: name ?? `Tenant ${++tenants}` });
      return store.forTenant(tenant.id);
    },
    async open(open) {
      target = await open({ clock });
    },
    async close() {
      await target?.store.close();
      await target?.cleanup?.();
    },
  };
}

/** Awaits a promise that must reject with an `OutpaceError` of this code. */
export async function expectCode(promise: Promise<unknown>, code: string): Promise<void> {
  await expect(promise).rejects.toMatchObject({ name: 'OutpaceError', code });
}

/** A NANP mobile device with every derived attribute filled in. */
export function nanpDevice(index: number, number: string, extra: Partial<Device> = {}): Device {
  const digits = number.replace(/\D/g, '').slice(-10);
  return {
    index,
    type: 'mobile',
    value: `+1${digits}`,
    raw: `(${digits.slice(0, 3)}) ${digits.slice(3, 6)}-${digits.slice(6)}`,
    countryCallingCode: '1',
    countryIso: 'US',
    areaCode: digits.slice(0, 3),
    exchange: digits.slice(3, 6),
    region: 'NY',
    timeZone: 'America/New_York',
    timeZoneSource: 'phone-exchange',
    international: false,
    ...extra,
  };
}

/** A contact with one device; `n` makes the ClientID and number unique. */
export function sampleContact(n: number, extra: Partial<NewContact> = {}): NewContact {
  return {
    clientId: `C${String(n).padStart(5, '0')}`,
    firstName: `First${n}`,
    lastName: `Last${n}`,
    others: {},
    devices: [nanpDevice(1, `212555${String(n % 10_000).padStart(4, '0')}`)],
    location: {},
    ...extra,
  };
}

/** Every item of a paged query, following cursors; checks pages are full until the last. */
export async function collectPages<T>(
  fetch: (after: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>,
  limit: number,
): Promise<T[]> {
  const all: T[] = [];
  let after: string | undefined;
  for (let pages = 0; pages < 10_000; pages++) {
    const page = await fetch(after);
    all.push(...page.items);
    if (page.nextCursor === null) return all;
    expect(page.items).toHaveLength(limit);
    after = page.nextCursor;
  }
  throw new Error('Paging did not end.');
}

/** Collects an async iterable. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const item of iterable) all.push(item);
  return all;
}

/** Sorts strings ascending (ids compare as plain ASCII strings). */
export function sorted(values: readonly string[]): string[] {
  return [...values].sort();
}
