/**
 * Telephony benchmark
 * (`npm run bench:telephony [-- --calls=500 --rate=100 --rounds=3 --ramp=150,200,300,400 --inflight=64 --samples=25]`).
 *
 * Runs the Asterisk connector against a real Asterisk 22 (the test tier's sid folder, built by
 * scripts/telephony/ci-setup.sh) with kamailio as the carrier and SIPp phones, all on 127.0.0.1:
 * 1. Originate rate: `--calls` calls paced at `--rate` per second to a phone that answers at once; the dialer
 *    hangs each call up on `call:answered`. A lost event is a call missing its answered or ended event.
 *    Baseline in the same run, alternated with it: scripts/bench/telephony-raw-ari.ts in its own process (plain
 *    `fetch` + `ws`, no code of ours, the same in-flight bound). Then a ramp over `--ramp` target rates finds each
 *    side's ceiling, and the CPU every process on the path spends per call (from /proc) shows where it goes.
 * 2. Answer → abandon message: `--samples` calls; on `call:answered` the dialer asks for the message; the time
 *    to `call:message-started` (Asterisk's PlaybackStarted). Baseline: bare ARI `play` on StasisStart.
 * 3. Answer → bridge: `--samples` calls bridged to a SIPp agent phone that answers at once.
 *
 * Writes docs/benchmarks/telephony.{json,md}. The machine has 2 cores shared with other work: figures are
 * noisy; run it more than once when a goal is close.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import type { TelephonyEvent } from '@outpace/core';
import { createAriClient, createAsteriskTelephony } from '../../packages/adapters/src/asterisk/index.js';
import {
  ARI,
  asteriskUnavailable,
  installConfig,
  startAsterisk,
  unmountAll,
} from '../../packages/adapters/test/telephony/harness/asterisk.js';
import { lockAsteriskTier } from '../../packages/adapters/test/telephony/harness/lock.js';
import { FIXTURES, numberFor, PORTS } from '../../packages/adapters/test/telephony/harness/paths.js';
import { type Peer, sleep, startCarrier, startPeer } from '../../packages/adapters/test/telephony/harness/peers.js';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const hit = args.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.slice(name.length + 3)) : fallback;
};
const CALLS = arg('calls', 500);
const RATE = arg('rate', 100);
const SAMPLES = Math.max(20, arg('samples', 25));
const INFLIGHT = arg('inflight', 64);
const ROUNDS = arg('rounds', 3);
/** Target rates of the ceiling search, above the sustained rate. */
const RAMP = (args.find((a) => a.startsWith('--ramp='))?.slice(7) ?? '150,200,300,400')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const ROOT = join(import.meta.dirname, '..', '..');
const TSX = join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs');
const RAW_SCRIPT = join(import.meta.dirname, 'telephony-raw-ari.ts');
const OUT = join(import.meta.dirname, '..', '..', 'docs', 'benchmarks');

const reason = asteriskUnavailable();
if (reason) {
  console.error(`\nSKIPPED: asterisk tier (${reason}); bench:telephony needs it. Run scripts/telephony/ci-setup.sh.\n`);
  process.exit(1);
}

const p95 = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] ?? Number.NaN;
};
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] ?? Number.NaN)
    : ((sorted[mid - 1] ?? Number.NaN) + (sorted[mid] ?? Number.NaN)) / 2;
};
const round1 = (n: number) => Math.round(n * 10) / 10;
const round2 = (n: number) => Math.round(n * 100) / 100;

/** `root` and every process below it (Linux /proc). */
function processTree(root: number | undefined): number[] {
  if (root === undefined) return [];
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {} // it exited meanwhile
  }
  const all = [root];
  for (let i = 0; i < all.length; i++) all.push(...(children.get(all[i]!) ?? []));
  return all;
}

/** User + system CPU seconds of `pids` so far (all their threads; clock ticks of 10 ms). */
function cpuSeconds(pids: number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {}
  }
  return ticks / 100;
}

