import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createMemoryStore } from '@outpace/adapters/memory';
import { createComplianceEngine, type RuleSetInput } from '@outpace/compliance';
import { type Device, noopLogger, systemClock } from '@outpace/core';
import { realTimerClock } from '@outpace/dialer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The telephony tiers' harness (Asterisk folder, kamailio carrier, SIPp phones, the tier gate and lock).
import {
  ARI,
  type AsteriskProcess,
  asteriskUnavailable,
  installConfig,
  startAsterisk,
  unmountAll,
} from '../../../packages/adapters/test/telephony/harness/asterisk.js';
import { lockAsteriskTier } from '../../../packages/adapters/test/telephony/harness/lock.js';
import { carrierRejects, FIXTURES, numberFor, PORTS } from '../../../packages/adapters/test/telephony/harness/paths.js';
import {
  have,
  type Peer,
  run,
  sleep,
  startCarrier,
  startPeer,
} from '../../../packages/adapters/test/telephony/harness/peers.js';
import { gateTier } from '../../../packages/adapters/test/telephony/harness/tier.js';
import { createSecretBox } from '../src/auth/secret-box.js';
import { type CampaignManager, createCampaignManager } from '../src/campaign-runtime.js';
import { loadConfig } from '../src/config.js';
import type { ServerDeps } from '../src/deps.js';
import { createTelephonyFromConfig, type ServerTelephony } from '../src/telephony/index.js';

// The reference server's composition on the real Asterisk tier: configuration (OUTPACE_TELEPHONY=asterisk) →
// createTelephonyFromConfig → deps.telephony → the campaign manager's runtime dialing a campaign group.

async function missing(): Promise<string | undefined> {
  for (const tool of ['sipp', 'kamailio']) if (!(await have(tool))) return `${tool} is not installed`;
  return asteriskUnavailable();
}
const reason = await missing();

