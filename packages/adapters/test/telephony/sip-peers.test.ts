import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { carrierRejects, FIXTURES, numberFor } from './harness/paths.js';
import { have, type Peer, sleep, startCarrier, startPeer } from './harness/peers.js';
import { gateTier } from './harness/tier.js';

// Tier 1: the SIP behaviour the connectors rely on, between real SIP peers on 127.0.0.1: SIPp phones (Debian
// sip-tester) behind kamailio as a fake carrier. A SIPp UAC expects each outcome; SIPp exits 0 only when every call
// went as its scenario says, so every peer's exit code is checked. Ports: carrier 25165, phones 25170-25189
// (RTP 29000+), callers 25200+ (RTP 29500+), apart from the Asterisk tier's.

async function missing(): Promise<string | undefined> {
  for (const tool of ['sipp', 'kamailio']) if (!(await have(tool))) return `${tool} is not installed`;
  return undefined;
}

const reason = await missing();
const OPTS = ['-i', '127.0.0.1', '-trace_err', '-nostdin'];
const CARRIER = 25165;
let nextUacPort = 25200;
/** The tier's phones listen 100 ports above the Asterisk tier's. */
const P = (port: number) => port + 100;

function uas(name: string, scenario: string, port: number, extra: string[]): Peer {
  return startPeer(
    name,
    'sipp',
    [
      '-sf',
      join(FIXTURES, 'sipp', scenario),
      ...OPTS,
      '-timeout',
      '30s',
      '-p',
      String(port),
      '-mp',
      String(29000 + (port - 25170) * 10),
      ...extra,
    ],
    { seconds: 40, cwd: join(FIXTURES, 'audio') },
  );
}

/** A SIPp UAC calling `to` through the carrier with `scenario`; resolves with its exit code. */
async function uac(scenario: string, to: string, extra: string[] = []) {
  const port = nextUacPort++;
  const peer = startPeer(
    `uac-${scenario}`,
    'sipp',
    [
      `127.0.0.1:${CARRIER}`,
      '-sf',
      join(FIXTURES, 'sipp', scenario),
      '-s',
      to.replace(/^\+/, ''),
      ...OPTS,
      '-timeout',
      '20s',
      '-timeout_error',
      '-p',
      String(port),
      '-mp',
      String(29500 + (port - 25200) * 10),
      ...extra,
    ],
    { seconds: 30 },
  );
  return peer.done;
}

describe.runIf(gateTier('sip peers', reason))('SIP tier: SIPp phones behind kamailio as a fake carrier', () => {
  let carrier: Peer;

  beforeAll(async () => {
    carrier = startCarrier(CARRIER, 300);
    await sleep(800);
    expect(carrier.child.exitCode, carrier.output()).toBeNull();
  });

  afterAll(async () => {
    carrier?.stop();
    await carrier?.done;
  });

  it('plays each outcome to the caller: answer, 486, ring until CANCEL, 183 then 404/480/503/603', async () => {
    const phones = [
      uas('answer', 'uas-answer.xml', P(25070), ['-m', '1', '-d', '200']),
      uas('busy', 'uas-486.xml', P(25071), ['-m', '1']),
      uas('noanswer', 'uas-noanswer.xml', P(25072), ['-m', '1']),
      uas('183-404', 'uas-183-404.xml', P(25073), ['-m', '1', '-d', '200']),
      uas('183-480', 'uas-183-480.xml', P(25074), ['-m', '1', '-d', '200']),
      uas('183-503', 'uas-183-503.xml', P(25075), ['-m', '1', '-d', '200']),
      uas('183-603', 'uas-183-603.xml', P(25076), ['-m', '1', '-d', '200']),
    ];
    await sleep(300);
    const callers = await Promise.all([
      uac('uac-answer.xml', numberFor(P(25070)), ['-m', '1', '-d', '300']),
      uac('uac-expect-486.xml', numberFor(P(25071)), ['-m', '1']),
      uac('uac-cancel.xml', numberFor(P(25072)), ['-m', '1', '-d', '1500']),
      uac('uac-expect-404.xml', numberFor(P(25073)), ['-m', '1']),
      uac('uac-expect-480.xml', numberFor(P(25074)), ['-m', '1']),
      // A proxy turns a downstream 503 into 500 (RFC 3261 §16.7), so the caller sees 500 from kamailio.
      uac('uac-expect-500.xml', numberFor(P(25075)), ['-m', '1']),
      uac('uac-expect-603.xml', numberFor(P(25076)), ['-m', '1']),
    ]);
    expect(callers.map((c) => c.code)).toEqual([0, 0, 0, 0, 0, 0, 0]);
    for (const p of phones) expect({ phone: p.name, code: (await p.done).code }).toEqual({ phone: p.name, code: 0 });
  }, 40_000);

  it('the carrier itself rejects by number prefix (486, 404, 503, 603)', async () => {
    const results = await Promise.all(
      ([486, 404, 503, 603] as const).map((code) => uac(`uac-expect-${code}.xml`, carrierRejects(code), ['-m', '1'])),
    );
    expect(results.map((r) => r.code)).toEqual([0, 0, 0, 0]);
  }, 30_000);

  it('a scenario expecting the wrong outcome fails (the tier can fail)', async () => {
    const phone = uas('busy', 'uas-486.xml', P(25071), ['-m', '1']);
    await sleep(300);
    const caller = await uac('uac-expect-404.xml', numberFor(P(25071)), ['-m', '1']);
    expect(caller.code).not.toBe(0);
    expect((await phone.done).code).toBe(0);
  }, 30_000);

  it('carries 500 calls at 100 calls per second through the carrier with no failure', async () => {
    const phone = uas('load', 'uas-answer.xml', P(25081), ['-m', '500', '-d', '0', '-timeout', '40s']);
    await sleep(300);
    const started = Date.now();
    const caller = await uac('uac-answer.xml', numberFor(P(25081)), [
      '-m',
      '500',
      '-r',
      '100',
      '-l',
      '200',
      '-d',
      '100',
    ]);
    const elapsed = Date.now() - started;
    expect(caller.code, caller.output.slice(-2000)).toBe(0);
    expect(caller.output).toMatch(/Successful call\s+\|\s+\d+\s+\|\s+500/);
    expect((await phone.done).code).toBe(0);
    expect(elapsed).toBeLessThan(20_000); // 5 s at 100 cps; bounded so a stall fails
  }, 40_000);
});
