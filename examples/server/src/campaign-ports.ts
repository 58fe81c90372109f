import type { AgentEvent, AgentInfo, AgentsPort, Logger, TelephonyPort } from '@outpace/core';
import { OutpaceError } from '@outpace/core';
import type { TimerClock } from '@outpace/dialer';
import {
  type CallOutcomeModelInput,
  createSimulatedAgentsPort,
  createSimulatedTelephony,
  type SimulatedAgentsPort,
  type SimulatedTelephony,
} from '@outpace/dialer/sim';

/** The telephony and agents a tenant's campaign runtime dials through. */
export interface CampaignPorts {
  telephony: TelephonyPort;
  agents: AgentsPort;
  /** Releases both (called when the runtime stopped). */
  close(): Promise<void>;
}

/** What a {@link CampaignPortsFactory} is given for one tenant. */
export interface CampaignPortsContext {
  tenantId: string;
  /** The runtime's clock (timers included): share it, so simulated calls and the runtime agree on time. */
  clock: TimerClock;
  logger: Logger;
}

/**
 * Builds the telephony and agents of a tenant's campaign runtime. The server
 * uses {@link createSimulatedPortsFactory} unless `deps.telephony` is set:
 * the seam where Asterisk, Twilio or another adapter plugs in.
 */
export type CampaignPortsFactory = (context: CampaignPortsContext) => CampaignPorts | Promise<CampaignPorts>;

/** Options of {@link createSimulatedPortsFactory}. */
export interface SimulatedPortsOptions {
  /** Agents logged in per agent group, by agent group id; groups not named get `defaultAgents`. @default {} */
  agentsByGroup?: Readonly<Record<string, number>>;
  /** Agents of an agent group not in `agentsByGroup`. @default 5 */
  defaultAgents?: number;
  /** Seed of every simulated draw (mixed with the tenant id). @default 1 */
  seed?: number;
  /** How simulated calls end. @default a demo mix: 30% live, 15% machine, 40% no answer, 10% busy, 5% SIT */
  outcomes?: CallOutcomeModelInput;
  /** Agents' after-call work (ms). @default 8000 */
  wrapMs?: number;
}

/** The demo's call outcomes: short calls, so a demo campaign visibly progresses within minutes. */
export const DEMO_OUTCOMES: CallOutcomeModelInput = {
  mix: { live: 0.3, machine: 0.15, noAnswer: 0.4, busy: 0.1, sit: 0.05 },
  delays: { live: { type: 'lognormal', mean: 6000, cv: 0.5 }, noAnswer: { type: 'fixed', value: 20_000 } },
  ringTimeoutMs: 25_000,
  talk: { type: 'lognormal', mean: 30_000, cv: 0.6 },
};

/** Simulated agents over several agent groups: one simulated team per group, created when the runtime first lists it. */
export interface SimulatedAgentPool extends AgentsPort {
  /** The team of each agent group listed so far. */
  teams(): ReadonlyMap<string, SimulatedAgentsPort>;
}

function createSimulatedAgentPool(options: {
  clock: TimerClock;
  seed: string;
  telephony: SimulatedTelephony;
  agentsFor: (agentGroupId: string) => number;
  wrapMs: number;
}): SimulatedAgentPool {
  const teams = new Map<string, SimulatedAgentsPort>();
  const owners = new Map<string, SimulatedAgentsPort>();
  const listeners = new Set<(event: AgentEvent) => void>();
  const unsubscribes: (() => void)[] = [];
  let closed = false;
  const team = (agentGroupId: string): SimulatedAgentsPort => {
    let found = teams.get(agentGroupId);
    if (found === undefined) {
      found = createSimulatedAgentsPort({
        clock: options.clock,
        seed: `${options.seed}/${agentGroupId}`,
        telephony: options.telephony,
        agentGroupId,
        // Agent ids are unique across the tenant's teams (the runtime keys agents by id).
        idPrefix: `${agentGroupId}-agent-`,
        agents: { count: options.agentsFor(agentGroupId) },
        wrap: { type: 'fixed', value: options.wrapMs },
      });
      const created = found;
      unsubscribes.push(
        created.onEvent((event) => {
          owners.set(event.agentId, created);
          for (const listener of [...listeners]) listener(event);
        }),
      );
      for (const agent of created.agents()) owners.set(agent.id, created);
      teams.set(agentGroupId, created);
    }
    return found;
  };
  const ownerOf = (agentId: string) => {
    const owner = owners.get(agentId);
    if (owner === undefined) {
      throw new OutpaceError('DIALER_SIM_UNKNOWN_AGENT', `No simulated agent "${agentId}"; use an id from list().`);
    }
    return owner;
  };
  return {
    name: 'simulated-agents',
    async list(agentGroupId): Promise<AgentInfo[]> {
      if (closed) return [];
      const found = team(agentGroupId);
      for (const agent of found.agents()) owners.set(agent.id, found);
      return found.list(agentGroupId);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    // Async, so an unknown agent is a rejected promise as the port promises, never a throw.
    deliver: async (agentId, delivery) => ownerOf(agentId).deliver(agentId, delivery),
    offerPreview: async (agentId, offer) => ownerOf(agentId).offerPreview(agentId, offer),
    async close() {
      if (closed) return;
      closed = true;
      for (const unsubscribe of unsubscribes.splice(0)) unsubscribe();
      await Promise.all([...teams.values()].map((t) => t.close()));
      listeners.clear();
    },
    teams: () => teams,
  };
}

/**
 * The default campaign ports: simulated telephony (seeded per tenant) and
 * simulated agents, one team per agent group, on the runtime's clock, so a
 * campaign dials in simulation with no telephony configured.
 *
 * @example
 * const deps = { ...serverDeps, telephony: createSimulatedPortsFactory({ agentsByGroup: { sales: 10 } }) };
 */
export function createSimulatedPortsFactory(options: SimulatedPortsOptions = {}): CampaignPortsFactory {
  const byGroup = options.agentsByGroup ?? {};
  const defaultAgents = options.defaultAgents ?? 5;
  return ({ tenantId, clock }) => {
    const seed = `${options.seed ?? 1}/${tenantId}`;
    const telephony = createSimulatedTelephony({ clock, seed, outcomes: options.outcomes ?? DEMO_OUTCOMES });
    const agents = createSimulatedAgentPool({
      clock,
      seed,
      telephony,
      agentsFor: (agentGroupId) => byGroup[agentGroupId] ?? defaultAgents,
      wrapMs: options.wrapMs ?? 8000,
    });
    return {
      telephony,
      agents,
      async close() {
        await agents.close();
        await telephony.close();
      },
    };
  };
}

/**
 * Parses `OUTPACE_SIM_AGENTS`: a number (agents of every agent group) and
 * optional `group=count` pairs, comma-separated (`"5,sales=12,support=3"`).
 * Throws naming the bad part.
 */
export function parseSimAgents(value: string): { defaultAgents: number; agentsByGroup: Record<string, number> } {
  let defaultAgents = 5;
  const agentsByGroup: Record<string, number> = {};
  for (const raw of value.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    const pair = /^([^=\s]{1,128})=(\d{1,4})$/.exec(part);
    if (pair !== null) agentsByGroup[pair[1] as string] = Number(pair[2]);
    else if (/^\d{1,4}$/.test(part)) defaultAgents = Number(part);
    else
      throw new Error(
        `"${part}" is neither an agent count nor group=count; write e.g. "5" or "5,sales=12" (at most 9999 agents).`,
      );
  }
  return { defaultAgents, agentsByGroup };
}