const ALL_DAY: RuleSetInput = {
  formatVersion: 1,
  id: 'server-telephony-all-day',
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

const device = (value: string): Device => ({
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
});

function phone(name: string, scenario: string, port: number, extra: string[]): Peer {
  return startPeer(
    name,
    'sipp',
    [
      '-sf',
      path.join(FIXTURES, 'sipp', scenario),
      ...['-i', '127.0.0.1', '-timeout', '60s', '-trace_err', '-nostdin'],
      ...['-p', String(port), '-mp', String(26000 + (port - 25070) * 10)],
      ...extra,
    ],
    { seconds: 70, cwd: path.join(FIXTURES, 'audio') },
  );
}

describe.runIf(gateTier('server-asterisk', reason))('the server runs a campaign group on Asterisk', () => {
  let dataDir = '';
  let release: () => void = () => {};
  let asterisk: AsteriskProcess | undefined;
  let carrier: Peer | undefined;
  let telephony: ServerTelephony | undefined;
  let campaigns: CampaignManager | undefined;

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(tmpdir(), 'outpace-server-asterisk-'));
    release = await lockAsteriskTier(600_000);
    installConfig();
    carrier = startCarrier(PORTS.carrier, 300);
    asterisk = await startAsterisk(300);
  }, 660_000);

  afterAll(async () => {
    try {
      await campaigns?.stop();
      await telephony?.close();
      const code = await asterisk?.stop();
      carrier?.stop();
      await carrier?.done;
      await unmountAll();
      expect(code, 'Asterisk exit code after "core stop now"').toBe(0);
    } finally {
      release();
      if (dataDir !== '') rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);

  it('dials through the connector and the agents of OUTPACE_AGENTS, recording each call result', async () => {
    const config = loadConfig({
      OUTPACE_DATA_DIR: dataDir,
      OUTPACE_TELEPHONY: 'asterisk',
      OUTPACE_ARI_URL: ARI.url,
      OUTPACE_ARI_USER: ARI.username,
      OUTPACE_ARI_PASSWORD: ARI.password,
      OUTPACE_AGENTS: `sales/alice=PJSIP/${numberFor(25079).slice(1)}@carrier`,
      OUTPACE_AGENT_WRAP_MS: '500',
    });
    const clock = realTimerClock(systemClock);
    telephony = createTelephonyFromConfig(config, { clock, logger: noopLogger });
    if (telephony === undefined) throw new Error('expected the Asterisk connector');
    await telephony.connect();
    const store = createMemoryStore({ clock });
    const deps: ServerDeps = {
      store,
      identity: store.identity,
      tenantIdentity: (tenantId) => store.forTenant(tenantId).identity,
      clock,
      logger: noopLogger,
      secretBox: createSecretBox(Buffer.alloc(32, 7)),
      csrfKey: Buffer.alloc(32, 9),
      http: { secureCookies: false, maxJsonBytes: 65536, maxUploadBytes: 65536, sessionTtlMs: 3600_000 },
      complianceEngineFor: async () => createComplianceEngine({ rules: ALL_DAY, clock }),
      telephony: telephony.portsFactory(),
    };
    campaigns = createCampaignManager(deps, { nodeId: 'node-asterisk', clock, drainTimeoutMs: 5000 });
    deps.campaigns = campaigns;

    const tenant = await store.tenants.create({ name: 'Asterisk' });
    const stores = store.forTenant(tenant.id);
    const list = await stores.lists.create({ name: 'Consumers' });
    const consumers = [
      { clientId: 'answers', to: numberFor(25081), result: 'Answer' },
      { clientId: 'busy', to: numberFor(25071), result: 'Busy' },
      { clientId: 'vacant', to: carrierRejects(404), result: 'SitVacant' },
    ];
    for (const c of consumers) {
      await stores.contacts.add(list.id, { clientId: c.clientId, devices: [device(c.to)] }, 'APPEND_ONLY');
    }
    const profile = await stores.campaigns.profiles.create({ name: 'Progressive', callerId: '+15550199' });
    const template = await stores.campaigns.templates.create({
      name: 'Sales',
      dialingProfileId: profile.id,
      agentGroupId: 'sales',
    });
    const group = await stores.campaigns.groups.create({
      name: 'On Asterisk',
      templateId: template.id,
      lists: [{ listId: list.id }],
    });
    const phones = [
      phone('answers', 'uas-answer-hangup.xml', 25081, ['-m', '1', '-d', '300']),
      phone('busy', 'uas-486.xml', 25071, ['-m', '1']),
    ];
    const agentPhone = phone('alice', 'uas-answer.xml', 25079, ['-d', '100']);
    await sleep(300);

    const runtime = await campaigns.runtimeFor(tenant.id);
    await runtime.loadGroup(group.id);
    await runtime.startGroup(group.id);
    const deadline = Date.now() + 40_000;
    while ((await stores.campaigns.groups.get(group.id))?.state !== 'completed' && Date.now() < deadline) {
      await sleep(250);
    }
    expect((await stores.campaigns.groups.get(group.id))?.state).toBe('completed');
    await run('pkill', ['-USR1', '-P', String(agentPhone.child.pid)], 5);

    const attempts = (await stores.attempts.list({ groupId: group.id, limit: 100 })).items;
    const records = new Map((await stores.records.list(group.id)).items.map((r) => [r.id, r.clientId]));
    const byClient = Object.fromEntries(attempts.map((a) => [records.get(a.recordId), a]));
    expect(attempts).toHaveLength(consumers.length);
    for (const c of consumers) expect(byClient[c.clientId]?.callResult, c.clientId).toBe(c.result);
    expect(byClient.answers).toMatchObject({ liveAnswer: true, agentId: 'alice', disposition: 'done' });
    expect(telephony.agents.deliveries().map((d) => d.agentId)).toEqual(['alice']);
    for (const p of phones) expect((await p.done).code, p.name).toBe(0);
    const agent = await agentPhone.done;
    expect(agent.code).toBe(0);
    expect(/Successful call\s*\|\s*\d+\s*\|\s*(\d+)/.exec(agent.output)?.[1]).toBe('1');
  }, 90_000);
});
