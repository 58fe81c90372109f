import type { ResolvedPacerOptions } from './options.js';
import type { PacingEvent, PacingSnapshot } from './types.js';

/** Staffed agents: logged in and not paused. */
export function staffedAgents(s: PacingSnapshot): number {
  return s.agentsReady + s.agentsBusy + s.agentsWrapUp;
}

/** Applies the lines-per-agent, channel and calls-per-second caps shared by every mode. */
export function createCaps(options: ResolvedPacerOptions) {
  const cps = options.maxCallsPerSecond;
  const recent: number[] = [];
  let head = 0;
  return {
    observe(event: PacingEvent) {
      if (cps !== undefined && event.type === 'dialed') {
        recent.push(event.at);
        if (head > 256 && head * 2 > recent.length) {
          recent.splice(0, head);
          head = 0;
        }
      }
    },
    /** Clamps a wanted number of calls to the caps; never below 0. */
    apply(wanted: number, s: PacingSnapshot): number {
      if (!(wanted > 0)) return 0;
      const staffed = staffedAgents(s);
      if (staffed === 0) return 0;
      let n = Math.floor(wanted);
      n = Math.min(n, Math.floor(options.maxLinesPerAgent * staffed + 1e-9) - s.callsDialing - s.callsWaiting);
      if (options.maxChannels !== undefined) {
        n = Math.min(n, options.maxChannels - s.callsDialing - s.callsWaiting - s.agentsBusy);
      }
      if (cps !== undefined) {
        while (head < recent.length && recent[head]! <= s.now - 1000) head++;
        n = Math.min(n, Math.floor(cps + 1e-9) - (recent.length - head));
      }
      return Math.max(0, n);
    },
  };
}
export type Caps = ReturnType<typeof createCaps>;

/**
 * Progressive: calls for ready agents only, never more lines than the
 * multiplier allows. The product's formula, `floor(m × (ready − queued − ⌈dialing/m⌉))`.
 */
export function progressiveCalls(s: PacingSnapshot, linesPerAgent: number): number {
  const m = linesPerAgent;
  return Math.floor(m * (s.agentsReady - s.callsWaiting - Math.ceil(s.callsDialing / m - 1e-9)) + 1e-9);
}

/**
 * Power: a fixed ratio of lines to agents on a call or ready, counting calls
 * already up (VICIdial's RATIO): `round(r × (ready + talking)) − (dialing + waiting + talking)`.
 */
export function powerCalls(s: PacingSnapshot, ratio: number): number {
  return Math.round(ratio * (s.agentsReady + s.agentsBusy)) - (s.callsDialing + s.callsWaiting + s.agentsBusy);
}
