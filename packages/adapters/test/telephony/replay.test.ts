import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TelephonyEvent } from '@outpace/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAsteriskTelephony } from '../../src/asterisk/index.js';
import { createFakeAsterisk } from './harness/fake-ari.js';
import { FIXTURES } from './harness/paths.js';
import type { TranscriptLine } from './harness/recorder.js';

// Tier 0: transcripts recorded from the real Asterisk 22 (asterisk.test.ts with OUTPACE_RECORD_TRANSCRIPTS=1) are
// replayed into the connector with the recorded timing (fake timers). The connector must emit exactly the port
// events it emitted against the real server, and send the same REST calls. Always runs; needs no peer.

const transcripts = ['outcomes', 'bridge', 'amd', 'abandon-guard'];
const load = (name: string): TranscriptLine[] =>
  readFileSync(join(FIXTURES, 'transcripts', `${name}.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as TranscriptLine);

interface ApiOperation {
  path: string;
  method: string;
  parameters: { name: string; in: string; required: boolean; values?: string[] }[];
}
const api = JSON.parse(readFileSync(join(FIXTURES, 'ari-api.json'), 'utf8')) as { operations: ApiOperation[] };

/** The ARI operation a request path matches (`/channels/{channelId}/play/{playbackId}` and so on). */
function operationFor(method: string, path: string): ApiOperation | undefined {
  return api.operations.find((op) => {
    if (op.method !== method) return false;
    const pattern = new RegExp(`^${op.path.replace(/\{[^}]+\}/g, '[^/]+')}$`);
    return pattern.test(path);
  });
}

describe('replayed Asterisk transcripts', () => {
  beforeEach(() => {
    vi.useFakeTimers({
      now: Date.parse('2026-11-25T22:00:00Z'),
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'],
    });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each(transcripts)('%s: the connector emits what it emitted against the real Asterisk', async (name) => {
    const lines = load(name);
    const fake = createFakeAsterisk();
    const telephony = createAsteriskTelephony({
      url: 'http://127.0.0.1:28088',
      username: 'outpace',
      password: 'secret',
      abandonMedia: 'sound:custom/outpace-abandon',
      minRingTimeoutMs: 1000,
      fetch: fake.fetch,
      socket: fake.socket,
    });
    const emitted: Omit<TelephonyEvent, 'at'>[] = [];
    telephony.onEvent(({ at: _at, ...event }) => emitted.push(event));
    const connected = telephony.connect();
    await vi.advanceTimersByTimeAsync(0);
    await connected;
    const start = Date.now();
    const pending: Promise<unknown>[] = [];
    for (const line of lines) {
      const wait = start + line.t - Date.now();
      if (wait > 0) await vi.advanceTimersByTimeAsync(wait);
      if (line.kind === 'ari') fake.send(line.event);
      else if (line.kind === 'action') {
        const [first, second] = line.args as [never, never];
        const call =
          line.op === 'originate'
            ? telephony.originate(first)
            : line.op === 'bridge'
              ? telephony.bridge(first, second)
              : line.op === 'play'
                ? telephony.playAbandonMessage(first)
                : telephony.hangup(first);
        pending.push(call.catch((error: unknown) => error));
      }
      await vi.advanceTimersByTimeAsync(0);
    }
    await vi.advanceTimersByTimeAsync(100);
    const expected = lines.filter((l) => l.kind === 'port').map((l) => (l as { event: unknown }).event);
    expect(emitted).toEqual(expected);
    // The REST calls about these calls match the recorded ones, in order.
    const ids = new Set(expected.map((e) => (e as { callId: string }).callId));
    const ours = (path: string, channelId?: string) =>
      [...ids].some(
        (id) =>
          (path.split('/')[2] ?? '').startsWith(`outpace-${id}`) ||
          channelId === `outpace-${id}` ||
          channelId?.startsWith(`outpace-${id}.`),
      );
    const sent = fake.requests
      .filter((r) => ours(r.path, r.query.channelId))
      .map((r) => `${r.method} ${decodeURIComponent(r.path)}`);
    const recorded = lines
      .filter((l): l is Extract<TranscriptLine, { kind: 'rest' }> => l.kind === 'rest')
      .map((l) => `${l.method} ${decodeURIComponent(l.path)}`);
    expect(sent).toEqual(recorded);
    await telephony.close();
  });

  it.each(transcripts)('%s: every recorded REST call is valid against ARI api-docs %s', (name) => {
    for (const line of load(name)) {
      if (line.kind !== 'rest') continue;
      const op = operationFor(line.method, line.path);
      expect(op, `${line.method} ${line.path} is not an ARI operation`).toBeDefined();
      const query = op!.parameters.filter((p) => p.in === 'query');
      for (const key of Object.keys(line.query)) {
        expect(
          query.map((p) => p.name),
          `${line.method} ${op!.path}: unknown parameter "${key}"`,
        ).toContain(key);
        const values = query.find((p) => p.name === key)?.values;
        if (values) expect(values).toContain(line.query[key]);
      }
      for (const required of query.filter((p) => p.required)) {
        expect(Object.keys(line.query), `${op!.path} needs ${required.name}`).toContain(required.name);
      }
      expect(line.status, `${line.method} ${line.path}`).toBeLessThan(300);
    }
  });

  it('the transcripts cover every outcome the port maps', () => {
    const results = new Set(
      transcripts.flatMap((name) =>
        load(name)
          .filter((l) => l.kind === 'port')
          .map((l) => {
            const e = (l as { event: { type: string; result?: string; verdict?: string } }).event;
            return e.result ?? e.verdict ?? e.type;
          }),
      ),
    );
    for (const expected of [
      'Busy',
      'NoAnswer',
      'SitVacant',
      'SitNoCircuit',
      'human',
      'machine',
      'call:bridged',
      'call:message-started',
    ]) {
      expect(results).toContain(expected);
    }
  });
});
