import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  computeTwilioSignature,
  createTwilioTelephony,
  type TwilioTelephony,
  validateTwilioSignature,
} from '../../src/twilio/index.js';
import { collect } from './harness/events.js';
import { serveHandler, startFakeTwilio } from './harness/fake-twilio.js';

// Tier 3 (contract): Twilio has no local peer, so the connector runs against a fake built from Twilio's published
// description of the Calls resource (fixtures/telephony/twilio-calls-api.json), which rejects undocumented
// parameters and values and sends signed callbacks to the connector's handler over HTTP on 127.0.0.1.
// This proves the connector speaks the documented contract; it is not a claim that it works with Twilio's servers.

describe('Twilio signature (X-Twilio-Signature)', () => {
  it("matches Twilio's published example", () => {
    // From Twilio's signature-validation documentation (api-snippets security/signature_validation).
    const url = 'https://mycompany.com/myapp.php?foo=1&bar=2';
    const params = {
      CallSid: 'CA1234567890ABCDE',
      Caller: '+14158675309',
      Digits: '1234',
      From: '+14158675309',
      To: '+18005551212',
    };
    expect(computeTwilioSignature('12345', url, params)).toBe('RSOYDt4T1cUTdK1PDd93/VVr8B8=');
    expect(validateTwilioSignature('12345', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', url, params)).toBe(true);
    expect(validateTwilioSignature('12345', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', url, { ...params, Digits: '1235' })).toBe(
      false,
    );
    expect(validateTwilioSignature('12346', 'RSOYDt4T1cUTdK1PDd93/VVr8B8=', url, params)).toBe(false);
    expect(validateTwilioSignature('12345', undefined, url, params)).toBe(false);
  });

  it('accepts the URL signed with or without the default port', () => {
    const params = { CallSid: 'CA1' };
    const signed = computeTwilioSignature('tok', 'https://example.com:443/cb?x=1', params);
    expect(validateTwilioSignature('tok', signed, 'https://example.com/cb?x=1', params)).toBe(true);
    const plain = computeTwilioSignature('tok', 'https://example.com/cb?x=1', params);
    expect(validateTwilioSignature('tok', plain, 'https://example.com:443/cb?x=1', params)).toBe(true);
    expect(validateTwilioSignature('tok', plain, 'https://example.com:8443/cb?x=1', params)).toBe(false);
  });

  it('checks JSON bodies through bodySHA256', () => {
    const rawBody = '{"CallSid":"CA1234567890ABCDE","Caller":"+12349013030"}';
    const sha = createHash('sha256').update(rawBody).digest('hex');
    const url = `https://example.com/myapp?bodySHA256=${sha}`;
    const signature = computeTwilioSignature('tok', url);
    expect(validateTwilioSignature('tok', signature, url, { rawBody })).toBe(true);
    expect(validateTwilioSignature('tok', signature, url, { rawBody: `${rawBody} ` })).toBe(false);
  });
});

describe('Twilio connector against a fake built from the published API description', () => {
  const accountSid = `AC${'a'.repeat(32)}`;
  const authToken = 'test-auth-token-0123456789';
  let fake: Awaited<ReturnType<typeof startFakeTwilio>>;
  let callbacks: Awaited<ReturnType<typeof serveHandler>>;
  let telephony: TwilioTelephony;
  let events: ReturnType<typeof collect>;
  let base: string;

  beforeAll(async () => {
    fake = await startFakeTwilio({ accountSid, authToken });
    let handler: (request: Request) => Promise<Response> = async () => new Response(null, { status: 503 });
    callbacks = await serveHandler((request) => handler(request));
    base = `${callbacks.url}/telephony/twilio`;
    telephony = createTwilioTelephony({
      accountSid,
      authToken,
      from: '+15550199',
      callbackBaseUrl: base,
      abandonMessageUrl: 'https://media.example.com/abandon.wav',
      apiBaseUrl: fake.apiBaseUrl,
      minRingTimeoutMs: 1000,
    });
    handler = telephony.handler;
    events = collect(telephony);
  });

  afterAll(async () => {
    await telephony?.close();
    await fake?.close();
    await callbacks?.close();
  });

  it('originates with status callbacks and asynchronous AMD, using only documented parameters', async () => {
    fake.scenarios.set('+15550001', { kind: 'busy', sip: 486 });
    await telephony.originate({ callId: 'tw-busy', to: '+15550001', ringTimeoutMs: 20_000, amd: true });
    const sent = fake.requests.find((r) => r.form.get('To') === '+15550001')!.form;
    expect(Object.fromEntries(sent)).toMatchObject({
      From: '+15550199',
      Timeout: '20',
      MachineDetection: 'Enable',
      AsyncAmd: 'true',
      StatusCallback: `${base}/status?callId=tw-busy`,
      AsyncAmdStatusCallback: `${base}/amd?callId=tw-busy`,
      Url: `${base}/answer?callId=tw-busy`,
    });
    expect(sent.getAll('StatusCallbackEvent')).toEqual(['initiated', 'ringing', 'answered', 'completed']);
    const failed = await events.waitFor('tw-busy', 'call:failed');
    expect(failed).toMatchObject({ result: 'Busy', cause: { sip: 486, vendor: 'busy' } });
  });

  it('maps unanswered outcomes by SIP code first, then by Twilio status', async () => {
    fake.scenarios.set('+15550002', { kind: 'no-answer' });
    fake.scenarios.set('+15550003', { kind: 'failed', sip: 404 });
    fake.scenarios.set('+15550004', { kind: 'failed' });
    fake.scenarios.set('+15550005', { kind: 'failed', sip: 503 });
    await telephony.originate({ callId: 'tw-na', to: '+15550002' });
    await telephony.originate({ callId: 'tw-404', to: '+15550003' });
    await telephony.originate({ callId: 'tw-fail', to: '+15550004' });
    await telephony.originate({ callId: 'tw-503', to: '+15550005' });
    const results = await Promise.all(
      ['tw-na', 'tw-404', 'tw-fail', 'tw-503'].map(async (id) => (await events.waitFor(id, 'call:failed')).result),
    );
    expect(results).toEqual(['NoAnswer', 'SitVacant', 'DialError', 'SitNoCircuit']);
    expect(events.types('tw-404')).toEqual(['call:ringing', 'call:failed']);
  });

  it('routes a human to an agent with <Dial>, and reports the bridge when the agent answers', async () => {
    fake.scenarios.set('+15550010', { kind: 'answer', answeredBy: 'human', amdMs: 300 });
    fake.agents.set('sip:agent7@pbx.example.com', 'answer');
    await telephony.originate({ callId: 'tw-human', to: '+15550010', amd: true });
    await events.waitFor('tw-human', 'call:answered');
    await expect(
      telephony.bridge('tw-human', { id: 'a7', endpoint: 'sip:agent7@pbx.example.com' }),
    ).rejects.toMatchObject({
      code: 'ADAPTER_TELEPHONY_INVALID_STATE', // the verdict has not arrived yet
    });
    const amd = await events.waitFor('tw-human', 'call:amd');
    expect(amd.verdict).toBe('human');
    await telephony.bridge('tw-human', { id: 'a7', endpoint: 'sip:agent7@pbx.example.com' });
    const bridged = await events.waitFor('tw-human', 'call:bridged');
    const answered = await events.waitFor('tw-human', 'call:answered');
    expect(bridged.agentId).toBe('a7');
    expect(bridged.at - answered.at).toBeLessThan(2000);
    const update = fake.requests
      .filter((r) => r.form.has('Twiml'))
      .at(-1)!
      .form.get('Twiml')!;
    expect(update).toContain('<Sip statusCallbackEvent="initiated ringing answered completed"');
    await telephony.hangup('tw-human');
    await events.waitFor('tw-human', 'call:ended');
    expect(events.types('tw-human')).toEqual([
      'call:ringing',
      'call:answered',
      'call:amd',
      'call:bridged',
      'call:ended',
    ]);
  });

  it('treats AnsweredBy machine_* as a machine (no message owed) and unknown as a live person', async () => {
    fake.scenarios.set('+15550011', { kind: 'answer', answeredBy: 'machine_end_beep', amdMs: 200 });
    fake.scenarios.set('+15550012', { kind: 'answer', answeredBy: 'unknown', amdMs: 200 });
    await telephony.originate({ callId: 'tw-vm', to: '+15550011', amd: true });
    await telephony.originate({ callId: 'tw-unk', to: '+15550012', amd: true });
    expect((await events.waitFor('tw-vm', 'call:amd')).verdict).toBe('machine');
    expect((await events.waitFor('tw-unk', 'call:amd')).verdict).toBe('notSure');
    // Nobody bridges "unknown": the guard plays the message before 2.0 s; the machine gets none.
    const answered = await events.waitFor('tw-unk', 'call:answered');
    const started = await events.waitFor('tw-unk', 'call:message-started', 4000);
    expect(started.at - answered.at).toBeGreaterThanOrEqual(1650);
    expect(started.at - answered.at).toBeLessThan(2000);
    const play = fake.requests.filter((r) => r.form.get('Twiml')?.includes('<Play>'));
    expect(play).toHaveLength(1);
    expect(play[0]!.form.get('Twiml')).toContain('<Play>https://media.example.com/abandon.wav</Play><Hangup/>');
    await events.waitFor('tw-unk', 'call:ended');
    await telephony.hangup('tw-vm');
    await events.waitFor('tw-vm', 'call:ended');
    expect(events.types('tw-vm')).toEqual(['call:ringing', 'call:answered', 'call:amd', 'call:ended']);
  });

  it('rejects bridge() when the agent is busy; the guard then serves the consumer', async () => {
    fake.scenarios.set('+15550013', { kind: 'answer' });
    fake.agents.set('client:busy-agent', 'busy');
    await telephony.originate({ callId: 'tw-agent-busy', to: '+15550013' });
    await events.waitFor('tw-agent-busy', 'call:answered');
    await expect(telephony.bridge('tw-agent-busy', { id: 'b1', endpoint: 'client:busy-agent' })).rejects.toMatchObject({
      code: 'ADAPTER_TELEPHONY_BRIDGE_FAILED',
    });
    await events.waitFor('tw-agent-busy', 'call:message-started', 4000);
    await events.waitFor('tw-agent-busy', 'call:ended');
  });

  it('refuses callbacks whose signature does not verify, and changes nothing', async () => {
    fake.scenarios.set('+15550014', { kind: 'no-answer', ringMs: 3000 });
    await telephony.originate({ callId: 'tw-forged', to: '+15550014' });
    await events.waitFor('tw-forged', 'call:ringing');
    const url = `${base}/status?callId=tw-forged`;
    const forged = await fake.forge(url, { CallSid: 'CAx', CallStatus: 'in-progress' });
    expect(forged.status).toBe(403);
    const unsigned = await fetch(url, { method: 'POST', body: 'CallStatus=completed' });
    expect(unsigned.status).toBe(403);
    expect(events.types('tw-forged')).toEqual(['call:ringing']);
    await telephony.hangup('tw-forged');
    expect((await events.waitFor('tw-forged', 'call:failed')).result).toBe('Cleared');
    // Every callback the fake sent with the right signature was accepted.
    expect(fake.callbacks.filter((c) => c.status !== 204 && c.status !== 200)).toEqual([]);
  });

  it('the fake refuses undocumented parameters, so the contract check can fail', async () => {
    const res = await fetch(`${fake.apiBaseUrl}/2010-04-01/Accounts/${accountSid}/Calls.json`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({
        To: '+1',
        From: '+2',
        Url: 'https://x.example/a',
        MachineDetection: 'enabled',
      }).toString(),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      status: 400,
      message: expect.stringMatching(/MachineDetection must be one of/),
    });
  });

  it('validates its options and requests', async () => {
    expect(() =>
      createTwilioTelephony({
        accountSid: 'AC123',
        authToken,
        from: '+1',
        callbackBaseUrl: base,
        abandonMessageUrl: 'https://m.example/a.wav',
      }),
    ).toThrow(/accountSid.*AC followed by 32 hex digits/);
    await expect(telephony.originate({ callId: 'x', to: '+15550100', ringTimeoutMs: 500 })).rejects.toThrow(
      /ringTimeoutMs/,
    );
  });
});
