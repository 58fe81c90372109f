import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createMemoryStore } from '@outpace/adapters/memory';
import { computeTwilioSignature } from '@outpace/adapters/twilio';
import { createManualClock, noopLogger, type TelephonyEvent } from '@outpace/core';
import { createVirtualClock } from '@outpace/dialer/sim';
import { afterAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { createSecretBox } from '../src/auth/secret-box.js';
import { ConfigError, loadConfig } from '../src/config.js';
import type { ServerDeps } from '../src/deps.js';
import { createSipAgentsPort, createTelephonyFromConfig } from '../src/telephony/index.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'outpace-telephony-config-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const TOKEN = 'twilio-auth-token-under-test-0001';
const TWILIO_ENV = {
  OUTPACE_DATA_DIR: dataDir,
  OUTPACE_TELEPHONY: 'twilio',
  OUTPACE_AGENTS: 'sales/alice=sip:alice@agents.example.com,sales/bob=+15550100',
  OUTPACE_TWILIO_ACCOUNT_SID: SID,
  OUTPACE_TWILIO_AUTH_TOKEN: TOKEN,
  OUTPACE_TWILIO_FROM: '+15550199',
  OUTPACE_TWILIO_PUBLIC_URL: 'https://dialer.example.com/',
  OUTPACE_TWILIO_ABANDON_URL: 'https://dialer.example.com/media/abandon.wav',
};

function configError(env: Record<string, string>): string {
  try {
    loadConfig({ OUTPACE_DATA_DIR: dataDir, ...env });
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('loadConfig accepted a bad configuration');
}

describe('telephony configuration', () => {
  it('defaults to the simulator and builds nothing', () => {
    const config = loadConfig({ OUTPACE_DATA_DIR: dataDir });
    expect(config.telephony).toEqual({ kind: 'simulator' });
    expect(createTelephonyFromConfig(config, { clock: createVirtualClock(0), logger: noopLogger })).toBeUndefined();
  });

  it('stops the start naming every missing Asterisk setting', () => {
    const message = configError({ OUTPACE_TELEPHONY: 'asterisk' });
    expect(message).toMatch(/Invalid telephony configuration/);
    for (const name of ['OUTPACE_AGENTS', 'OUTPACE_ARI_URL', 'OUTPACE_ARI_USER', 'OUTPACE_ARI_PASSWORD']) {
      expect(message).toContain(`${name}: is required when OUTPACE_TELEPHONY=asterisk`);
    }
  });

  it('names bad values: the mode, an agent entry, a duplicate agent, a malformed SID; secrets stay hidden', () => {
    expect(configError({ OUTPACE_TELEPHONY: 'freeswitch' })).toMatch(/OUTPACE_TELEPHONY = "freeswitch"/);
    const agents = configError({
      OUTPACE_TELEPHONY: 'asterisk',
      OUTPACE_ARI_URL: 'http://127.0.0.1:8088',
      OUTPACE_ARI_USER: 'outpace',
      OUTPACE_ARI_PASSWORD: 'pw-secret-1',
      OUTPACE_AGENTS: 'sales/alice=PJSIP/alice,bob-without-group,sales/alice=PJSIP/other',
    });
    expect(agents).toContain('OUTPACE_AGENTS: "bob-without-group" is not agentGroup/agentId=endpoint');
    expect(agents).toContain('agent id "alice" is listed twice');
    const sid = configError({ ...TWILIO_ENV, OUTPACE_TWILIO_ACCOUNT_SID: 'AC123', OUTPACE_TWILIO_AUTH_TOKEN: 'short' });
    expect(sid).toMatch(/OUTPACE_TWILIO_ACCOUNT_SID = "AC123": An account SID is AC followed by 32 hex digits/);
    expect(sid).toMatch(/OUTPACE_TWILIO_AUTH_TOKEN = \(hidden\)/);
    expect(sid).not.toContain('short');
    const url = configError({ ...TWILIO_ENV, OUTPACE_TWILIO_PUBLIC_URL: 'ftp://nope' });
    expect(url).toMatch(/OUTPACE_TWILIO_PUBLIC_URL = \(hidden\)/);
  });

  it('parses a complete Twilio configuration', () => {
    const config = loadConfig(TWILIO_ENV);
    expect(config.telephony).toMatchObject({
      kind: 'twilio',
      tenants: undefined,
      agents: [
        { agentGroupId: 'sales', id: 'alice', endpoint: 'sip:alice@agents.example.com' },
        { agentGroupId: 'sales', id: 'bob', endpoint: '+15550100' },
      ],
      twilio: { publicUrl: 'https://dialer.example.com', from: '+15550199' },
    });
  });
});

/** A fake Twilio REST API that accepts every call (the contract tier in the adapters tests checks the details). */
function fakeTwilioRest() {
  const requests: { url: string; body: string }[] = [];
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    requests.push({ url: String(input), body: String(init?.body ?? '') });
    const sid = `CA${String(requests.length).padStart(32, '0')}`;
    return new Response(JSON.stringify({ sid, status: 'queued' }), { status: 201 });
  }) as typeof globalThis.fetch;
  return { fetch, requests };
}

