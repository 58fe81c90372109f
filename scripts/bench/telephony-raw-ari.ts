/**
 * The raw ARI baseline of bench:telephony: the least code that originates calls through Asterisk's REST Interface
 * and sees them through, with no code of ours (plain `fetch` for REST, `ws` for the event stream). It runs in its
 * own process, so it shares no event loop with the connector; its rate is this machine's ceiling for the bench's
 * call (originate to a phone that answers at once, hang up on StasisStart).
 *
 * tsx scripts/bench/telephony-raw-ari.ts --url=http://127.0.0.1:28088 --user=u --pass=p --app=raw \
 *   --endpoint=PJSIP/15550025082@carrier --calls=500 --rate=100 --prefix=raw-0
 * Prints one JSON line: { seconds, perSec, completedSeconds, completedPerSec, errors, lostCalls, originateMs }.
 */
import WebSocket from 'ws';

const arg = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? '';
const url = arg('url');
const app = arg('app');
const endpoint = arg('endpoint');
const prefix = arg('prefix') || 'raw';
const calls = Number(arg('calls') || 500);
const rate = Number(arg('rate') || 100);
/** Most originate/hangup requests in flight (0: no bound, one connection per waiting request). */
const inflight = Number(arg('inflight') || 0);
/** `http`: REST over fetch; `websocket`: REST over the event WebSocket (RESTRequest messages, Asterisk 22.4+). */
const transport = arg('transport') || 'http';
let nextRequest = 0;
const waitingResponse = new Map<string, (status: number) => void>();
/** One REST call over the chosen transport; resolves with the HTTP status. */
async function rest(method: string, path: string): Promise<number> {
  if (transport === 'http') {
    const r = await fetch(`${url}/ari/${path}`, { method, headers: { authorization: auth } });
    await r.arrayBuffer();
    return r.status;
  }
  const id = String(nextRequest++);
  return new Promise<number>((resolve) => {
    waitingResponse.set(id, resolve);
    ws.send(JSON.stringify({ type: 'RESTRequest', transaction_id: id, request_id: id, method, uri: path }));
  });
}
const auth = `Basic ${Buffer.from(`${arg('user')}:${arg('pass')}`).toString('base64')}`;

let active = 0;
const waiting: (() => void)[] = [];
/** Runs `send` when fewer than `inflight` requests are out. */
async function bounded<T>(send: () => Promise<T>): Promise<T> {
  if (inflight > 0 && active >= inflight) await new Promise<void>((r) => waiting.push(r));
  active++;
  try {
    return await send();
  } finally {
    active--;
    waiting.shift()?.();
  }
}
const count = (into: Record<string, number>, error: unknown) => {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const key = `${String(error)}${cause ? ` (${cause.code ?? cause.message})` : ''}`.slice(0, 160);
  into[key] = (into[key] ?? 0) + 1;
};
const hangupErrors: Record<string, number> = {};
const seen = new Map<string, Set<string>>();
let destroyed = 0;
let lastDestroyedAt = 0;
const ws = new WebSocket(`${url.replace(/^http/, 'ws')}/ari/events?app=${app}`, { headers: { authorization: auth } });
const eventTypes: Record<string, number> = {};
let eventBytes = 0;
ws.on('message', (data) => {
  const text = String(data);
  eventBytes += text.length;
  const e = JSON.parse(text) as { type: string; channel?: { id: string }; request_id?: string; status_code?: number };
  if (e.type === 'RESTResponse') {
    eventBytes -= text.length;
    waitingResponse.get(e.request_id ?? '')?.(e.status_code ?? 0);
    waitingResponse.delete(e.request_id ?? '');
    return;
  }
  const id = e.channel?.id;
  eventTypes[e.type] = (eventTypes[e.type] ?? 0) + 1;
  if (!id?.startsWith(prefix)) return;
  const types = seen.get(id) ?? new Set();
  types.add(e.type);
  seen.set(id, types);
  if (e.type === 'StasisStart') {
    void bounded(async () => {
      const status = await rest('DELETE', `channels/${id}`);
      if (status >= 300 && status !== 404) throw new Error(`HTTP ${status}`);
    }).catch((error: unknown) => count(hangupErrors, error));
  } else if (e.type === 'ChannelDestroyed') {
    destroyed++;
    lastDestroyedAt = performance.now();
  }
});
await new Promise<void>((resolve, reject) => {
  ws.once('open', () => resolve());
  ws.once('error', reject);
});

const errors: Record<string, number> = {};
const originateMs: number[] = [];
const cpuBefore = process.cpuUsage();
const begin = performance.now();
const pending: Promise<void>[] = [];
for (let i = 0; i < calls; i++) {
  const wait = begin + (i * 1000) / rate - performance.now();
  if (wait > 1) await new Promise((r) => setTimeout(r, wait));
  const query = new URLSearchParams({ endpoint, app, appArgs: 'dial', channelId: `${prefix}-${i}`, timeout: '10' });
  const sent = performance.now();
  pending.push(
    bounded(async () => {
      const status = await rest('POST', `channels?${query}`);
      originateMs.push(performance.now() - sent);
      if (status >= 300) throw new Error(`HTTP ${status}`);
    }).catch((error: unknown) => count(errors, error)),
  );
}
await Promise.all(pending);
const seconds = (performance.now() - begin) / 1000;
// Past the 10 s ring timeout, a call whose INVITE was lost has ended too.
for (let i = 0; i < 160 && destroyed < calls; i++) await new Promise((r) => setTimeout(r, 100));
const cpu = process.cpuUsage(cpuBefore);
ws.close();
const lostCalls = calls - [...seen.values()].filter((t) => t.has('StasisStart') && t.has('ChannelDestroyed')).length;
const sorted = originateMs.sort((a, b) => a - b);
const pct = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * p) - 1)] ?? 0);
const completedSeconds = (lastDestroyedAt - begin) / 1000;
console.log(
  JSON.stringify({
    seconds: Math.round(seconds * 10) / 10,
    perSec: Math.round((calls / seconds) * 10) / 10,
    completedSeconds: Math.round(completedSeconds * 10) / 10,
    completedPerSec: Math.round((destroyed / completedSeconds) * 10) / 10,
    errors,
    hangupErrors,
    stasisStarts: [...seen.values()].filter((t) => t.has('StasisStart')).length,
    destroyed,
    eventsPerCall: Math.round((Object.values(eventTypes).reduce((a, b) => a + b, 0) / calls) * 10) / 10,
    eventBytesPerCall: Math.round(eventBytes / calls),
    eventTypes,
    lostCalls,
    cpuSeconds: Math.round((cpu.user + cpu.system) / 1e4) / 100,
    originateMs: { p50: pct(0.5), p95: pct(0.95), max: pct(1) },
  }),
);