function phone(name: string, port: number, calls: number, extra: string[] = []): Peer {
  return startPeer(
    name,
    'sipp',
    [
      '-sf',
      join(FIXTURES, 'sipp', 'uas-answer.xml'),
      '-i',
      '127.0.0.1',
      '-p',
      String(port),
      '-mp',
      String(26000 + (port - 25070) * 10),
      '-m',
      String(calls),
      '-d',
      '0',
      '-timeout',
      '120s',
      '-nostdin',
      ...extra,
    ],
    { seconds: 150 },
  );
}

/** Paces `count` starts at `rate` per second; resolves with the wall time from first to last accepted start. */
async function paced(count: number, rate: number, start: (i: number) => Promise<unknown>) {
  const begin = performance.now();
  const pending: Promise<unknown>[] = [];
  let failures = 0;
  const errors = new Map<string, number>();
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const due = begin + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const sent = performance.now();
    pending.push(
      start(i)
        .then(() => void latencies.push(performance.now() - sent))
        .catch((error: unknown) => {
          failures++;
          const key = String((error as Error).message ?? error).slice(0, 160);
          errors.set(key, (errors.get(key) ?? 0) + 1);
        }),
    );
  }
  await Promise.all(pending);
  return { seconds: (performance.now() - begin) / 1000, failures, errors: Object.fromEntries(errors), latencies };
}

