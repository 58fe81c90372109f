import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { TelephonyEvent, TelephonyPort } from '@outpace/core';
import type { AriClient, AriMessage } from '../../../src/asterisk/index.js';

/**
 * One line of a transcript recorded from the real Asterisk. `t` is ms since the recording started.
 * - `ari`: an event exactly as Asterisk sent it;
 * - `rest`: a REST call the connector made, with Asterisk's status;
 * - `action`: what the test (the dialer) asked of the connector;
 * - `port`: what the connector emitted (without `at`).
 */
export type TranscriptLine =
  | { t: number; kind: 'ari'; event: AriMessage }
  | { t: number; kind: 'rest'; method: string; path: string; query: Record<string, string>; status: number }
  | { t: number; kind: 'action'; op: 'originate' | 'bridge' | 'play' | 'hangup'; args: unknown[] }
  | { t: number; kind: 'port'; event: Omit<TelephonyEvent, 'at'> };

/** Records everything that passes between a real ARI client, the connector and the test. */
export function createRecorder() {
  const start = Date.now();
  const lines: TranscriptLine[] = [];
  const t = () => Date.now() - start;
  return {
    lines,
    /** Wraps `fetch` so every REST call and its status is recorded. */
    fetch: (async (input: string | URL | Request, init?: RequestInit) => {
      const url = new URL(String(input));
      const response = await fetch(input, init);
      lines.push({
        t: t(),
        kind: 'rest',
        method: init?.method ?? 'GET',
        path: url.pathname.replace(/^\/ari/, ''),
        query: Object.fromEntries(url.searchParams),
        status: response.status,
      });
      return response;
    }) as typeof fetch,
    /** Records ARI events before the connector sees them (call before the connector subscribes). */
    tap(client: AriClient): void {
      client.onEvent((event) => lines.push({ t: t(), kind: 'ari', event }));
    },
    /** Wraps the port so the test's requests and the port's events are recorded. */
    wrap<P extends TelephonyPort>(port: P): P {
      port.onEvent(({ at: _at, ...event }) =>
        lines.push({ t: t(), kind: 'port', event: event as TranscriptLine & never }),
      );
      const record = (op: 'originate' | 'bridge' | 'play' | 'hangup', args: unknown[]) =>
        lines.push({ t: t(), kind: 'action', op, args });
      const wrapped: TelephonyPort = {
        ...port,
        name: port.name,
        capabilities: port.capabilities,
        originate(request) {
          record('originate', [request]);
          return port.originate(request);
        },
        bridge(callId, agent) {
          record('bridge', [callId, agent]);
          return port.bridge(callId, agent);
        },
        playAbandonMessage(callId) {
          record('play', [callId]);
          return port.playAbandonMessage(callId);
        },
        hangup(callId) {
          record('hangup', [callId]);
          return port.hangup(callId);
        },
        onEvent: (listener) => port.onEvent(listener),
        close: () => port.close(),
      };
      return Object.assign(Object.create(port) as P, wrapped);
    },
    /** Lines that concern the given call ids (ARI lines by channel/playback id prefix). */
    slice(callIds: string[], prefix = 'outpace-'): TranscriptLine[] {
      const ids = new Set(callIds);
      const mine = (s: string | undefined) =>
        s !== undefined && [...ids].some((id) => s === `${prefix}${id}` || s.startsWith(`${prefix}${id}.`));
      return lines.filter((line) => {
        if (line.kind === 'port') return ids.has(line.event.callId);
        if (line.kind === 'action')
          return ids.has(
            String(
              line.args[0] && typeof line.args[0] === 'object'
                ? (line.args[0] as { callId: string }).callId
                : line.args[0],
            ),
          );
        if (line.kind === 'rest')
          return mine(decodeURIComponent(line.path.split('/')[2] ?? '')) || mine(line.query.channelId);
        const e = line.event as { channel?: { id: string }; peer?: { id: string }; playback?: { id: string } };
        return mine(e.channel?.id) || mine(e.peer?.id) || mine(e.playback?.id);
      });
    },
    write(path: string, selected: TranscriptLine[]): void {
      mkdirSync(dirname(path), { recursive: true });
      const t0 = selected[0]?.t ?? 0;
      writeFileSync(path, `${selected.map((l) => JSON.stringify({ ...l, t: l.t - t0 })).join('\n')}\n`);
    },
  };
}
