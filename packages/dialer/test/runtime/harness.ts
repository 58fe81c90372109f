import { setImmediate } from 'node:timers/promises';
import { createMemoryStore } from '@outpace/adapters/memory';
import type { ComplianceEngine, RuleSetInput } from '@outpace/compliance';
import { createComplianceEngine, createRegistryCopy, snapshotSuppressionStore } from '@outpace/compliance';
import type {
  AttemptRecord,
  Clock,
  Device,
  NewContactInput,
  NewDialingProfileInput,
  OutpaceStore,
  TenantStores,
} from '@outpace/core';
import type { CallOutcomeModelInput, SimulatedAgentsPortOptions, VirtualClock } from '@outpace/dialer/sim';
import { createSimulatedAgentsPort, createSimulatedTelephony, createVirtualClock } from '@outpace/dialer/sim';
import { expect } from 'vitest';
import { type CampaignRuntime, type CampaignRuntimeEvents, createCampaignRuntime } from '../../src/index.js';

/** Monday 2 March 2026, 15:00 UTC: 10:00 in New York, 07:00 in Los Angeles. */
export const START = Date.parse('2026-03-02T15:00:00Z');

/** Area codes by zone, with the region the stored device carries. */
export const ZONES = {
  'America/New_York': { area: '212', region: 'NY' },
  'America/Chicago': { area: '312', region: 'IL' },
  'America/Denver': { area: '303', region: 'CO' },
  'America/Los_Angeles': { area: '213', region: 'CA' },
} as const;
export type Zone = keyof typeof ZONES;

/** A NANP mobile in a zone, with the attributes list building derives. */
export function device(index: number, zone: Zone, n: number): Device {
  const { area, region } = ZONES[zone];
  const line = String(n % 10_000).padStart(4, '0');
  const exchange = String(200 + Math.floor(n / 10_000)).padStart(3, '0');
  return {
    index,
    type: 'mobile',
    value: `+1${area}${exchange}${line}`,
    countryCallingCode: '1',
    countryIso: 'US',
    areaCode: area,
    exchange,
    region,
    timeZone: zone,
    timeZoneSource: 'phone-exchange',
    international: false,
  };
}

/** A contact with `devices` devices in `zone` (numbers unique by `n`). */
export function contact(n: number, zone: Zone = 'America/New_York', devices = 1): NewContactInput {
  return {
    clientId: `C${n}`,
    firstName: `First${n}`,
    lastName: `Last${String(1000 - (n % 1000)).padStart(4, '0')}`,
    devices: Array.from({ length: devices }, (_, i) => device(i + 1, zone, n * 10 + i)),
  };
}

/** Rules that only restrict calling hours: the simplest engine to reason about. */
export const HOURS_ONLY: RuleSetInput = {
  formatVersion: 1,
  id: 'test-hours',
  version: '1',
  name: 'Test calling hours',
  rules: [
    {
      id: 'test.hours',
      kind: 'contact-time',
      name: '08:00-21:00 local',
      windows: [{ days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], start: '08:00', end: '21:00' }],
      source: { citation: 'test' },
      verification: 'verified',
    },
  ],
};

export interface HarnessOptions {
  store: OutpaceStore;
  /** Shared time for the store (a delegating clock, so several virtual clocks can take turns). */
  time?: { use(clock: Clock): void };
  clock?: VirtualClock;
  seed?: number;
  agents?: number;
  agentsOptions?: Partial<SimulatedAgentsPortOptions>;
  outcomes?: CallOutcomeModelInput;
  rules?: RuleSetInput | readonly RuleSetInput[];
  /** Build the engine yourself (suppression snapshot, registry copies). */
  engine?: (stores: TenantStores, clock: Clock) => Promise<Pick<ComplianceEngine, 'check' | 'rules'>>;
  owner?: string;
  runtime?: Partial<Parameters<typeof createCampaignRuntime>[0]>;
}

/** The whole stack on one virtual clock: store, engine, simulated telephony and agents, runtime. */
export async function createStack(stores: TenantStores, options: HarnessOptions) {
  const clock = options.clock ?? createVirtualClock(START);
  options.time?.use(clock);
  const seed = options.seed ?? 7;
  const telephony = createSimulatedTelephony({
    clock,
    seed,
    outcomes: options.outcomes ?? {
      mix: { live: 0.3, noAnswer: 0.5, busy: 0.1, machine: 0.1 },
      talk: { type: 'fixed', value: 60_000 },
    },
  });
  const agents = createSimulatedAgentsPort({
    clock,
    seed,
    telephony,
    agentGroupId: 'sales',
    agents: { count: options.agents ?? 3 },
    wrap: { type: 'fixed', value: 10_000 },
    ...options.agentsOptions,
  });
  const compliance = options.engine
    ? await options.engine(stores, clock)
    : createComplianceEngine({ rules: options.rules ?? HOURS_ONLY, clock });
  const runtime = createCampaignRuntime({
    stores,
    compliance,
    telephony,
    agents,
    clock,
    owner: options.owner ?? 'node-a',
    ...options.runtime,
  });
  const events = recordEvents(runtime);
  /** Advances virtual time in steps, letting the runtime's store work finish after each. */
  const run = async (ms: number, step = 500) => {
    const end = clock.now() + ms;
    while (clock.now() < end) {
      clock.advance(Math.min(step, end - clock.now()));
      await runtime.idle();
    }
  };
  /** Stops the runtime while moving time on, so calls in progress can drain. */
  const stop = async (step = 1000) => {
    let done = false;
    const stopping = runtime.stop().then(() => {
      done = true;
    });
    while (!done) {
      clock.advance(step);
      await setImmediate();
    }
    await stopping;
  };
  return { clock, telephony, agents, compliance, runtime, events, run, stop };
}

