import type { AriChannel, AriMessage, AriSocket, AriSocketFactory } from '../../../src/asterisk/index.js';

/** A REST request the real ARI client sent to the fake. */
export interface SentRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
  /** How the request travelled: `fetch`, or a RESTRequest message over the event socket. */
  via: 'http' | 'websocket';
}

type Handler = (...args: never[]) => void;

/**
 * A stand-in for Asterisk under the real ARI client: `fetch` answers from a small channel table, and the event
 * socket is driven by the test (`send`, `drop`). The client's own request building and event parsing stay real.
 */
export function createFakeAsterisk() {
  const requests: SentRequest[] = [];
  const channels = new Map<string, AriChannel>();
  const failures: { match: RegExp; status: number; message: string }[] = [];
  let socket: { handlers: Map<string, Handler[]>; socket: AriSocket } | undefined;
  let refuse = false;
  let opened = 0;

  const channel = (id: string, state: AriChannel['state'] = 'Down'): AriChannel => ({
    id,
    name: `PJSIP/fake-${id}`,
    state,
    caller: { name: '', number: '' },
    connected: { name: '', number: '' },
    accountcode: '',
    dialplan: { context: 'default', exten: 's', priority: 1 },
    creationtime: '2026-01-01T00:00:00.000+0000',
    language: 'en',
  });

  const fetch = (async (input: string | URL | Request, init?: RequestInit) =>
    answer(new URL(String(input)), init?.method ?? 'GET', init?.body, 'http')) as typeof globalThis.fetch;

  async function answer(url: URL, method: string, rawBody: unknown, via: SentRequest['via']): Promise<Response> {
    const path = url.pathname.replace(/^\/ari/, '');
    const query = Object.fromEntries(url.searchParams);
    const body = typeof rawBody === 'string' ? JSON.parse(rawBody) : undefined;
    requests.push({ method, path, query, body, via });
    const failure = failures.find((f) => f.match.test(`${method} ${path}`));
    if (failure) {
      failures.splice(failures.indexOf(failure), 1);
      return new Response(JSON.stringify({ message: failure.message }), { status: failure.status });
    }
    const json = (value: unknown) => new Response(JSON.stringify(value), { status: 200 });
    const segments = path.split('/').map(decodeURIComponent);
    if (method === 'POST' && path === '/channels') {
      const created = channel(query.channelId ?? `fake-${requests.length}`);
      channels.set(created.id, created);
      return json(created);
    }
    if (method === 'GET' && path === '/channels') return json([...channels.values()]);
    if (method === 'GET' && segments[1] === 'channels' && segments.length === 3) {
      const found = channels.get(segments[2]!);
      return found ? json(found) : new Response('{"message":"Channel not found"}', { status: 404 });
    }
    if (method === 'DELETE' && segments[1] === 'channels') {
      if (!channels.delete(segments[2]!)) return new Response('{"message":"Channel not found"}', { status: 404 });
      return new Response(null, { status: 204 });
    }
    if (segments[1] === 'bridges' && method === 'POST' && segments.length === 3) {
      return json({ id: segments[2], bridge_type: 'mixing', channels: [] });
    }
    if (segments.includes('play')) return json({ id: segments[4], state: 'queued' });
    if (path === '/asterisk/info') return json({ system: { version: '22.10.1', entity_id: 'fake' } });
    return new Response(null, { status: 204 });
  }

  /** When set, RESTRequests over the socket are recorded but get no answer (a hung Asterisk). */
  let silent = false;

  const socketFactory: AriSocketFactory = async () => {
    if (refuse) throw new Error('connect ECONNREFUSED 127.0.0.1:8088');
    const handlers = new Map<string, Handler[]>();
    const fake: AriSocket = {
      on(event: string, listener: Handler) {
        handlers.set(event, [...(handlers.get(event) ?? []), listener]);
        return fake;
      },
      ping() {
        setTimeout(() => fire('pong'), 0);
      },
      close() {
        fire('close', 1000);
      },
      terminate() {
        fire('close', 1006);
      },
      send(data: string) {
        // REST over the WebSocket: answered by the same table as fetch, as a RESTResponse message.
        const r = JSON.parse(data) as {
          type: string;
          request_id: string;
          method: string;
          uri: string;
          message_body?: string;
        };
        if (r.type !== 'RESTRequest') return;
        void answer(new URL(`http://fake/ari/${r.uri}`), r.method, r.message_body, 'websocket').then(async (res) => {
          if (silent) return; // recorded, never answered
          const message_body = await res.text();
          const reply = {
            type: 'RESTResponse',
            request_id: r.request_id,
            transaction_id: r.request_id,
            status_code: res.status,
            reason_phrase: res.statusText,
            uri: r.uri,
            message_body,
          };
          for (const h of handlers.get('message') ?? []) (h as (d: string) => void)(JSON.stringify(reply));
        });
      },
    } as AriSocket;
    const fire = (event: string, ...args: unknown[]) => {
      for (const h of handlers.get(event) ?? []) (h as (...a: unknown[]) => void)(...args);
    };
    socket = { handlers, socket: fake };
    setTimeout(() => {
      opened++;
      fire('open');
    }, 0);
    return fake;
  };

  return {
    fetch,
    socket: socketFactory,
    requests,
    channels,
    /** How many times the event stream opened. */
    opened: () => opened,
    /** Sends an event over the open stream, keeping the channel table in step. */
    send(event: AriMessage): void {
      const e = event as { type: string; channel?: AriChannel };
      if (e.channel && e.type === 'ChannelDestroyed') channels.delete(e.channel.id);
      else if (e.channel && channels.has(e.channel.id)) channels.set(e.channel.id, e.channel);
      for (const h of socket?.handlers.get('message') ?? []) (h as (d: string) => void)(JSON.stringify(event));
    },
    /** Closes the stream as a network failure would; `refuseReconnect` keeps it down until `allowReconnect()`. */
    drop(refuseReconnect = false): void {
      refuse = refuseReconnect;
      socket?.socket.terminate();
    },
    allowReconnect(): void {
      refuse = false;
    },
    /** Stops answering RESTRequests sent over the socket (true) or resumes (false). */
    silence(on: boolean): void {
      silent = on;
    },
    /** The next request matching `match` ("METHOD /path") fails with `status`. */
    failNext(match: RegExp, status: number, message = 'failure injected by the test'): void {
      failures.push({ match, status, message });
    },
    channel,
  };
}
