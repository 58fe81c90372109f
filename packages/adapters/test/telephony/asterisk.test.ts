import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  type AriSocket,
  type AriSocketFactory,
  type AsteriskTelephony,
  createAriClient,
  createAsteriskTelephony,
} from '../../src/asterisk/index.js';
import {
  ARI,
  type AsteriskProcess,
  asteriskUnavailable,
  installConfig,
  startAsterisk,
  unmountAll,
} from './harness/asterisk.js';
import { collect } from './harness/events.js';
import { lockAsteriskTier } from './harness/lock.js';
import { carrierRejects, FIXTURES, numberFor, PORTS } from './harness/paths.js';
import { have, type Peer, run, sleep, startCarrier, startPeer } from './harness/peers.js';
import { createRecorder } from './harness/recorder.js';
import { gateTier } from './harness/tier.js';
import { analyse } from './harness/wav.js';

// Tier 2: a real Asterisk 22 (Debian sid folder, scripts/telephony/ci-setup.sh), kamailio as the carrier and SIPp /
// baresip as the consumers' and agents' phones, all on 127.0.0.1. Every peer runs under `timeout` with a call count.
// OUTPACE_RECORD_TRANSCRIPTS=1 rewrites the replay transcripts in fixtures/telephony/transcripts.

async function missing(): Promise<string | undefined> {
  for (const tool of ['sipp', 'kamailio', 'baresip', 'sox']) {
    if (!(await have(tool))) return `${tool} is not installed`;
  }
  return asteriskUnavailable();
}

const reason = await missing();
const RECORD = process.env.OUTPACE_RECORD_TRANSCRIPTS === '1';
const SIPP = ['-i', '127.0.0.1', '-timeout', '40s', '-trace_err', '-nostdin'];
const agentEndpoint = (port: number) => `PJSIP/${numberFor(port).slice(1)}@carrier`;

function phone(name: string, scenario: string, port: number, extra: string[] = []): Peer {
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
    { seconds: 50, cwd: join(FIXTURES, 'audio') },
  );
}

/** Waits for every phone and returns their exit codes by name. */
async function codes(peers: Peer[]): Promise<Record<string, number | null>> {
  const out: Record<string, number | null> = {};
  for (const p of peers) out[p.name] = (await p.done).code;
  return out;
}

/** A `ws` factory whose current socket the test can kill, and which can refuse to reconnect for a while. */
function controllableSocket() {
  let current: WebSocket | undefined;
  let refuseUntil = 0;
  const factory: AriSocketFactory = async (url, headers) => {
    if (Date.now() < refuseUntil) throw new Error('connection refused by the test');
    current = new WebSocket(url, { headers });
    return current as unknown as AriSocket;
  };
  return {
    factory,
    drop(refuseMs = 0) {
      refuseUntil = Date.now() + refuseMs;
      current?.terminate();
    },
  };
}