describe('the Twilio status-callback route', () => {
  it('is mounted outside /api, drives the connector when signed, and refuses forged callbacks', async () => {
    const config = loadConfig(TWILIO_ENV);
    const clock = createVirtualClock(Date.parse('2026-11-25T15:00:00Z'));
    const rest = fakeTwilioRest();
    const telephony = createTelephonyFromConfig(config, { clock, logger: noopLogger, fetch: rest.fetch });
    if (telephony === undefined) throw new Error('expected Twilio telephony');
    const events: TelephonyEvent[] = [];
    telephony.telephony.onEvent((e) => events.push(e));
    const store = createMemoryStore({ clock: createManualClock(clock.now()) });
    const deps: ServerDeps = {
      store,
      identity: store.identity,
      tenantIdentity: (tenantId) => store.forTenant(tenantId).identity,
      clock,
      logger: noopLogger,
      secretBox: createSecretBox(Buffer.alloc(32, 7)),
      csrfKey: Buffer.alloc(32, 9),
      http: { secureCookies: false, maxJsonBytes: 65536, maxUploadBytes: 65536, sessionTtlMs: 3600_000 },
      telephonyRoutes: telephony.routes,
    };
    const app = createApp(deps);
    await telephony.telephony.originate({ callId: 'call-1', to: '+15550123', ringTimeoutMs: 20_000 });
    expect(rest.requests[0]?.url).toBe(`https://api.twilio.com/2010-04-01/Accounts/${SID}/Calls.json`);
    const callback = new URLSearchParams(rest.requests[0]?.body).get('StatusCallback');
    expect(callback).toBe('https://dialer.example.com/telephony/twilio/status?callId=call-1');

    const post = (form: Record<string, string>, signature: string) =>
      app.request('/telephony/twilio/status?callId=call-1', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
        body: new URLSearchParams(form).toString(),
      });
    const busy = { CallSid: `CA${'1'.padStart(32, '0')}`, CallStatus: 'busy', SipResponseCode: '486' };
    // Signed with another token, or signed for other parameters: refused, and the call is untouched.
    const forged = computeTwilioSignature('not-the-token-000000', callback as string, busy);
    expect((await post(busy, forged)).status).toBe(403);
    const tampered = computeTwilioSignature(TOKEN, callback as string, { ...busy, CallStatus: 'ringing' });
    expect((await post(busy, tampered)).status).toBe(403);
    expect((await post(busy, '')).status).toBe(403);
    expect(events).toEqual([]);
    // Signed by Twilio's algorithm over the public URL: accepted, and the call fails as busy.
    const signed = computeTwilioSignature(TOKEN, callback as string, busy);
    expect((await post(busy, signed)).status).toBe(204);
    expect(events).toMatchObject([{ type: 'call:failed', callId: 'call-1', result: 'Busy' }]);
    // The callbacks need no session, but the API still does.
    expect((await app.request('/api/v1/lists')).status).toBe(401);
    await telephony.close();
  });
});

describe('an agent phone that does not take a call', () => {
  it('is paused for OUTPACE_AGENT_RETRY_MS while the consumer is still on the line, then ready again', async () => {
    const config = loadConfig({ ...TWILIO_ENV, OUTPACE_AGENT_RETRY_MS: '30000' });
    const clock = createVirtualClock(Date.parse('2026-11-25T15:00:00Z'));
    const telephony = createTelephonyFromConfig(config, { clock, logger: noopLogger, fetch: fakeTwilioRest().fetch });
    if (telephony === undefined) throw new Error('expected Twilio telephony');
    const route = telephony.routes[0];
    if (route === undefined) throw new Error('expected the Twilio route');
    const ports = await telephony.portsFactory()({ tenantId: 'ten_a', clock, logger: noopLogger });
    /** A callback as Twilio sends it, signed with the auth token over the public URL. */
    const callback = (kind: string, form: Record<string, string>) => {
      const url = `https://dialer.example.com/telephony/twilio/${kind}?callId=call-1`;
      return route.handler(
        new Request(url, {
          method: 'POST',
          headers: {
            'content-type': 'application/x-www-form-urlencoded',
            'x-twilio-signature': computeTwilioSignature(TOKEN, url, form),
          },
          body: new URLSearchParams(form).toString(),
        }),
      );
    };
    const CallSid = `CA${'1'.padStart(32, '0')}`;
    await ports.telephony.originate({ callId: 'call-1', to: '+15550123', ringTimeoutMs: 20_000 });
    expect((await callback('status', { CallSid, CallStatus: 'in-progress' })).status).toBe(204);
    const bridging = ports.telephony.bridge('call-1', { id: 'alice', endpoint: 'sip:alice@agents.example.com' });
    const failed = bridging.catch((error: unknown) => error);
    expect((await callback('after-dial', { CallSid, DialCallStatus: 'no-answer' })).status).toBe(200);
    expect(await failed).toMatchObject({ code: 'ADAPTER_TELEPHONY_BRIDGE_FAILED' });
    const state = async () => (await ports.agents.list('sales')).find((a) => a.id === 'alice')?.state;
    expect(await state()).toBe('paused');
    clock.advance(29_999);
    expect(await state()).toBe('paused');
    clock.advance(1);
    expect(await state()).toBe('ready');
    await telephony.close();
  });
});

