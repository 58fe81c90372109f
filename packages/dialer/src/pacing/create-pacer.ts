import { OutpaceError } from '@outpace/core';
import { createSeededRandom } from '../sim/random.js';
import { createCaps, powerCalls, progressiveCalls, staffedAgents } from './caps.js';
import { type PacerOptions, PacerOptionsSchema } from './options.js';
import { createPredictivePacer, type PredictivePacer } from './predictive.js';
import type { Pacer, PacingEvent, PacingSnapshot } from './types.js';

/**
 * Creates a pacer for one campaign group. Options are validated once, here.
 *
 * - `preview`: always 0 — agents dial themselves.
 * - `progressive`: calls for ready agents only, times `linesPerAgent`; no abandons by design.
 * - `power`: a fixed ratio `linesPerAgent` of lines to agents on a call or ready.
 * - `predictive`: adapts to the measured live-answer rate, ring and handle
 *   times to keep agents busy with abandonment under `targetAbandonRate`.
 *
 * Every mode returns an integer ≥ 0, never dials with no staffed agent, and
 * respects `maxLinesPerAgent`, `maxChannels` and `maxCallsPerSecond`.
 *
 * @example
 * const pacer = createPacer({ mode: 'predictive', targetAbandonRate: 0.03 });
 * pacer.observe({ type: 'wrap-ended', at: 1_000, wrapMs: 20_000 });
 * const calls = pacer.callsToPlace({
 *   now: 1_000, agentsReady: 3, agentsBusy: 10, agentsWrapUp: 2, callsDialing: 4, callsWaiting: 0,
 * });
 */
export function createPacer(options: PacerOptions): Pacer {
  const parsed = PacerOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.') || '(options)';
    throw new OutpaceError('DIALER_PACER_OPTIONS_INVALID', `Pacer option "${field}" is invalid: ${issue.message}`, {
      details: { issues: parsed.error.issues },
    });
  }
  const resolved = parsed.data;
  const caps = createCaps(resolved);
  switch (resolved.mode) {
    case 'preview':
      return { observe() {}, callsToPlace: () => 0 };
    case 'progressive':
      return simple(caps, (s) => progressiveCalls(s, resolved.linesPerAgent));
    case 'power':
      return simple(caps, (s) => powerCalls(s, resolved.linesPerAgent));
    case 'predictive':
      return createPredictivePacer(resolved, caps, resolved.random ?? createSeededRandom(0x5eed));
  }
}

/** True for pacers made in predictive mode; they expose their estimates through `state(now)`. */
export function isPredictivePacer(pacer: Pacer): pacer is PredictivePacer {
  return typeof (pacer as Partial<PredictivePacer>).state === 'function';
}

function simple(caps: ReturnType<typeof createCaps>, rule: (s: PacingSnapshot) => number): Pacer {
  return {
    observe(event: PacingEvent) {
      caps.observe(event);
    },
    callsToPlace(s: PacingSnapshot) {
      if (staffedAgents(s) === 0) return 0;
      return caps.apply(rule(s), s);
    },
  };
}