describe.runIf(gateTier('asterisk', reason))('Asterisk tier: the ARI connector against a real Asterisk 22', () => {
  let asterisk: AsteriskProcess;
  let carrier: Peer;
  let telephony: AsteriskTelephony;
  let events: ReturnType<typeof collect>;
  const recorder = createRecorder();
  const socket = controllableSocket();

  let release: () => void = () => {};

  beforeAll(async () => {
    // One suite at a time owns the tier's Asterisk and ports (vitest runs files in parallel).
    release = await lockAsteriskTier(600_000);
    installConfig();
    carrier = startCarrier(PORTS.carrier, 600);
    asterisk = await startAsterisk(600);
    const client = createAriClient({
      ...ARI,
      app: 'outpace',
      fetch: recorder.fetch,
      socket: socket.factory,
      reconnectDelayMs: 200,
      pingIntervalMs: 2000,
    });
    recorder.tap(client);
    telephony = recorder.wrap(
      createAsteriskTelephony({
        ...ARI,
        client,
        abandonMedia: 'sound:custom/outpace-abandon',
        minRingTimeoutMs: 1000,
      }),
    );
    events = collect(telephony);
  }, 690_000);

  afterAll(async () => {
    try {
      await telephony?.close();
      const code = await asterisk?.stop();
      carrier?.stop();
      await carrier?.done;
      await unmountAll();
      expect(code, 'Asterisk exit code after "core stop now"').toBe(0);
    } finally {
      release();
    }
  }, 60_000);

  function save(name: string, callIds: string[]) {
    if (RECORD) recorder.write(join(FIXTURES, 'transcripts', `${name}.jsonl`), recorder.slice(callIds));
  }

  it('reports a channel of ours that no call accounts for as orphaned, and hangs it up', async () => {
    const raw = createAriClient({ ...ARI, app: 'outpace-raw' });
    await raw.originate({
      endpoint: 'Local/s@outpace-test-park',
      context: 'outpace-test-park',
      extension: 's',
      priority: 1,
      channelId: 'outpace-stale1',
      otherChannelId: 'outpace-stale1.agent',
    });
    await telephony.connect();
    const orphan = await events.waitFor('stale1', 'call:orphaned', 5000);
    expect(orphan.detail).toMatch(/no call accounts for it; hung up/);
    await sleep(300);
    const left = (await raw.listChannels()).filter((c) => c.id.startsWith('outpace-stale1'));
    expect(left).toEqual([]);
    await raw.close();
  });

  it('maps every unanswered outcome by hangup cause, through kamailio to SIPp phones', async () => {
    const phones = [
      phone('busy', 'uas-486.xml', 25071, ['-m', '1']),
      phone('noanswer', 'uas-noanswer.xml', 25072, ['-m', '1']),
      phone('183-404', 'uas-183-404.xml', 25073, ['-m', '1', '-d', '300']),
      phone('183-480', 'uas-183-480.xml', 25074, ['-m', '1', '-d', '300']),
      phone('183-503', 'uas-183-503.xml', 25075, ['-m', '1', '-d', '300']),
      phone('183-603', 'uas-183-603.xml', 25076, ['-m', '1', '-d', '300']),
    ];
    await sleep(300);
    const cases = [
      { callId: 'busy', to: numberFor(25071), result: 'Busy', q850: 17, rang: false },
      { callId: 'noanswer', to: numberFor(25072), result: 'NoAnswer', q850: 19, rang: true },
      { callId: 'sit404', to: numberFor(25073), result: 'SitVacant', q850: 1, rang: true },
      { callId: 'early480', to: numberFor(25074), result: 'NoAnswer', q850: 19, rang: true },
      // kamailio relays the phone's 503 as 500 (RFC 3261 §16.7); Asterisk maps 500 to cause 38.
      { callId: 'early503', to: numberFor(25075), result: 'SitNoCircuit', q850: 38, rang: true },
      { callId: 'early603', to: numberFor(25076), result: 'Busy', q850: 21, rang: true },
      { callId: 'carrier486', to: carrierRejects(486), result: 'Busy', q850: 17, rang: false },
      { callId: 'carrier404', to: carrierRejects(404), result: 'SitVacant', q850: 1, rang: false },
    ] as const;
    for (const c of cases) {
      await telephony.originate({ callId: c.callId, to: c.to, callerId: '+15550199', ringTimeoutMs: 2000 });
    }
    for (const c of cases) {
      const failed = await events.waitFor(c.callId, 'call:failed', 10_000);
      expect({ callId: c.callId, result: failed.result, q850: failed.cause?.q850 }).toEqual({
        callId: c.callId,
        result: c.result,
        q850: c.q850,
      });
      expect(events.types(c.callId)).toEqual(c.rang ? ['call:ringing', 'call:failed'] : ['call:failed']);
    }
    // The 183 + 404 case is the one where the dial status (NOANSWER) would have lied.
    expect((await events.waitFor('sit404', 'call:failed')).cause?.vendor).toMatch(/dial NOANSWER/);
    expect(await codes(phones)).toEqual({
      busy: 0,
      noanswer: 0,
      '183-404': 0,
      '183-480': 0,
      '183-503': 0,
      '183-603': 0,
    });
    save(
      'outcomes',
      cases.map((c) => c.callId),
    );
  }, 40_000);

  it('bridges an answered consumer to an agent phone and ends both legs', async () => {
    const phones = [
      phone('consumer', 'uas-answer.xml', 25070, ['-m', '1', '-d', '300']),
      phone('agent', 'uas-answer.xml', 25079, ['-m', '1', '-d', '100']),
    ];
    await sleep(300);
    await telephony.originate({ callId: 'bridged', to: numberFor(25070), callerId: '+15550199', ringTimeoutMs: 5000 });
    const answered = await events.waitFor('bridged', 'call:answered');
    await telephony.bridge('bridged', { id: 'agent-7', endpoint: agentEndpoint(25079) });
    const bridged = await events.waitFor('bridged', 'call:bridged');
    expect(bridged.agentId).toBe('agent-7');
    expect(bridged.at - answered.at).toBeLessThan(1700); // inside the guard: no abandon message
    await sleep(1800); // past the guard: a bridged call must not get the message
    await telephony.hangup('bridged');
    const ended = await events.waitFor('bridged', 'call:ended');
    expect(ended.cause?.q850).toBe(16);
    expect(events.types('bridged')).toEqual(['call:ringing', 'call:answered', 'call:bridged', 'call:ended']);
    expect(await codes(phones)).toEqual({ consumer: 0, agent: 0 });
    save('bridge', ['bridged']);
  }, 30_000);

  it('carries a bridged call with REST over the event WebSocket (transport "websocket"), no HTTP request', async () => {
    const phones = [
      phone('consumer', 'uas-answer.xml', 25070, ['-m', '1', '-d', '300']),
      phone('agent', 'uas-answer.xml', 25079, ['-m', '1', '-d', '100']),
    ];
    let httpRequests = 0;
    const overSocket = createAsteriskTelephony({
      ...ARI,
      app: 'outpace-ws',
      idPrefix: 'wsrest-',
      transport: 'websocket',
      abandonMedia: 'sound:custom/outpace-abandon',
      minRingTimeoutMs: 1000,
      fetch: (input, init) => {
        httpRequests++;
        return fetch(input, init);
      },
    });
    const seen = collect(overSocket);
    try {
      await sleep(300);
      await overSocket.originate({ callId: 'ws1', to: numberFor(25070), ringTimeoutMs: 5000 });
      await seen.waitFor('ws1', 'call:answered');
      await overSocket.bridge('ws1', { id: 'agent-ws', endpoint: agentEndpoint(25079) });
      await overSocket.hangup('ws1');
      expect((await seen.waitFor('ws1', 'call:ended')).cause?.q850).toBe(16);
      expect(seen.types('ws1')).toEqual(['call:ringing', 'call:answered', 'call:bridged', 'call:ended']);
      expect(httpRequests).toBe(0);
      expect(await codes(phones)).toEqual({ consumer: 0, agent: 0 });
    } finally {
      await overSocket.close();
    }
  }, 30_000);

  it('runs AMD through the outpace-amd context: HUMAN and MACHINE on recorded greetings', async () => {
    const phones = [
      phone('human', 'uas-human.xml', 25077, ['-m', '1', '-d', '200']),
      phone('machine', 'uas-machine.xml', 25078, ['-m', '1', '-d', '200']),
    ];
    await sleep(300);
    await telephony.originate({ callId: 'amd-human', to: numberFor(25077), ringTimeoutMs: 5000, amd: true });
    await telephony.originate({ callId: 'amd-machine', to: numberFor(25078), ringTimeoutMs: 5000, amd: true });
    const human = await events.waitFor('amd-human', 'call:amd');
    const machine = await events.waitFor('amd-machine', 'call:amd');
    expect(human.verdict).toBe('human');
    expect(machine.verdict).toBe('machine');
    // Both verdicts arrive before the guard (1.7 s after answer), as the options check promises.
    for (const id of ['amd-human', 'amd-machine']) {
      const a = await events.waitFor(id, 'call:answered');
      const v = await events.waitFor(id, 'call:amd');
      expect(v.at - a.at).toBeLessThan(1700);
    }
    // The human is bridged to an agent after the verdict; the machine is hung up (no message owed).
    const agent = phone('agent', 'uas-answer.xml', 25079, ['-m', '1', '-d', '50']);
    await sleep(100);
    await telephony.hangup('amd-machine');
    await telephony.bridge('amd-human', { id: 'agent-8', endpoint: agentEndpoint(25079) }).catch(() => {});
    await events.waitFor('amd-human', ['call:bridged', 'call:message-started']);
    await sleep(500);
    await telephony.hangup('amd-human');
    await events.waitFor('amd-human', 'call:ended');
    await events.waitFor('amd-machine', 'call:ended');
    expect(events.types('amd-machine')).toEqual(['call:ringing', 'call:answered', 'call:amd', 'call:ended']);
    expect(await codes([...phones, agent])).toEqual({ human: 0, machine: 0, agent: 0 });
    save('amd', ['amd-human', 'amd-machine']);
  }, 40_000);

  it('plays the abandon message before 2.0 s when no agent is free, and the consumer hears it (baresip)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'outpace-baresip-'));
    try {
      mkdirSync(join(dir, 'rec'));
      await run('sox', ['-n', '-r', '8000', '-c', '1', '-b', '16', join(dir, 'silence.wav'), 'trim', '0', '30'], 10);
      writeFileSync(
        join(dir, 'config'),
        [
          'sip_listen 127.0.0.1:25090',
          'net_interface 127.0.0.1',
          `audio_source aufile,${join(dir, 'silence.wav')}`,
          'module_path /usr/lib/baresip/modules',
          'module g711.so',
          'module aufile.so',
          'module sndfile.so',
          'module_app account.so',
          'module_app menu.so',
          `snd_path ${join(dir, 'rec')}`,
          '',
        ].join('\n'),
      );
      writeFileSync(
        join(dir, 'accounts'),
        `<sip:${numberFor(25090).slice(1)}@127.0.0.1:25090>;regint=0;answermode=auto\n`,
      );
      const baresip = startPeer('baresip', 'baresip', ['-f', dir, '-t', '20'], { seconds: 30 });
      await sleep(1000);
      await telephony.originate({
        callId: 'abandoned',
        to: numberFor(25090),
        callerId: '+15550199',
        ringTimeoutMs: 5000,
      });
      const answered = await events.waitFor('abandoned', 'call:answered');
      // No agent is free and the dialer does nothing: the connector's guard must play the message.
      const started = await events.waitFor('abandoned', 'call:message-started', 5000);
      expect(started.at - answered.at).toBeGreaterThanOrEqual(1600);
      expect(started.at - answered.at).toBeLessThan(2000);
      await events.waitFor('abandoned', 'call:ended', 20_000); // hung up after the message
      expect(events.types('abandoned')).toEqual([
        'call:ringing',
        'call:answered',
        'call:message-started',
        'call:ended',
      ]);
      baresip.stop();
      await baresip.done;
      const decoded = readdirSync(join(dir, 'rec')).filter((f) => f.endsWith('-dec.wav'));
      expect(decoded.length, `baresip recordings: ${readdirSync(join(dir, 'rec')).join(', ')}`).toBe(1);
      const heard = analyse(join(dir, 'rec', decoded[0]!));
      // baresip's decoder records from the first RTP packet it receives, and Asterisk sends none before the
      // message: so the recording is the message itself (8.8 s of speech with pauses), sounding from its start.
      const message = analyse(join(FIXTURES, 'audio', 'outpace-abandon.wav'));
      expect(heard.firstSoundMs).toBeDefined();
      expect(heard.firstSoundMs!).toBeLessThan(300);
      expect(Math.abs(heard.durationMs - message.durationMs)).toBeLessThan(600);
      expect(heard.voicedMs).toBeGreaterThan(message.voicedMs * 0.8);
      expect(heard.lastSoundMs - heard.firstSoundMs!).toBeGreaterThan(7000);
      expect(heard.peak).toBeGreaterThan(2000);
      save('abandon-guard', ['abandoned']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 40_000);

  it('keeps track of calls across a dropped event stream', async () => {
    // "early" answers while the stream is down: Asterisk hangs up a channel that enters an application with no
    // stream, so the connector can only report it. "late" answers after the reconnect and is served normally.
    const phones = [
      phone('early', 'uas-answer.xml', 25070, ['-m', '1', '-d', '600']),
      phone('late', 'uas-answer.xml', 25080, ['-m', '1', '-d', '3500']),
    ];
    await sleep(300);
    await telephony.originate({ callId: 'drop-early', to: numberFor(25070), ringTimeoutMs: 8000 });
    await telephony.originate({ callId: 'drop-late', to: numberFor(25080), ringTimeoutMs: 8000 });
    await events.waitFor('drop-early', 'call:ringing');
    await events.waitFor('drop-late', 'call:ringing');
    socket.drop(1500); // reconnects are refused for 1.5 s
    const early = await events.waitFor('drop-early', ['call:orphaned', 'call:answered'], 8000);
    expect(early.type).toBe('call:orphaned');
    expect(early.type === 'call:orphaned' && early.detail).toMatch(/vanished while the ARI event stream was down/);
    const answered = await events.waitFor('drop-late', 'call:answered', 8000);
    const started = await events.waitFor('drop-late', 'call:message-started', 8000);
    expect(started.at - answered.at).toBeLessThan(2000);
    await telephony.hangup('drop-late');
    await events.waitFor('drop-late', 'call:ended');
    expect(events.types('drop-early')).toEqual(['call:ringing', 'call:orphaned']);
    expect(events.types('drop-late')).toEqual(['call:ringing', 'call:answered', 'call:message-started', 'call:ended']);
    expect(telephony.liveCalls()).toEqual([]);
    // How SIPp's "early" phone sees Asterisk hang up a channel it just answered depends on timing (the BYE can
    // cross the phone's 200 OK retransmissions), so it may count that call as failed (exit 1). Only the connector's
    // account of the call is under test here; the "late" phone, served normally, must end cleanly.
    const exits = await codes(phones);
    expect([0, 1]).toContain(exits.early);
    expect(exits.late).toBe(0);
  }, 30_000);

  it('reports live calls after Asterisk restarts and keeps working', async () => {
    const ringing = phone('ringing', 'uas-noanswer.xml', 25072, ['-m', '1']);
    await sleep(300);
    await telephony.originate({ callId: 'restart', to: numberFor(25072), ringTimeoutMs: 30_000 });
    await events.waitFor('restart', 'call:ringing');
    const stopped = await asterisk.stop();
    expect(stopped).toBe(0);
    asterisk = await startAsterisk(600);
    // The call is accounted for: either its hangup arrived before the stream closed, or reconciliation reports it.
    const terminal = await events.waitFor('restart', ['call:failed', 'call:orphaned', 'call:ended'], 15_000);
    expect(['call:failed', 'call:orphaned']).toContain(terminal.type);
    expect(telephony.liveCalls()).not.toContain('restart');
    // After the restart the connector reconnects and places calls again.
    await telephony.originate({ callId: 'after-restart', to: carrierRejects(486), ringTimeoutMs: 5000 });
    const failed = await events.waitFor('after-restart', 'call:failed', 10_000);
    expect(failed.result).toBe('Busy');
    expect((await ringing.done).code).toBe(0); // Asterisk cancelled the ringing call on its way down
  }, 60_000);
});