describe('ports per tenant', () => {
  it('gives the tenants of OUTPACE_TELEPHONY_TENANTS the shared connector and the others the fallback', async () => {
    const config = loadConfig({ ...TWILIO_ENV, OUTPACE_TELEPHONY_TENANTS: 'ten_a, ten_b' });
    const clock = createVirtualClock(0);
    const telephony = createTelephonyFromConfig(config, { clock, logger: noopLogger, fetch: fakeTwilioRest().fetch });
    if (telephony === undefined) throw new Error('expected Twilio telephony');
    const fallbackFor: string[] = [];
    const simulated = { telephony: {} as never, agents: {} as never, close: async () => {} };
    const factory = telephony.portsFactory((context) => {
      fallbackFor.push(context.tenantId);
      return simulated;
    });
    const context = (tenantId: string) => ({ tenantId, clock, logger: noopLogger });
    const a = await factory(context('ten_a'));
    const b = await factory(context('ten_b'));
    // One connector (behind the agent-pausing bridge) and one set of agents for both tenants.
    expect(a.telephony).toBe(b.telephony);
    expect(a.telephony.name).toBe(telephony.telephony.name);
    expect(b.agents).toBe(telephony.agents);
    expect(await factory(context('ten_c'))).toBe(simulated);
    expect(fallbackFor).toEqual(['ten_c']);
    // One tenant's runtime stopping leaves the shared connector open for the others.
    await a.close();
    expect(await b.agents.list('sales')).toHaveLength(2);
    expect(() => telephony.portsFactory()(context('ten_c'))).toThrow(/not in OUTPACE_TELEPHONY_TENANTS/);
    await telephony.close();
    expect(await b.agents.list('sales')).toEqual([]);
  });
});

describe('SIP agents', () => {
  it('are ready, talk while bridged, wrap for wrapMs, then report the record processed', async () => {
    const clock = createVirtualClock(0);
    const listeners = new Set<(e: TelephonyEvent) => void>();
    const telephony = {
      onEvent(l: (e: TelephonyEvent) => void) {
        listeners.add(l);
        return () => listeners.delete(l);
      },
    };
    const send = (e: TelephonyEvent) => {
      for (const l of listeners) l(e);
    };
    const agents = createSipAgentsPort({
      agents: [
        { agentGroupId: 'sales', id: 'alice', endpoint: 'PJSIP/alice' },
        { agentGroupId: 'support', id: 'carol', endpoint: 'PJSIP/carol' },
      ],
      telephony,
      clock,
      wrapMs: 3000,
    });
    const seen: unknown[] = [];
    agents.onEvent((e) => seen.push(e));
    expect(await agents.list('sales')).toEqual([{ id: 'alice', endpoint: 'PJSIP/alice', state: 'ready' }]);
    send({ type: 'call:bridged', callId: 'c1', agentId: 'alice', at: 0 });
    expect((await agents.list('sales'))[0]?.state).toBe('talk');
    clock.advance(1000);
    send({ type: 'call:ended', callId: 'c1', at: 1000 });
    expect((await agents.list('sales'))[0]?.state).toBe('wrap');
    clock.advance(2999);
    expect((await agents.list('sales'))[0]?.state).toBe('wrap');
    clock.advance(1);
    expect((await agents.list('sales'))[0]?.state).toBe('ready');
    expect(seen).toEqual([
      { type: 'agent:state', agentId: 'alice', state: 'talk', at: 0 },
      { type: 'agent:state', agentId: 'alice', state: 'wrap', at: 1000 },
      {
        type: 'agent:action',
        agentId: 'alice',
        action: { type: 'record-processed', callId: 'c1', disposition: 'done' },
        at: 4000,
      },
      { type: 'agent:state', agentId: 'alice', state: 'ready', at: 4000 },
    ]);
    await expect(agents.deliver('nobody', {} as never)).rejects.toMatchObject({ code: 'SERVER_AGENT_UNKNOWN' });
    await agents.close();
  });
});