// The tier's Asterisk and ports are shared with the test suites: wait for any suite using them.
const release = await lockAsteriskTier(900_000);
installConfig();
const carrier = startCarrier(PORTS.carrier, 900);
const asterisk = await startAsterisk(900);
const peers: Peer[] = [];
const results: Record<string, unknown> = {};
try {
  // ---- 1. Originate rate: the connector beside a raw ARI script, alternated so neither gains from going first ----
  const loadPhone = phone('load', 25082, CALLS * (ROUNDS * 3 + RAMP.length * 3 + 2));
  peers.push(loadPhone);
  await sleep(500);

  const telephony = createAsteriskTelephony({
    ...ARI,
    abandonMedia: 'sound:custom/outpace-abandon',
    minRingTimeoutMs: 1000,
    maxConcurrentRequests: INFLIGHT,
  });
  // The same connector with REST over the event WebSocket (its own Stasis application and id prefix).
  const telephonyWs = createAsteriskTelephony({
    ...ARI,
    app: 'outpace-ws',
    idPrefix: 'ows-',
    transport: 'websocket',
    abandonMedia: 'sound:custom/outpace-abandon',
    minRingTimeoutMs: 1000,
    maxConcurrentRequests: INFLIGHT,
  });
  const byCall = new Map<string, TelephonyEvent[]>();
  const reactions = new Map<string, (event: TelephonyEvent) => void>();
  for (const t of [telephony, telephonyWs]) {
    t.onEvent((event) => {
      const list = byCall.get(event.callId);
      if (list) list.push(event);
      else byCall.set(event.callId, [event]);
    });
    t.onEvent((event) => reactions.get(event.callId)?.(event));
    await t.connect();
  }

  const components = () => ({
    asterisk: processTree(asterisk.peer.child.pid),
    kamailio: processTree(carrier.child.pid),
    sipp: processTree(loadPhone.child.pid),
  });
  /** CPU seconds each peer spent during `work`, per call, with the load average around it. */
  async function accounted<T>(work: () => Promise<T>) {
    const pids = components();
    const before = Object.fromEntries(Object.entries(pids).map(([k, v]) => [k, cpuSeconds(v)]));
    const loadBefore = loadavg()[0]!;
    const value = await work();
    const peerCpu = Object.fromEntries(
      Object.entries(pids).map(([k, v]) => [k, round2((cpuSeconds(v) - before[k]!) * (1000 / CALLS))]),
    );
    return { value, peerCpuMsPerCall: peerCpu, load1m: [round1(loadBefore), round1(loadavg()[0]!)] };
  }

  let round = 0;
  /** What Asterisk says of the channels of lost calls (state, or the HTTP status when it has none). */
  async function channelStates(channelIds: string[]): Promise<Record<string, string>> {
    const auth = `Basic ${Buffer.from(`${ARI.username}:${ARI.password}`).toString('base64')}`;
    const states: Record<string, string> = {};
    for (const id of channelIds) {
      const r = await fetch(`${ARI.url}/ari/channels/${id}`, { headers: { authorization: auth } }).catch(
        () => undefined,
      );
      states[id] = r?.ok
        ? `live, ${((await r.json()) as { state: string }).state}`
        : `no channel (${r?.status ?? 'unreachable'})`;
    }
    return states;
  }
  async function connectorRun(t: typeof telephony, idPrefix: string, rate: number) {
    const ids = Array.from({ length: CALLS }, (_, i) => `load${round}-${i}`);
    round++;
    for (const id of ids) {
      reactions.set(id, (e) => e.type === 'call:answered' && void t.hangup(id).catch(() => {}));
    }
    const cpuBefore = process.cpuUsage();
    const run = await paced(CALLS, rate, (i) =>
      t.originate({ callId: ids[i]!, to: numberFor(25082), ringTimeoutMs: 10_000 }),
    );
    const ended = (id: string) =>
      (byCall.get(id) ?? []).some(
        (e) => e.type === 'call:ended' || e.type === 'call:failed' || e.type === 'call:orphaned',
      );
    // Wait past the 10 s ring timeout, so a call whose INVITE was lost is seen to fail rather than counted lost.
    for (let i = 0; i < 160 && ids.some((id) => !ended(id)); i++) await sleep(100);
    const cpu = process.cpuUsage(cpuBefore);
    let lostEvents = 0;
    let ringingMissing = 0;
    let unanswered = 0;
    let orphaned = 0;
    const lostDetail: Record<string, string[]> = {};
    for (const id of ids) {
      const types = (byCall.get(id) ?? []).map((e) => e.type);
      byCall.delete(id);
      reactions.delete(id);
      if (!types.includes('call:ringing')) ringingMissing++;
      // Reported by the connector's watchdog (no event, no channel): accounted for, but its events were lost.
      if (types.includes('call:orphaned')) orphaned++;
      // A call that ended unanswered (a SIP message lost on the overloaded loopback, say) is accounted for, not a
      // lost event. Lost: no terminal event at all, or answered without an end. Ringing is optional in SIP (a 200
      // may come without a 180, and Asterisk may deliver Dial RINGING after StasisStart in the same ms).
      let missing = 0;
      if (types.includes('call:failed') && !types.includes('call:answered')) unanswered++;
      else if (!types.includes('call:answered')) missing = 2;
      else if (!types.includes('call:ended')) missing = 1;
      lostEvents += missing;
      if (missing && Object.keys(lostDetail).length < 5) lostDetail[id] = types;
    }
    return {
      rate,
      seconds: round1(run.seconds),
      perSec: round1(CALLS / run.seconds),
      originateMs: { p50: round1(median(run.latencies)), p95: round1(p95(run.latencies)) },
      originatorCpuMsPerCall: round2(((cpu.user + cpu.system) / 1000) * (1 / CALLS)),
      refused: run.failures,
      errors: run.errors,
      lostEvents,
      orphaned,
      unanswered,
      ringingMissing,
      lostDetail,
      lostChannels: await channelStates(Object.keys(lostDetail).map((id) => `${idPrefix}${id}`)),
    };
  }

  // Raw baseline: scripts/bench/telephony-raw-ari.ts in its own process (plain fetch + ws, same in-flight bound).
  async function rawRun(rate: number) {
    const prefix = `raw${round}`;
    round++;
    const child = startPeer(
      'raw-ari',
      process.execPath,
      [
        TSX,
        RAW_SCRIPT,
        `--url=${ARI.url}`,
        `--user=${ARI.username}`,
        `--pass=${ARI.password}`,
        '--app=outpace-raw',
        `--endpoint=PJSIP/${numberFor(25082).slice(1)}@carrier`,
        `--calls=${CALLS}`,
        `--rate=${rate}`,
        `--inflight=${INFLIGHT}`,
        `--prefix=${prefix}`,
      ],
      { seconds: 120 },
    );
    const { code, output } = await child.done;
    const line = output.trim().split('\n').at(-1) ?? '';
    if (code !== 0 || !line.startsWith('{')) throw new Error(`raw ARI script failed (${code}): ${output.slice(-500)}`);
    const r = JSON.parse(line) as {
      seconds: number;
      perSec: number;
      errors: Record<string, number>;
      hangupErrors: Record<string, number>;
      lostCalls: number;
      cpuSeconds: number;
      eventsPerCall: number;
      eventBytesPerCall: number;
      originateMs: { p50: number; p95: number };
    };
    return {
      rate,
      seconds: r.seconds,
      perSec: r.perSec,
      originateMs: r.originateMs,
      originatorCpuMsPerCall: round2((r.cpuSeconds * 1000) / CALLS),
      errors: {
        ...r.errors,
        ...Object.fromEntries(Object.entries(r.hangupErrors).map(([k, v]) => [`hangup: ${k}`, v])),
      },
      lostCalls: r.lostCalls,
      eventsPerCall: r.eventsPerCall,
      eventBytesPerCall: r.eventBytesPerCall,
    };
  }
  /** A run keeps the rate when it started every call within 2% of the paced time and lost nothing. */
  const kept = (r: { rate: number; perSec: number; lostEvents?: number; lostCalls?: number }) =>
    r.perSec >= r.rate * 0.98 && !(r.lostEvents ?? r.lostCalls ?? 0);

  type ConnectorRun = Awaited<ReturnType<typeof connectorRun>> & Awaited<ReturnType<typeof accounted>>;
  type RawRun = Awaited<ReturnType<typeof rawRun>> & Awaited<ReturnType<typeof accounted>>;
  type AnyRun = ConnectorRun | RawRun;
  const withCpu = async <T>(work: () => Promise<T>) => {
    const { value, ...rest } = await accounted(work);
    return { ...value, ...rest };
  };
  const lost = (r: AnyRun) => ('lostEvents' in r ? r.lostEvents : r.lostCalls);
  const SIDES = {
    connectorWebSocket: (rate: number) => withCpu(() => connectorRun(telephonyWs, 'ows-', rate)) as Promise<AnyRun>,
    connectorHttp: (rate: number) => withCpu(() => connectorRun(telephony, 'outpace-', rate)) as Promise<AnyRun>,
    rawAri: (rate: number) => withCpu(() => rawRun(rate)) as Promise<AnyRun>,
  };
  type SideName = keyof typeof SIDES;
  const sideNames = Object.keys(SIDES) as SideName[];
  const sustained: Record<SideName, AnyRun[]> = { connectorWebSocket: [], connectorHttp: [], rawAri: [] };
  for (let r = 0; r < ROUNDS; r++) {
    // Rotate the order each round so no side always runs first.
    for (let k = 0; k < sideNames.length; k++) {
      const side = sideNames[(k + r) % sideNames.length]!;
      sustained[side].push(await SIDES[side](RATE));
    }
    console.log('sustained', JSON.stringify(Object.fromEntries(sideNames.map((n) => [n, sustained[n].at(-1)]))));
  }
  // Ceiling: raise the target until a side no longer keeps it (each side stops at its first miss).
  const ramp: ({ rate: number } & Partial<Record<SideName, AnyRun>>)[] = [];
  const going = new Set(sideNames);
  for (const rate of RAMP) {
    if (!going.size) break;
    const step: (typeof ramp)[number] = { rate };
    for (const side of sideNames) {
      if (!going.has(side)) continue;
      const run = await SIDES[side](rate);
      step[side] = run;
      if (!kept(run)) going.delete(side);
    }
    ramp.push(step);
    console.log('ramp', JSON.stringify(step));
  }
  const summarise = (side: SideName) => {
    const runs = sustained[side];
    const rampRuns = ramp.flatMap((step) => (step[side] ? [step[side]] : []));
    const all = [...runs, ...rampRuns];
    const perSec = median(runs.map((r) => r.perSec));
    const keptSustained = perSec >= RATE * 0.98 && runs.every((r) => !lost(r));
    const keptRates = [...(keptSustained ? [RATE] : []), ...rampRuns.filter(kept).map((r) => r.rate)];
    return {
      perSec,
      bestPerSec: Math.max(...runs.map((r) => r.perSec)),
      lost: runs.reduce((n, r) => n + lost(r), 0),
      orphaned: runs.reduce((n, r) => n + ('orphaned' in r ? r.orphaned : 0), 0),
      originateP95Ms: round1(median(runs.map((r) => r.originateMs.p95))),
      ceiling: {
        highestKeptRate: keptRates.length ? Math.max(...keptRates) : null,
        bestPerSec: Math.max(...all.map((r) => r.perSec)),
      },
      cpuMsPerCall: {
        originator: round2(median(all.map((r) => r.originatorCpuMsPerCall))),
        asterisk: round2(median(all.map((r) => r.peerCpuMsPerCall.asterisk!))),
        kamailio: round2(median(all.map((r) => r.peerCpuMsPerCall.kamailio!))),
        sipp: round2(median(all.map((r) => r.peerCpuMsPerCall.sipp!))),
      },
      runs,
    };
  };
  const rawSample = sustained.rawAri[0] as RawRun | undefined;
  results.originate = {
    calls: CALLS,
    targetRate: RATE,
    rounds: ROUNDS,
    maxConcurrentRequests: INFLIGHT,
    ...Object.fromEntries(sideNames.map((n) => [n, summarise(n)])),
    eventsPerCall: rawSample?.eventsPerCall,
    eventBytesPerCall: rawSample?.eventBytesPerCall,
    ramp,
  };
  console.log('originate', JSON.stringify(results.originate));

  // ---- 2. Answer → abandon message ------------------------------------------------------------------------------
  const msgPhone = phone('message', 25083, SAMPLES * 2);
  peers.push(msgPhone);
  await sleep(300);
  const msgDelays: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const id = `msg${i}`;
    const done = new Promise<void>((resolve) => {
      let answeredAt = 0;
      reactions.set(id, (e) => {
        if (e.type === 'call:answered') {
          answeredAt = e.at;
          void telephony.playAbandonMessage(id).catch(() => {});
        } else if (e.type === 'call:message-started') {
          msgDelays.push(e.at - answeredAt);
          void telephony.hangup(id).catch(() => {});
        } else if (e.type === 'call:ended' || e.type === 'call:failed') resolve();
      });
    });
    await telephony.originate({ callId: id, to: numberFor(25083), ringTimeoutMs: 20_000 });
    await Promise.race([done, sleep(10_000)]);
  }
  // Baseline: bare ARI play on StasisStart, measured the same way (event receipt times).
  const raw2 = createAriClient({ ...ARI, app: 'outpace-baseline2' });
  const baseMsg: number[] = [];
  const started = new Map<string, number>();
  raw2.onEvent((event) => {
    const e = event as { type: string; channel?: { id: string }; playback?: { id: string } };
    if (e.type === 'StasisStart' && e.channel) {
      started.set(e.channel.id, performance.now());
      void raw2.play(e.channel.id, 'sound:custom/outpace-abandon', `${e.channel.id}.pb`);
    } else if (e.type === 'PlaybackStarted' && e.playback) {
      const channelId = e.playback.id.replace(/\.pb$/, '');
      baseMsg.push(performance.now() - (started.get(channelId) ?? Number.NaN));
      void raw2.hangup(channelId).catch(() => {});
    }
  });
  await raw2.connect();
  for (let i = 0; i < SAMPLES; i++) {
    await raw2.originate({
      endpoint: `PJSIP/${numberFor(25083).slice(1)}@carrier`,
      app: 'outpace-baseline2',
      appArgs: 'x',
      channelId: `base2-${i}`,
      timeout: 20,
    });
    for (let k = 0; k < 100 && baseMsg.length <= i; k++) await sleep(20);
    await sleep(50);
  }
  await raw2.close();
  results.answerToMessage = {
    samples: msgDelays.length,
    connectorP95Ms: round1(p95(msgDelays)),
    connectorMedianMs: round1(median(msgDelays)),
    baselineBareAriP95Ms: round1(p95(baseMsg)),
    baselineBareAriMedianMs: round1(median(baseMsg)),
  };
  console.log('answerToMessage', JSON.stringify(results.answerToMessage));

  // ---- 3. Answer → bridge ---------------------------------------------------------------------------------------
  const consumer = phone('consumer', 25084, SAMPLES);
  const agent = phone('agent', 25085, SAMPLES);
  peers.push(consumer, agent);
  await sleep(300);
  const bridgeDelays: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const id = `br${i}`;
    const done = new Promise<void>((resolve) => {
      let answeredAt = 0;
      reactions.set(id, (e) => {
        if (e.type === 'call:answered') {
          answeredAt = e.at;
          void telephony
            .bridge(id, { id: `agent${i}`, endpoint: `PJSIP/${numberFor(25085).slice(1)}@carrier` })
            .catch(() => {});
        } else if (e.type === 'call:bridged') {
          bridgeDelays.push(e.at - answeredAt);
          void telephony.hangup(id).catch(() => {});
        } else if (e.type === 'call:ended' || e.type === 'call:failed') resolve();
      });
    });
    await telephony.originate({ callId: id, to: numberFor(25084), ringTimeoutMs: 20_000 });
    await Promise.race([done, sleep(10_000)]);
  }
  results.answerToBridge = {
    samples: bridgeDelays.length,
    p95Ms: round1(p95(bridgeDelays)),
    medianMs: round1(median(bridgeDelays)),
  };
  console.log('answerToBridge', JSON.stringify(results.answerToBridge));
  await telephony.close();
  await telephonyWs.close();

  type Side = ReturnType<typeof summarise>;
  const o = results.originate as Record<SideName, Side> & {
    eventsPerCall?: number;
    eventBytesPerCall?: number;
    ramp: typeof ramp;
  };
  const m = results.answerToMessage as { connectorP95Ms: number; baselineBareAriP95Ms: number };
  const loads = sideNames.flatMap((n) => o[n].runs.flatMap((r) => r.load1m));
  const ratio = (a: number | null, b: number | null) => (a && b ? round2(a / b) : null);
  const ws = o.connectorWebSocket;
  const http = o.connectorHttp;
  const raw = o.rawAri;
  const summary = {
    originationsPerSec: ws.perSec,
    answerToMessageP95Ms: m.connectorP95Ms,
    answerToBridgeP95Ms: (results.answerToBridge as { p95Ms: number }).p95Ms,
    lostEvents: ws.lost,
    originationsPerSecByTransport: { websocket: ws.perSec, http: http.perSec, rawAriFetch: raw.perSec },
    originateCeilingPerSec: {
      connectorWebSocket: ws.ceiling.highestKeptRate,
      connectorHttp: http.ceiling.highestKeptRate,
      rawAri: raw.ceiling.highestKeptRate,
    },
    goals: {
      answerToMessageP95Under200Ms: m.connectorP95Ms < 200,
      sustained100PerSecNoLostEvent: ws.perSec >= 98 && RATE >= 100 && ws.lost === 0,
      sustained100PerSecNoLostEventHttpTransport: http.perSec >= 98 && RATE >= 100 && http.lost === 0,
    },
    ratios: {
      originateRateConnectorVsRawAri: ratio(ws.perSec, raw.perSec),
      originateRateConnectorHttpVsRawAri: ratio(http.perSec, raw.perSec),
      originateCeilingConnectorVsRawAri: ratio(ws.ceiling.bestPerSec, raw.ceiling.bestPerSec),
      originateCeilingConnectorHttpVsRawAri: ratio(http.ceiling.bestPerSec, raw.ceiling.bestPerSec),
      originatorCpuPerCallConnectorVsRawAri: ratio(ws.cpuMsPerCall.originator, raw.cpuMsPerCall.originator),
      originatorCpuPerCallConnectorHttpVsRawAri: ratio(http.cpuMsPerCall.originator, raw.cpuMsPerCall.originator),
      answerToMessageP95ConnectorVsBareAri: ratio(m.connectorP95Ms, m.baselineBareAriP95Ms),
    },
    details: results,
    environment: {
      date: new Date().toISOString(),
      node: process.version,
      cpus: cpus().length,
      loadAverage1m: round1(loadavg()[0]!),
      loadAverage1mDuringOriginateRuns: { min: round1(Math.min(...loads)), max: round1(Math.max(...loads)) },
      asterisk: '22 (Debian sid folder)',
      note: 'All peers on 127.0.0.1 on one shared 2-core machine: Asterisk, kamailio, SIPp and the connector compete for CPU with other work; figures are noisy.',
    },
  };
  writeFileSync(join(OUT, 'telephony.json'), `${JSON.stringify(summary, null, 2)}\n`);
  const total = (x: Side['cpuMsPerCall']) => round2(x.originator + x.asterisk + x.kamailio + x.sipp);
  const cell = (r: AnyRun | undefined) =>
    r
      ? `${r.perSec}/s, p95 ${r.originateMs.p95} ms, lost ${lost(r)}${kept(r) ? '' : ' (missed)'}, load ${r.load1m.join('→')}`
      : '(stopped)';
  const { min: loadMin, max: loadMax } = summary.environment.loadAverage1mDuringOriginateRuns;
  const goalText = summary.goals.sustained100PerSecNoLostEvent
    ? `**met** in this run by the connector with \`transport: 'websocket'\`: median ${ws.perSec}/s of ${RATE}/s asked for, no lost event. With the default HTTP transport: ${http.perSec}/s, lost ${http.lost} (${summary.goals.sustained100PerSecNoLostEventHttpTransport ? 'met' : 'NOT met'}).`
    : `**NOT met** in this run: the connector (\`transport: 'websocket'\`) kept a median ${ws.perSec}/s of the ${RATE}/s asked for (lost events: ${ws.lost}), over HTTP ${http.perSec}/s; the raw ARI script, with no code of ours, kept ${raw.perSec}/s beside them and reached at best ${raw.ceiling.bestPerSec}/s in the ramp: that is this machine's raw ceiling at this load.`;
  const sideTitle: Record<SideName, string> = {
    connectorWebSocket: "Connector, `transport: 'websocket'`",
    connectorHttp: 'Connector, HTTP (default)',
    rawAri: 'Raw ARI script (fetch)',
  };
  writeFileSync(
    join(OUT, 'telephony.md'),
    [
      '# Telephony benchmark (`npm run bench:telephony`)',
      '',
      `Asterisk connector against a real Asterisk 22, kamailio as carrier and SIPp phones, all on 127.0.0.1 (${summary.environment.date}, Node ${process.version}, ${cpus().length} cores shared with the peers and other work; 1-minute load average ${loadMin}–${loadMax} during the originate runs: noisy).`,
      '',
      `Three originators, rotated round by round so none always goes first: the connector with REST over the event WebSocket (\`transport: 'websocket'\`, Asterisk 20.14/21.9/22.4+), the connector with REST over HTTP (the default), and the baseline \`scripts/bench/telephony-raw-ari.ts\`: the least code that originates through ARI (plain \`fetch\` + \`ws\`, hang up on StasisStart, the same ${INFLIGHT} requests in flight) in its own process. Ratios are against the raw script.`,
      '',
      `Goal "100 originations/s sustained without a lost event": ${goalText}`,
      '',
      `| Measure | ${sideNames.map((n) => sideTitle[n]).join(' | ')} | Ratio WS / raw | Ratio HTTP / raw | Goal |`,
      '|---|---|---|---|---|---|---|',
      `| Originations per second (${CALLS} calls paced at ${RATE}/s; median of ${ROUNDS} runs) | ${ws.perSec} | ${http.perSec} | ${raw.perSec} | ${summary.ratios.originateRateConnectorVsRawAri} | ${summary.ratios.originateRateConnectorHttpVsRawAri} | ≥ 100/s sustained: ${summary.goals.sustained100PerSecNoLostEvent ? 'met' : 'NOT met'} |`,
      `| Lost events / calls (answered or ended missing), sustained runs | ${ws.lost} (${ws.orphaned} calls reported orphaned) | ${http.lost} (${http.orphaned} calls reported orphaned) | ${raw.lost} | | | 0 |`,
      `| Originate request p95, ms (median of the runs) | ${ws.originateP95Ms} | ${http.originateP95Ms} | ${raw.originateP95Ms} | | | |`,
      `| Ceiling: highest target kept (≥ 98% of it, nothing lost), of ${[RATE, ...RAMP].join(', ')}/s | ${ws.ceiling.highestKeptRate ?? '—'} | ${http.ceiling.highestKeptRate ?? '—'} | ${raw.ceiling.highestKeptRate ?? '—'} | | | |`,
      `| Ceiling: best rate reached | ${ws.ceiling.bestPerSec} | ${http.ceiling.bestPerSec} | ${raw.ceiling.bestPerSec} | ${summary.ratios.originateCeilingConnectorVsRawAri} | ${summary.ratios.originateCeilingConnectorHttpVsRawAri} | |`,
      `| Originating process CPU per call, ms (median of all runs) | ${ws.cpuMsPerCall.originator} | ${http.cpuMsPerCall.originator} | ${raw.cpuMsPerCall.originator} | ${summary.ratios.originatorCpuPerCallConnectorVsRawAri} | ${summary.ratios.originatorCpuPerCallConnectorHttpVsRawAri} | |`,
      '',
      '| Measure | Connector (HTTP) | ARI client alone | Ratio | Goal |',
      '|---|---|---|---|---|',
      `| Answer → abandon message started, p95 (${SAMPLES} calls) | ${m.connectorP95Ms} ms | ${m.baselineBareAriP95Ms} ms | ${summary.ratios.answerToMessageP95ConnectorVsBareAri} | < 200 ms: ${summary.goals.answerToMessageP95Under200Ms ? 'met' : 'NOT met'} |`,
      `| Answer → bridged to an agent phone, p95 (${SAMPLES} calls) | ${summary.answerToBridgeP95Ms} ms | | | (includes originating and answering the agent leg) |`,
      '',
      "These two are measured on the connector side from event receipt (answer = StasisStart received; message = PlaybackStarted received; bridge = the agent channel entered the bridge). The abandon guard fires on its own at 1.7 s; here the dialer asks for the message at answer, so the figure is the connector's and Asterisk's reaction time.",
      '',
      '## Where the time goes',
      '',
      'CPU milliseconds per call of every process on the path (median over all runs of each originator; from /proc, all threads):',
      '',
      `| Process | ${sideNames.map((n) => sideTitle[n]).join(' | ')} |`,
      '|---|---|---|---|',
      `| Originating Node process | ${sideNames.map((n) => o[n].cpuMsPerCall.originator).join(' | ')} |`,
      `| Asterisk | ${sideNames.map((n) => o[n].cpuMsPerCall.asterisk).join(' | ')} |`,
      `| kamailio (carrier) | ${sideNames.map((n) => o[n].cpuMsPerCall.kamailio).join(' | ')} |`,
      `| SIPp (phone) | ${sideNames.map((n) => o[n].cpuMsPerCall.sipp).join(' | ')} |`,
      `| All | ${sideNames.map((n) => total(o[n].cpuMsPerCall)).join(' | ')} |`,
      '',
      `At ${total(ws.cpuMsPerCall)} ms per call (WebSocket transport), 100 calls/s need ${round2(total(ws.cpuMsPerCall) / 10)} of a core and ${cpus().length} idle cores would carry about ${Math.round((cpus().length * 1000) / total(ws.cpuMsPerCall))} calls/s. The machine is shared (load average ${loadMin}–${loadMax} on ${cpus().length} cores), so these processes get a share of the CPU that changes from second to second. The originator is one Node thread competing with a dozen runnable threads: when it is starved, its pacing falls behind even though each request is answered in milliseconds; the less CPU it needs per call, the higher the rate it keeps. Asterisk sent ${o.eventsPerCall ?? '?'} events (${o.eventBytesPerCall ?? '?'} bytes of JSON) per call.`,
      '',
      '## Ramp (each originator stops at its first missed rate)',
      '',
      `| Target | ${sideNames.map((n) => sideTitle[n]).join(' | ')} |`,
      '|---|---|---|---|',
      ...o.ramp.map((step) => `| ${step.rate}/s | ${sideNames.map((n) => cell(step[n])).join(' | ')} |`),
      '',
    ].join('\n'),
  );
  console.log(JSON.stringify({ ...summary, details: undefined }, null, 2));
} finally {
  for (const p of peers) p.stop();
  for (const p of peers) await p.done;
  await asterisk.stop();
  carrier.stop();
  await carrier.done;
  await unmountAll();
  release();
}
