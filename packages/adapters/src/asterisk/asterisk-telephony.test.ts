import type { TelephonyEvent } from '@outpace/core';
import { isOutpaceError } from '@outpace/core';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createFakeAsterisk } from '../../test/telephony/harness/fake-ari.js';
import type { AriMessage } from './ari-types.js';
import { type AsteriskTelephony, createAsteriskTelephony } from './asterisk-telephony.js';
import type { AsteriskTelephonyOptions } from './options.js';

const BASE = {
  url: 'http://127.0.0.1:8088',
  username: 'outpace',
  password: 'pw',
  abandonMedia: 'sound:custom/abandon',
};

function setup(extra: Partial<AsteriskTelephonyOptions> = {}) {
  const fake = createFakeAsterisk();
  const telephony = createAsteriskTelephony({ ...BASE, fetch: fake.fetch, socket: fake.socket, ...extra });
  const events: TelephonyEvent[] = [];
  telephony.onEvent((e) => events.push(e));
  const ev = (type: string, channelId: string, extra: Record<string, unknown> = {}) =>
    fake.send({ type, application: 'outpace', channel: fake.channel(channelId, 'Up'), ...extra } as AriMessage);
  return {
    fake,
    telephony,
    events,
    ev,
    types: (id: string) => events.filter((e) => e.callId === id).map((e) => e.type),
  };
}

async function connected(telephony: AsteriskTelephony) {
  const done = telephony.connect();
  await vi.advanceTimersByTimeAsync(0);
  await done;
}

const tick = (ms = 0) => vi.advanceTimersByTimeAsync(ms);