/** A clock that reads whichever clock was last chosen (the store's time across crashed and new runtimes). */
export function switchableTime(initial: Clock) {
  let current = initial;
  return {
    now: () => current.now(),
    use(clock: Clock) {
      current = clock;
    },
  };
}

export type RecordedEvent = {
  [K in keyof CampaignRuntimeEvents]: { name: K; payload: CampaignRuntimeEvents[K] };
}[keyof CampaignRuntimeEvents];

/** Every event the runtime emits, in order. */
export function recordEvents(runtime: CampaignRuntime) {
  const all: RecordedEvent[] = [];
  runtime.onAny((name, payload) => all.push({ name, payload } as RecordedEvent));
  const of = <K extends keyof CampaignRuntimeEvents>(name: K): CampaignRuntimeEvents[K][] =>
    all.filter((e) => e.name === name).map((e) => e.payload as CampaignRuntimeEvents[K]);
  return { all, of };
}

/** A tenant with one or more lists of contacts and a group over them. */
export async function seedCampaign(
  stores: TenantStores,
  options: {
    lists: NewContactInput[][];
    weights?: number[];
    profile?: Partial<NewDialingProfileInput>;
    template?: { suppressionListIds?: string[]; complianceRuleIds?: string[]; doNotCallListId?: string };
    group?: Record<string, unknown>;
  },
) {
  const lists = [];
  for (const [i, contacts] of options.lists.entries()) {
    const list = await stores.lists.create({ name: `List ${i}` });
    for (const c of contacts) await stores.contacts.add(list.id, c, 'APPEND_ONLY');
    lists.push(list);
  }
  const profile = await stores.campaigns.profiles.create({ name: 'Profile', mode: 'progressive', ...options.profile });
  const template = await stores.campaigns.templates.create({
    name: 'Template',
    dialingProfileId: profile.id,
    agentGroupId: 'sales',
    ...options.template,
  });
  const group = await stores.campaigns.groups.create({
    name: 'Group',
    templateId: template.id,
    lists: lists.map((l, i) => ({ listId: l.id, weight: options.weights?.[i] ?? 100 })),
    ...options.group,
  });
  return { lists, profile, template, group };
}

/** Every attempt of a group, oldest first. */
export async function allAttempts(stores: TenantStores, groupId: string): Promise<AttemptRecord[]> {
  const out: AttemptRecord[] = [];
  let after: string | undefined;
  do {
    const page = await stores.attempts.list({ groupId, limit: 1000, ...(after === undefined ? {} : { after }) });
    out.push(...page.items);
    after = page.nextCursor ?? undefined;
  } while (after !== undefined);
  return out;
}

/** Checks that the calls placed and the attempts written match one to one. */
export function expectOneAttemptPerCall(placedCallIds: readonly string[], attempts: readonly AttemptRecord[]): void {
  const byCall = new Map<string, number>();
  for (const a of attempts) byCall.set(a.callId, (byCall.get(a.callId) ?? 0) + 1);
  expect([...byCall.values()].every((n) => n === 1)).toBe(true);
  expect(new Set(attempts.map((a) => a.id)).size).toBe(attempts.length);
  expect([...byCall.keys()].sort()).toEqual([...placedCallIds].sort());
}

export { createRegistryCopy, snapshotSuppressionStore };

/** Resolves on the next turn of the event loop (after I/O callbacks and other pending work). */
export const nextTurn = (): Promise<void> => setImmediate();

/**
 * The memory store made to behave like one over a network (PostgreSQL): every
 * call waits a turn of the event loop before it runs and another before its
 * result comes back, so other groups' work can run while a driver awaits it.
 * Streams (`stream*`) are passed through unchanged.
 */
export function asynchronous<T extends object>(object: T): T {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(object)) {
    const value: unknown = Reflect.get(object, key);
    if (typeof value === 'function') {
      copy[key] = key.startsWith('stream')
        ? value.bind(object)
        : async (...args: unknown[]) => {
            await nextTurn();
            const result = await value.apply(object, args);
            await nextTurn();
            return result;
          };
    } else if (value !== null && typeof value === 'object') {
      copy[key] = asynchronous(value);
    } else {
      copy[key] = value;
    }
  }
  return copy as T;
}

/**
 * A memory store on a virtual clock at {@link START}, with one tenant named
 * `name` whose stores are made {@link asynchronous}, as over a network.
 */
export async function asynchronousTenant(name: string) {
  const clock = createVirtualClock(START);
  const store = createMemoryStore({ clock });
  const tenant = await store.tenants.create({ name });
  const stores: TenantStores = asynchronous(store.forTenant(tenant.id));
  return { clock, store, stores };
}
