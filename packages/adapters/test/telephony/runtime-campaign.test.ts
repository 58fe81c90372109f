import { join } from 'node:path';
import { createComplianceEngine, type RuleSetInput } from '@outpace/compliance';
import { type AttemptRecord, type Device, systemClock, type TelephonyEvent, type TenantStores } from '@outpace/core';
import { type CampaignRuntimeEvents, createCampaignRuntime, realTimerClock } from '@outpace/dialer';
import { createSimulatedAgentsPort } from '@outpace/dialer/sim';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAsteriskTelephony } from '../../src/asterisk/index.js';
import { createMemoryStore } from '../../src/memory/index.js';
import {
  ARI,
  type AsteriskProcess,
  asteriskUnavailable,
  installConfig,
  startAsterisk,
  unmountAll,
} from './harness/asterisk.js';
import { lockAsteriskTier } from './harness/lock.js';
import { carrierRejects, FIXTURES, numberFor, PORTS } from './harness/paths.js';
import { have, type Peer, run, sleep, startCarrier, startPeer } from './harness/peers.js';
import { gateTier } from './harness/tier.js';

// The dialer's campaign runtime driving a predictive campaign through the ARI connector against the real Asterisk
// (tier 2): kamailio is the carrier, SIPp phones play the consumers (one phone per record, one call each) and the
// agents' phones; the agents themselves are the dialer's simulated agents at those SIP endpoints.

async function missing(): Promise<string | undefined> {
  for (const tool of ['sipp', 'kamailio']) {
    if (!(await have(tool))) return `${tool} is not installed`;
  }
  return asteriskUnavailable();
}
const reason = await missing();

const SIPP = ['-i', '127.0.0.1', '-timeout', '90s', '-trace_err', '-nostdin'];
function phone(name: string, scenario: string, port: number, extra: string[]): Peer {
  return startPeer(
    name,
    'sipp',
    [
      '-sf',
      join(FIXTURES, 'sipp', scenario),
      ...SIPP,
      '-p',
      String(port),
      '-mp',
      String(26000 + (port - 25070) * 10),
      ...extra,
    ],
    { seconds: 100, cwd: join(FIXTURES, 'audio') },
  );
}
/** SIPp's final statistics: successful and failed calls (cumulative). */
function sippCounts(output: string) {
  const count = (label: string) =>
    Number(new RegExp(`${label}\\s*\\|\\s*\\d+\\s*\\|\\s*(\\d+)`).exec(output)?.[1] ?? NaN);
  return { successful: count('Successful call'), failed: count('Failed call') };
}

