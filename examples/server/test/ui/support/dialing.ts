import type { ManualClock } from '@outpace/core';
import { realTimerClock } from '@outpace/dialer';
import { createSimulatedPortsFactory } from '../../../src/campaign-ports.js';
import { type CampaignManager, createCampaignManager } from '../../../src/campaign-runtime.js';
import { type ConsoleServer, startConsoleServer } from './server.js';

/** Options of {@link startDialingConsole}. */
export interface DialingConsoleOptions {
  /** The campaign manager's node id. */
  nodeId: string;
  /** Simulated agents per agent group. */
  agents: number;
  /** Seed of the simulated telephony. */
  seed: number;
  /** Server milliseconds per real millisecond. @default 1 */
  speed?: number;
  /** Lease time to live (long when the server clock runs faster than the timers). */
  leaseTtlMs?: number;
}

/**
 * A console server whose campaign manager dials on simulated telephony (half
 * the calls answered live after 1.5 s, 4 s of talk, 1 s of wrap-up), with its
 * manual clock moved on every 100 ms of real time (× `speed`) and the manager
 * started. `stopTicking()` stops the clock before the server is closed.
 */
export async function startDialingConsole(
  options: DialingConsoleOptions,
): Promise<{ server: ConsoleServer; manager: CampaignManager; stopTicking(): void }> {
  const server = await startConsoleServer({
    configure: (deps) => {
      deps.telephony = createSimulatedPortsFactory({
        defaultAgents: options.agents,
        seed: options.seed,
        outcomes: {
          mix: { live: 0.5, noAnswer: 0.3, busy: 0.2 },
          talk: { type: 'fixed', value: 4000 },
          delays: { live: { type: 'fixed', value: 1500 } },
        },
        wrapMs: 1000,
      });
      deps.campaigns = createCampaignManager(deps, {
        nodeId: options.nodeId,
        clock: realTimerClock(deps.clock),
        drainTimeoutMs: 1000,
        ...(options.leaseTtlMs === undefined ? {} : { leaseTtlMs: options.leaseTtlMs }),
      });
    },
  });
  const clock = server.clock as ManualClock;
  const speed = options.speed ?? 1;
  const ticker = setInterval(() => clock.advance(100 * speed), 100);
  const manager = server.deps.campaigns;
  if (manager === undefined) throw new Error('no campaign manager');
  await manager.start();
  return { server, manager, stopTicking: () => clearInterval(ticker) };
}
