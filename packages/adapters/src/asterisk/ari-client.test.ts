import { isOutpaceError } from '@outpace/core';
import { describe, expect, it } from 'vitest';
import { createFakeAsterisk } from '../../test/telephony/harness/fake-ari.js';
import { createAriClient } from './ari-client.js';
import { createAsteriskTelephony } from './asterisk-telephony.js';

const BASE = { url: 'http://127.0.0.1:8088', username: 'outpace', password: 'pw', app: 'outpace' };

async function rejection(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('ARI client transport', () => {
  it('keeps REST on HTTP by default, even with the event stream open', async () => {
    const fake = createFakeAsterisk();
    const ari = createAriClient({ ...BASE, fetch: fake.fetch, socket: fake.socket });
    await ari.connect();
    await ari.hangup('c1').catch(() => {});
    expect(fake.requests.map((r) => r.via)).toEqual(['http']);
    await ari.close();
  });

  it('with transport "websocket" sends REST as RESTRequest messages once the stream is open, HTTP before', async () => {
    const fake = createFakeAsterisk();
    const ari = createAriClient({ ...BASE, fetch: fake.fetch, socket: fake.socket, transport: 'websocket' });
    const info = await ari.info();
    expect(info.system?.version).toBe('22.10.1');
    await ari.connect();
    const channel = await ari.originate({
      endpoint: 'PJSIP/15550100@carrier',
      app: 'outpace',
      appArgs: 'dial',
      channelId: 'outpace-c1',
      timeout: 20,
      variables: { CALLERID_NAME: 'Outpace' },
    });
    expect(channel.id).toBe('outpace-c1');
    expect(fake.requests).toEqual([
      { method: 'GET', path: '/asterisk/info', query: {}, body: undefined, via: 'http' },
      {
        method: 'POST',
        path: '/channels',
        query: {
          endpoint: 'PJSIP/15550100@carrier',
          app: 'outpace',
          appArgs: 'dial',
          channelId: 'outpace-c1',
          timeout: '20',
        },
        body: { variables: { CALLERID_NAME: 'Outpace' } },
        via: 'websocket',
      },
    ]);
    await ari.close();
  });

  it('maps a non-2xx RESTResponse to ADAPTER_ARI_REQUEST_FAILED with the status and Asterisk message', async () => {
    const fake = createFakeAsterisk();
    const ari = createAriClient({ ...BASE, fetch: fake.fetch, socket: fake.socket, transport: 'websocket' });
    await ari.connect();
    const error = await rejection(ari.getChannel('missing'));
    expect(isOutpaceError(error) && error.code).toBe('ADAPTER_ARI_REQUEST_FAILED');
    expect((error as { details: { status: number } }).details.status).toBe(404);
    expect((error as Error).message).toContain('Channel not found');
    await ari.close();
  });

  it('fails a request whose socket drops before the answer, and one Asterisk never answers', async () => {
    const fake = createFakeAsterisk();
    const ari = createAriClient({
      ...BASE,
      fetch: fake.fetch,
      socket: fake.socket,
      transport: 'websocket',
      requestTimeoutMs: 150,
      reconnectDelayMs: 10_000,
    });
    await ari.connect();
    fake.silence(true);
    const unanswered = rejection(ari.hangup('outpace-x'));
    const timedOut = await unanswered;
    expect(isOutpaceError(timedOut) && timedOut.code).toBe('ADAPTER_TELEPHONY_UNAVAILABLE');
    expect((timedOut as Error).message).toContain('no RESTResponse within 150 ms');
    // Now one that is waiting when the socket drops:
    const pending = rejection(ari.hangup('outpace-z'));
    await new Promise((r) => setTimeout(r, 20)); // sent and waiting
    expect(fake.requests.at(-1)).toMatchObject({ path: '/channels/outpace-z', via: 'websocket' });
    fake.drop(true);
    const error = await pending;
    expect(isOutpaceError(error) && error.code).toBe('ADAPTER_TELEPHONY_UNAVAILABLE');
    expect((error as Error).message).toContain('closed (code 1006) before the answer');
    await ari.close();
  });

  it('carries a whole call through the connector over the WebSocket', async () => {
    const fake = createFakeAsterisk();
    const telephony = createAsteriskTelephony({
      ...BASE,
      abandonMedia: 'sound:custom/abandon',
      fetch: fake.fetch,
      socket: fake.socket,
      transport: 'websocket',
    });
    const types: string[] = [];
    telephony.onEvent((e) => types.push(e.type));
    await telephony.originate({ callId: 'c1', to: '+15550100' });
    const channel = { ...fake.channel('outpace-c1', 'Up') };
    fake.send({ type: 'StasisStart', application: 'outpace', args: ['dial'], channel } as never);
    await telephony.hangup('c1');
    fake.send({
      type: 'ChannelDestroyed',
      application: 'outpace',
      channel,
      cause: 16,
      cause_txt: 'Normal Clearing',
    } as never);
    expect(types).toEqual(['call:answered', 'call:ended']);
    const calls = fake.requests.filter((r) => r.path.startsWith('/channels'));
    expect(calls.map((r) => `${r.via} ${r.method} ${r.path}`)).toEqual([
      'websocket GET /channels', // reconcile on connect
      'websocket POST /channels',
      'websocket DELETE /channels/outpace-c1',
    ]);
    await telephony.close();
  });
});