/** Every local time of day, every day: the suite is about telephony, not calling hours. */
const ALL_DAY: RuleSetInput = {
  formatVersion: 1,
  id: 'telephony-all-day',
  version: '1',
  name: 'Any time (telephony test)',
  rules: [
    {
      id: 'test.all-day',
      kind: 'contact-time',
      name: '00:00-24:00 local',
      windows: [{ days: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'], start: '00:00', end: '24:00' }],
      source: { citation: 'test' },
      verification: 'verified',
    },
  ],
};

function device(value: string): Device {
  return {
    index: 1,
    type: 'mobile',
    value,
    countryCallingCode: '1',
    countryIso: 'US',
    areaCode: value.slice(2, 5),
    exchange: value.slice(5, 8),
    region: 'NY',
    timeZone: 'America/New_York',
    timeZoneSource: 'phone-exchange',
    international: false,
  };
}

/** A consumer: the number its record reaches, the SIPp phone there (none: the carrier answers), what to record. */
interface Consumer {
  clientId: string;
  to: string;
  scenario?: { file: string; args: string[] };
  results: readonly string[];
}
const answers = (port: number): Consumer => ({
  clientId: `answer-${port}`,
  to: numberFor(port),
  // Answers after 400 ms of ringing, talks 4 s, hangs up.
  scenario: { file: 'uas-answer-hangup.xml', args: ['-d', '400'] },
  results: ['Answer', 'Abandoned'],
});
const agentEndpoint = (port: number) => `PJSIP/${numberFor(port).slice(1)}@carrier`;

async function allAttempts(stores: TenantStores, groupId: string): Promise<AttemptRecord[]> {
  const out: AttemptRecord[] = [];
  let after: string | undefined;
  do {
    const page = await stores.attempts.list({ groupId, limit: 1000, ...(after === undefined ? {} : { after }) });
    out.push(...page.items);
    after = page.nextCursor ?? undefined;
  } while (after !== undefined);
  return out;
}

/**
 * Runs one campaign group to completion on the tier's Asterisk: a memory store on the real clock, the runtime over
 * the ARI connector, the dialer's simulated agents sitting at SIPp agent phones. Checks what every campaign must
 * hold (each record dialed once, one attempt per call, the right call result, answered calls either bridged to an
 * agent's endpoint or given the abandon message within 2 s, every phone's exit code and call count) and returns the
 * attempts and events for the caller's own checks.
 */
async function runCampaign(options: {
  consumers: readonly Consumer[];
  agentPorts: readonly number[];
  profile: Record<string, unknown>;
}) {
  const { consumers, agentPorts } = options;
  const clock = realTimerClock(systemClock);
  const store = createMemoryStore({ clock });
  const tenant = await store.tenants.create({ name: 'Telephony' });
  const stores = store.forTenant(tenant.id);
  const list = await stores.lists.create({ name: 'Consumers' });
  for (const c of consumers) {
    await stores.contacts.add(list.id, { clientId: c.clientId, devices: [device(c.to)] }, 'APPEND_ONLY');
  }
  const profile = await stores.campaigns.profiles.create({
    name: 'On Asterisk',
    callerId: '+15550199',
    ringTimeoutMs: 15_000,
    abandonGraceMs: 1500,
    graceStart: 'answer',
    ...options.profile,
  });
  const template = await stores.campaigns.templates.create({
    name: 'Telephony',
    dialingProfileId: profile.id,
    agentGroupId: 'sales',
  });
  const group = await stores.campaigns.groups.create({
    name: 'Asterisk campaign',
    templateId: template.id,
    lists: [{ listId: list.id }],
  });

  // One phone per record, one call each: a second call to a record would find nobody there.
  const consumerPhones = consumers.flatMap((c) =>
    c.scenario === undefined
      ? []
      : [phone(c.clientId, c.scenario.file, Number(c.to.slice(-5)), ['-m', '1', ...c.scenario.args])],
  );
  // Agents' phones answer every call bridged to them; they are told to finish (SIGUSR1) once the campaign is over.
  const agentPhones = agentPorts.map((port) => phone(`agent-${port}`, 'uas-answer.xml', port, ['-d', '100']));
  await sleep(300);

  const telephony = createAsteriskTelephony({ ...ARI, abandonMedia: 'sound:custom/outpace-abandon' });
  const events: TelephonyEvent[] = [];
  telephony.onEvent((e) => events.push(e));
  const simulated = createSimulatedAgentsPort({
    clock,
    seed: 3,
    telephony,
    agentGroupId: 'sales',
    agents: { count: agentPorts.length },
    wrap: { type: 'fixed', value: 500 },
  });
  // The simulated agents sit at the SIP phones: agent-1 at the first agent phone, agent-2 at the second.
  const endpointOf = (id: string) => agentEndpoint(agentPorts[Number(id.split('-').pop()) - 1] as number);
  const agents = {
    ...simulated,
    list: async (agentGroupId: string) =>
      (await simulated.list(agentGroupId)).map((a) => ({ ...a, endpoint: endpointOf(a.id) })),
  };
  const runtime = createCampaignRuntime({
    stores,
    compliance: createComplianceEngine({ rules: ALL_DAY, clock }),
    telephony,
    agents,
    clock,
    owner: 'telephony-test',
    tickMs: 200,
    syncIntervalMs: 1000,
    statsIntervalMs: 1000,
    dispositionTimeoutMs: 5000,
  });
  const seen: { name: string; payload: unknown }[] = [];
  runtime.onAny((name, payload) => seen.push({ name, payload }));
  const of = <K extends keyof CampaignRuntimeEvents>(name: K) =>
    seen.filter((e) => e.name === name).map((e) => e.payload as CampaignRuntimeEvents[K]);

  try {
    await runtime.start();
    const report = await runtime.loadGroup(group.id);
    expect(report.lists[0]).toMatchObject({ contacts: consumers.length, created: consumers.length });
    await runtime.startGroup(group.id);
    const deadline = Date.now() + 75_000;
    while ((await stores.campaigns.groups.get(group.id))?.state !== 'completed' && Date.now() < deadline) {
      await sleep(250);
    }
    expect((await stores.campaigns.groups.get(group.id))?.state, JSON.stringify(of('runtime:error'))).toBe('completed');
  } finally {
    await runtime.stop();
    await simulated.close();
    // SIGUSR1 asks SIPp (the child of `timeout`) to finish its calls in progress and exit.
    for (const p of agentPhones) await run('pkill', ['-USR1', '-P', String(p.child.pid)], 5);
    await telephony.close();
  }

  // Every record dialed exactly once, and every call placed written exactly once.
  const placed = of('call:placed');
  const attempts = await allAttempts(stores, group.id);
  expect(placed).toHaveLength(consumers.length);
  expect(new Set(placed.map((p) => p.recordId)).size).toBe(consumers.length);
  expect(attempts).toHaveLength(consumers.length);
  expect(new Set(attempts.map((a) => a.callId))).toEqual(new Set(placed.map((p) => p.callId)));
  expect(of('attempt:recorded')).toHaveLength(consumers.length);
  const clientOf = new Map((await stores.records.list(group.id)).items.map((r) => [r.id, r.clientId]));
  const byClient = new Map(attempts.map((a) => [clientOf.get(a.recordId), a]));

  // The right call result for each consumer, from the connector's hangup causes.
  for (const c of consumers) {
    expect(c.results, `${c.clientId}: ${byClient.get(c.clientId)?.callResult}`).toContain(
      byClient.get(c.clientId)?.callResult,
    );
  }

  // Answered calls: bridged to an agent's SIP endpoint (Answer), or given the abandon message within 2 s.
  const bridgedCalls = events.filter((e) => e.type === 'call:bridged');
  const answered = attempts.filter((a) => a.callResult === 'Answer' || a.callResult === 'Abandoned');
  for (const a of answered) {
    const answeredAt = events.find((e) => e.callId === a.callId && e.type === 'call:answered')?.at as number;
    const bridged = bridgedCalls.find((e) => e.callId === a.callId);
    const message = events.find((e) => e.callId === a.callId && e.type === 'call:message-started');
    if (a.callResult === 'Answer') {
      expect(bridged, `${a.callId} bridged`).toBeDefined();
      expect(a).toMatchObject({ liveAnswer: true, abandoned: false, agentId: bridged?.agentId, disposition: 'done' });
      expect(message).toBeUndefined();
    } else {
      expect(a).toMatchObject({ liveAnswer: true, abandoned: true });
      expect(bridged).toBeUndefined();
      expect(message, `${a.callId} heard the abandon message`).toBeDefined();
      expect((message?.at as number) - answeredAt).toBeLessThan(2000);
    }
  }
  const bridgedAnswers = answered.filter((a) => a.callResult === 'Answer');
  expect(
    simulated
      .deliveries()
      .map((d) => d.callId)
      .sort(),
  ).toEqual(bridgedAnswers.map((a) => a.callId).sort());

  // Every phone ran its calls to the end: consumers one call each, agents exactly the calls bridged to them.
  const consumerCodes = await Promise.all(consumerPhones.map(async (p) => [p.name, (await p.done).code] as const));
  expect(Object.fromEntries(consumerCodes)).toEqual(Object.fromEntries(consumerPhones.map((p) => [p.name, 0])));
  for (const [i, p] of agentPhones.entries()) {
    const { code, output } = await p.done;
    expect(code, `${p.name} exit code`).toBe(0);
    const mine = bridgedCalls.filter((e) => e.type === 'call:bridged' && e.agentId === `agent-${i + 1}`).length;
    expect(sippCounts(output), p.name).toEqual({ successful: mine, failed: 0 });
  }
  expect(telephony.liveCalls()).toEqual([]);
  expect(of('runtime:error')).toEqual([]);
  return { attempts, byClient, events, abandoned: of('call:abandoned') };
}

describe.runIf(gateTier('asterisk-runtime', reason))(
  'campaign runtime on a real Asterisk through the ARI connector',
  () => {
    let release: () => void = () => {};
    let asterisk: AsteriskProcess | undefined;
    let carrier: Peer | undefined;

    beforeAll(async () => {
      release = await lockAsteriskTier(600_000);
      installConfig();
      carrier = startCarrier(PORTS.carrier, 300);
      asterisk = await startAsterisk(300);
    }, 660_000);

    afterAll(async () => {
      try {
        const code = await asterisk?.stop();
        carrier?.stop();
        await carrier?.done;
        await unmountAll();
        expect(code, 'Asterisk exit code after "core stop now"').toBe(0);
      } finally {
        release();
      }
    }, 60_000);

    it('predictive: dials every record once, records each result once, bridges answered calls to the agents', async () => {
      const { attempts } = await runCampaign({
        profile: { mode: 'predictive' },
        agentPorts: [25079, 25080],
        consumers: [
          ...[25081, 25082, 25083, 25084, 25085, 25086].map(answers),
          { clientId: 'busy', to: numberFor(25071), scenario: { file: 'uas-486.xml', args: [] }, results: ['Busy'] },
          {
            clientId: 'no-answer',
            to: numberFor(25072),
            scenario: { file: 'uas-noanswer.xml', args: [] },
            results: ['NoAnswer'],
          },
          {
            clientId: 'vacant-after-183',
            to: numberFor(25073),
            scenario: { file: 'uas-183-404.xml', args: ['-d', '300'] },
            results: ['SitVacant'],
          },
          { clientId: 'carrier-busy', to: carrierRejects(486), results: ['Busy'] },
          { clientId: 'carrier-vacant', to: carrierRejects(404), results: ['SitVacant'] },
        ],
      });
      expect(attempts.filter((a) => a.callResult === 'Answer' || a.callResult === 'Abandoned')).toHaveLength(6);
      expect(attempts.filter((a) => a.callResult === 'Answer').length).toBeGreaterThan(0);
    }, 120_000);

    it('power dialing past the agents: the calls no agent takes get the abandon message inside 2 s', async () => {
      // Three lines for one agent: all three consumers answer at once, one is bridged, two are abandoned.
      const { attempts, abandoned } = await runCampaign({
        profile: { mode: 'power', pacing: { linesPerAgent: 3 } },
        agentPorts: [25079],
        consumers: [25087, 25088, 25089].map(answers),
      });
      expect(attempts.map((a) => a.callResult).sort()).toEqual(['Abandoned', 'Abandoned', 'Answer']);
      expect(attempts.find((a) => a.callResult === 'Answer')?.agentId).toBe('agent-1');
      expect(abandoned).toHaveLength(2);
      for (const a of abandoned) expect(a.waitedMs).toBeLessThan(2000);
    }, 120_000);
  },
);
