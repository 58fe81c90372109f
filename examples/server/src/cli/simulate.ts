import { createPacer, type PacingMode } from '@outpace/dialer';
import { type SimulationResult, simulate } from '@outpace/dialer/sim';

/** What `outpace simulate` runs: a campaign group of `agents` agents paced by `mode`. */
export interface SimulateRequest {
  mode: PacingMode;
  agents: number;
  hours: number;
  warmupMinutes: number;
  seed: number;
  /** Outcome shares of a dial (need not add up to 1; they are weights). */
  mix: { live: number; machine: number; noAnswer: number; busy: number };
  talkSeconds: number;
  wrapSeconds: number;
  targetAbandonRate: number;
  linesPerAgent: number;
}

/** The figures `outpace simulate` prints. */
export interface SimulateSummary {
  request: SimulateRequest;
  occupancy: number;
  abandonRate: number;
  dials: number;
  connected: number;
  abandoned: number;
  liveAnswers: number;
  dialsPerAgentHour: number;
  connectsPerAgentHour: number;
  agentWaitSeconds: number;
  peakChannels: number;
}

/**
 * Runs the dialer's seeded discrete-event simulator (`@outpace/dialer/sim`)
 * for one campaign group; the same request gives the same figures.
 */
export function runSimulation(request: SimulateRequest): SimulateSummary {
  const HOUR = 3_600_000;
  const warmupMs = request.warmupMinutes * 60_000;
  const result: SimulationResult = simulate({
    pacer: createPacer({
      mode: request.mode,
      targetAbandonRate: request.targetAbandonRate,
      linesPerAgent: request.linesPerAgent,
    }),
    seed: request.seed,
    durationMs: request.hours * HOUR + warmupMs,
    warmupMs,
    agents: { count: request.agents },
    outcomes: {
      mix: request.mix,
      talk: { type: 'lognormal', mean: request.talkSeconds * 1000, cv: 1 },
      wrap: { type: 'fixed', value: request.wrapSeconds * 1000 },
    },
  });
  return {
    request,
    occupancy: result.occupancy,
    abandonRate: result.abandonRate,
    dials: result.dials,
    connected: result.connected,
    abandoned: result.abandoned,
    liveAnswers: result.connected + result.abandoned,
    dialsPerAgentHour: result.dialsPerAgentHour,
    connectsPerAgentHour: result.connectsPerAgentHour,
    agentWaitSeconds: result.agentWaitMs / 1000,
    peakChannels: result.peakChannels,
  };
}

/** The summary as lines for a terminal. */
export function formatSimulation(s: SimulateSummary): string {
  const r = s.request;
  const n = (v: number) => v.toLocaleString('en-US');
  const pct = (v: number, digits = 1) => `${(v * 100).toFixed(digits)} %`;
  return [
    `Simulated ${r.hours} h of ${r.mode} dialing with ${r.agents} agents (seed ${r.seed}, after a ${r.warmupMinutes} min warm-up):`,
    `  occupancy        ${pct(s.occupancy)}`,
    `  abandonment      ${pct(s.abandonRate, 2)} (${n(s.abandoned)} of ${n(s.liveAnswers)} live answers; target ${pct(r.targetAbandonRate, 2)})`,
    `  calls            ${n(s.dials)} dialed, ${n(s.connected)} connected, ${n(s.abandoned)} abandoned`,
    `  per agent hour   ${s.dialsPerAgentHour.toFixed(1)} dials, ${s.connectsPerAgentHour.toFixed(1)} connects`,
    `  agent wait       ${s.agentWaitSeconds.toFixed(1)} s between calls; peak ${n(s.peakChannels)} calls up at once`,
    '',
  ].join('\n');
}