describe('createAsteriskTelephony', () => {
  beforeEach(() => {
    vi.useFakeTimers({
      now: 1_000_000,
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('refuses invalid options with the field and the fix', () => {
    const bad: [Partial<AsteriskTelephonyOptions>, RegExp][] = [
      [{ abandonGuardMs: 2500 }, /abandonGuardMs/],
      [{ abandonMedia: 'http://cdn.example/x.wav' }, /abandonMedia/],
      [{ amd: { totalAnalysisMs: 1800 } }, /amd\.totalAnalysisMs.*guardStart "amdVerdict"/],
      [{ endpoint: 'PJSIP/carrier' }, /endpoint/],
      [{ url: 'ftp://pbx' }, /url/],
    ];
    for (const [options, message] of bad) {
      let error: unknown;
      try {
        createAsteriskTelephony({ ...BASE, ...options } as AsteriskTelephonyOptions);
      } catch (e) {
        error = e;
      }
      expect(isOutpaceError(error, 'ADAPTER_CONFIG_INVALID'), String(error)).toBe(true);
      expect((error as Error).message).toMatch(message);
    }
    // Measured from the verdict, a longer analysis is allowed.
    expect(() =>
      createAsteriskTelephony({ ...BASE, guardStart: 'amdVerdict', amd: { totalAnalysisMs: 5000 } }),
    ).not.toThrow();
  });

  it('refuses a ring timeout under 15 s and names the field', async () => {
    const { telephony, fake } = setup();
    await expect(telephony.originate({ callId: 'c1', to: '+15550100', ringTimeoutMs: 10_000 })).rejects.toThrow(
      /ringTimeoutMs.*at least 15000 ms/,
    );
    await expect(telephony.originate({ callId: 'bad/id', to: '+15550100' })).rejects.toThrow(/callId/);
    expect(fake.requests).toEqual([]);
  });

  it('originates into the application with caller ID and the ring timeout in seconds', async () => {
    const { telephony, fake } = setup({ endpoint: 'PJSIP/{digits}@trunk' });
    await connected(telephony);
    await telephony.originate({
      callId: 'c1',
      to: '+15550100',
      callerId: '+15550199',
      ringTimeoutMs: 20_500,
      amd: true,
    });
    const originate = fake.requests.find((r) => r.method === 'POST' && r.path === '/channels');
    expect(originate?.query).toEqual({
      endpoint: 'PJSIP/15550100@trunk',
      app: 'outpace',
      appArgs: 'dial',
      channelId: 'outpace-c1',
      timeout: '21',
      callerId: '+15550199',
    });
    // No channel variables on originate: they cost Asterisk about a third of its originate rate.
    expect(originate?.body).toBeUndefined();
    await expect(telephony.originate({ callId: 'c1', to: '+15550100' })).rejects.toThrow(/already live/);
  });

  it('maps an unanswered call by its cause, not its dial status, and keeps the raw data', async () => {
    const { telephony, fake, events } = setup();
    await connected(telephony);
    await telephony.originate({ callId: 'c1', to: '+15550100' });
    fake.send({
      type: 'Dial',
      application: 'outpace',
      peer: fake.channel('outpace-c1', 'Ringing'),
      dialstatus: 'PROGRESS',
    } as AriMessage);
    fake.send({
      type: 'Dial',
      application: 'outpace',
      peer: fake.channel('outpace-c1'),
      dialstatus: 'NOANSWER',
    } as AriMessage);
    fake.send({
      type: 'ChannelDestroyed',
      application: 'outpace',
      channel: fake.channel('outpace-c1'),
      cause: 1,
      cause_txt: 'Unallocated (unassigned) number',
    } as AriMessage);
    expect(events.map(({ at: _at, ...e }) => e)).toEqual([
      { type: 'call:ringing', callId: 'c1' },
      {
        type: 'call:failed',
        callId: 'c1',
        result: 'SitVacant',
        cause: { q850: 1, vendor: 'Unallocated (unassigned) number (dial NOANSWER)' },
      },
    ]);
    expect(telephony.liveCalls()).toEqual([]);
  });

  it('a call the dialer hangs up before answer is Cleared', async () => {
    const { telephony, fake, events } = setup();
    await connected(telephony);
    await telephony.originate({ callId: 'c1', to: '+15550100' });
    await telephony.hangup('c1');
    expect(fake.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/channels/outpace-c1' });
    fake.send({
      type: 'ChannelDestroyed',
      application: 'outpace',
      channel: fake.channel('outpace-c1'),
      cause: 16,
      cause_txt: 'Normal Clearing',
    } as AriMessage);
    expect(events.at(-1)).toMatchObject({ type: 'call:failed', result: 'Cleared' });
  });

  it('sends an AMD call through the AMD context and treats NOTSURE as a live person (guard from answer)', async () => {
    const { telephony, fake, ev, events, types } = setup();
    await connected(telephony);
    await telephony.originate({ callId: 'c1', to: '+15550100', amd: true });
    ev('StasisStart', 'outpace-c1', { args: ['dial'] });
    await tick();
    expect(
      fake.requests.slice(-3).map((r) => `${r.method} ${decodeURIComponent(r.path)} ${JSON.stringify(r.query)}`),
    ).toEqual([
      'POST /applications/outpace/subscription {"eventSource":"channel:outpace-c1"}',
      'POST /channels/outpace-c1/variable {"variable":"OUTPACE_AMD_ARGS","value":"2500,1100,800,1500,100,50,2,256,5000"}',
      'POST /channels/outpace-c1/continue {"context":"outpace-amd","extension":"s","priority":"1"}',
    ]);
    await tick(1400);
    ev('StasisStart', 'outpace-c1', { args: ['amd', 'NOTSURE', 'TOOLONG-1500'] });
    expect(events.at(-1)).toMatchObject({ type: 'call:amd', verdict: 'notSure' });
    await tick(299); // 1699 ms after answer: not yet
    expect(fake.requests.some((r) => r.path.includes('/play/'))).toBe(false);
    await tick(1);
    expect(fake.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/channels/outpace-c1/play/outpace-c1.msg',
      query: { media: 'sound:custom/abandon' },
    });
    fake.send({
      type: 'PlaybackStarted',
      application: 'outpace',
      playback: { id: 'outpace-c1.msg', media_uri: '', target_uri: '', language: 'en', state: 'playing' },
    } as AriMessage);
    fake.send({
      type: 'PlaybackFinished',
      application: 'outpace',
      playback: { id: 'outpace-c1.msg', media_uri: '', target_uri: '', language: 'en', state: 'done' },
    } as AriMessage);
    await tick();
    expect(fake.requests.at(-1)).toMatchObject({ method: 'DELETE', path: '/channels/outpace-c1' });
    expect(types('c1')).toEqual(['call:answered', 'call:amd', 'call:message-started']);
  });

  it('owes no abandon message to a machine', async () => {
    const { telephony, fake, ev, types } = setup();
    await connected(telephony);
    await telephony.originate({ callId: 'c1', to: '+15550100', amd: true });
    ev('StasisStart', 'outpace-c1', { args: ['dial'] });
    await tick(1300);
    ev('StasisStart', 'outpace-c1', { args: ['amd', 'MACHINE', 'LONGGREETING-1100-1100'] });
    await tick(5000);
    expect(fake.requests.some((r) => r.path.includes('/play/'))).toBe(false);
    expect(types('c1')).toEqual(['call:answered', 'call:amd']);
  });

  it('if the guard fires inside AMD(), the message plays the moment the verdict brings the call back', async () => {
    const { telephony, fake, ev } = setup({ guardStart: 'answer', abandonGuardMs: 1700 });
    await connected(telephony);
    await telephony.originate({ callId: 'c1', to: '+15550100', amd: true });
    ev('StasisStart', 'outpace-c1', { args: ['dial'] });
    await tick(1800); // AMD overran (a misconfigured dialplan, say)
    expect(fake.requests.some((r) => r.path.includes('/play/'))).toBe(false);
    ev('StasisStart', 'outpace-c1', { args: ['amd', 'HUMAN', 'HUMAN-800-800'] });
    await tick();
    expect(fake.requests.at(-1)?.path).toBe('/channels/outpace-c1/play/outpace-c1.msg');
  });

  it('never lets an answered, unbridged live call pass 2.0 s without the message (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          bridgeAfter: fc.option(fc.integer({ min: 0, max: 3000 }), { nil: undefined }),
          agentAnswersAfter: fc.option(fc.integer({ min: 10, max: 3000 }), { nil: undefined }),
          playbackLatency: fc.integer({ min: 1, max: 150 }),
          consumerHangsUpAfter: fc.option(fc.integer({ min: 0, max: 4000 }), { nil: undefined }),
        }),
        async ({ bridgeAfter, agentAnswersAfter, playbackLatency, consumerHangsUpAfter }) => {
          const { telephony, fake, ev, events } = setup();
          await connected(telephony);
          await telephony.originate({ callId: 'p', to: '+15550100' });
          let seen = 0;
          // A scripted Asterisk: answers requests the way the real one did in the recorded transcripts.
          const react = () => {
            for (; seen < fake.requests.length; seen++) {
              const r = fake.requests[seen]!;
              if (r.path === '/channels/outpace-p/play/outpace-p.msg') {
                setTimeout(
                  () =>
                    fake.send({
                      type: 'PlaybackStarted',
                      application: 'outpace',
                      playback: {
                        id: 'outpace-p.msg',
                        media_uri: '',
                        target_uri: '',
                        language: 'en',
                        state: 'playing',
                      },
                    } as AriMessage),
                  playbackLatency,
                );
              }
              if (r.path === '/channels' && r.query.appArgs === 'agent' && agentAnswersAfter !== undefined) {
                setTimeout(() => ev('StasisStart', 'outpace-p.agent', { args: ['agent'] }), agentAnswersAfter);
              }
              if (r.path.endsWith('/addChannel') && r.query.channel === 'outpace-p.agent') {
                setTimeout(
                  () => ev('ChannelEnteredBridge', 'outpace-p.agent', { bridge: { id: 'outpace-p.bridge' } }),
                  2,
                );
              }
            }
          };
          ev('StasisStart', 'outpace-p', { args: ['dial'] });
          const answeredAt = Date.now();
          if (bridgeAfter !== undefined) {
            setTimeout(
              () => void telephony.bridge('p', { id: 'a1', endpoint: 'PJSIP/a1' }).catch(() => {}),
              bridgeAfter,
            );
          }
          if (consumerHangsUpAfter !== undefined) {
            setTimeout(
              () =>
                fake.send({
                  type: 'ChannelDestroyed',
                  application: 'outpace',
                  channel: fake.channel('outpace-p'),
                  cause: 16,
                  cause_txt: 'Normal Clearing',
                } as AriMessage),
              consumerHangsUpAfter,
            );
          }
          for (let t = 0; t < 4500; t += 5) {
            react();
            await tick(5);
          }
          const served = events.find((e) => e.type === 'call:bridged' || e.type === 'call:message-started');
          const ended = events.find((e) => e.type === 'call:ended');
          if (!ended || ended.at - answeredAt >= 2000) {
            expect(served, JSON.stringify(events)).toBeDefined();
            expect(served!.at - answeredAt).toBeLessThan(2000);
          }
          // Never both: a call the guard served is not bridged afterwards.
          expect(
            events.filter((e) => e.type === 'call:bridged' || e.type === 'call:message-started').length,
          ).toBeLessThanOrEqual(1);
          await telephony.close();
        },
      ),
      { numRuns: 60 },
    );
  }, 60_000);

  it('rejects bridge() when the agent leg fails, leaving the consumer to the guard', async () => {
    const { telephony, fake, ev } = setup();
    await connected(telephony);
    await telephony.originate({ callId: 'c1', to: '+15550100' });
    ev('StasisStart', 'outpace-c1', { args: ['dial'] });
    const bridging = telephony.bridge('c1', { id: 'a1', endpoint: 'PJSIP/a1' });
    await tick();
    fake.send({
      type: 'ChannelDestroyed',
      application: 'outpace',
      channel: fake.channel('outpace-c1.agent'),
      cause: 17,
      cause_txt: 'User busy',
    } as AriMessage);
    await expect(bridging).rejects.toMatchObject({ code: 'ADAPTER_TELEPHONY_BRIDGE_FAILED', details: { q850: 17 } });
    await tick(1700);
    expect(fake.requests.at(-1)?.path).toBe('/channels/outpace-c1/play/outpace-c1.msg');
  });

  it('reconciles after the stream drops: answered-while-down is served, vanished calls and strangers are orphaned', async () => {
    const { telephony, fake, events, types } = setup({ reconnectDelayMs: 100 });
    await connected(telephony);
    await telephony.originate({ callId: 'up', to: '+15550100' });
    await telephony.originate({ callId: 'gone', to: '+15550101' });
    fake.drop(true);
    // While the stream is down: "up" is answered, "gone" ends, and a stranger with our prefix appears.
    fake.channels.set('outpace-up', fake.channel('outpace-up', 'Up'));
    fake.channels.delete('outpace-gone');
    fake.channels.set('outpace-stranger', fake.channel('outpace-stranger', 'Up'));
    fake.channels.set('someone-else', fake.channel('someone-else', 'Up'));
    const refused = telephony.originate({ callId: 'refused', to: '+15550102' }).then(
      () => 'placed',
      (error: unknown) => error,
    );
    await tick(5000);
    expect(await refused).toMatchObject({ code: 'ADAPTER_TELEPHONY_UNAVAILABLE' });
    fake.allowReconnect();
    await tick(6000);
    expect(fake.opened()).toBe(2);
    expect(types('up')).toEqual(['call:answered']);
    expect(types('gone')).toEqual(['call:orphaned']);
    expect(events.find((e) => e.callId === 'stranger')).toMatchObject({
      type: 'call:orphaned',
      detail: expect.stringMatching(/hung up/),
    });
    expect(events.some((e) => e.callId === 'someone-else' || e.callId === 'refused')).toBe(false);
    expect(fake.requests.some((r) => r.method === 'DELETE' && r.path === '/channels/outpace-stranger')).toBe(true);
    expect(fake.requests.some((r) => r.method === 'DELETE' && r.path === '/channels/someone-else')).toBe(false);
    // The answered call gets the guard from the moment it was found answered.
    expect(fake.requests.some((r) => r.path === '/channels/outpace-up/play/outpace-up.msg')).toBe(true);
    await telephony.close();
    await telephony.close();
  });

  it('reports a call Asterisk accepted but never reported, once its ring timeout has passed, and only that one', async () => {
    const { telephony, fake, events, types } = setup();
    await connected(telephony);
    await telephony.originate({ callId: 'silent', to: '+15550100', ringTimeoutMs: 20_000 });
    await telephony.originate({ callId: 'slow', to: '+15550101', ringTimeoutMs: 20_000 });
    // No event ever comes for either; "silent"'s channel is gone, "slow"'s is still there.
    fake.channels.delete('outpace-silent');
    await tick(20_000 + 5000 - 10);
    expect(events).toEqual([]);
    await tick(20);
    expect(types('silent')).toEqual(['call:orphaned']);
    expect(events.find((e) => e.callId === 'silent')).toMatchObject({
      detail: expect.stringMatching(/outpace-silent vanished without any event after Asterisk accepted its originate/),
    });
    expect(types('slow')).toEqual([]);
    expect(telephony.liveCalls()).toEqual(['slow']);
    await telephony.close();
  });
});

describe('createAriClient', () => {
  it('names the ws package when it cannot load it', async () => {
    const { OutpaceError } = await import('@outpace/core');
    const { createAriClient } = await import('./ari-client.js');
    const client = createAriClient({
      url: 'http://127.0.0.1:1',
      username: 'u',
      password: 'p',
      app: 'a',
      socket: async () => {
        throw new OutpaceError('ADAPTER_DRIVER_MISSING', 'install ws');
      },
    });
    await expect(client.connect()).rejects.toMatchObject({ code: 'ADAPTER_DRIVER_MISSING' });
  });
});
