import type { AgentInfo, AgentState } from '@outpace/core';

/** The runtime's view of one agent. */
export interface MirroredAgent {
  id: string;
  endpoint: string;
  state: AgentState;
  /** When the agent entered `state` (ms). */
  since: number;
  /** A call or preview offer the runtime has given the agent and the port has not reported on yet. */
  reservedFor: string | undefined;
  /** Agent groups the agent was listed in. */
  groups: Set<string>;
}

/**
 * Agent states as the agents port reports them, plus the runtime's own
 * reservations, so one agent is never given two calls.
 */
export class AgentMirror {
  readonly #agents = new Map<string, MirroredAgent>();

  /** Merges an agent group's listing. */
  merge(agentGroupId: string, agents: readonly AgentInfo[], now: number): void {
    for (const info of agents) {
      let agent = this.#agents.get(info.id);
      if (agent === undefined) {
        agent = { ...info, since: now, reservedFor: undefined, groups: new Set() };
        this.#agents.set(info.id, agent);
      } else if (agent.state !== info.state) {
        agent.state = info.state;
        agent.since = now;
      }
      agent.endpoint = info.endpoint;
      agent.groups.add(agentGroupId);
    }
  }

  get(id: string): MirroredAgent | undefined {
    return this.#agents.get(id);
  }

  /** Applies a state change; resolves to the previous state and how long the agent was in it. */
  apply(agentId: string, state: AgentState, at: number): { previous: AgentState; since: number } | undefined {
    const agent = this.#agents.get(agentId);
    if (agent === undefined) return undefined;
    const previous = { previous: agent.state, since: agent.since };
    agent.state = state;
    agent.since = at;
    // The port has reported on the agent: a reservation has served its purpose unless the agent is still ready.
    if (state !== 'ready') agent.reservedFor = undefined;
    return previous;
  }

  /** Agents of the group, in no particular order. */
  *of(agentGroupId: string): Iterable<MirroredAgent> {
    for (const agent of this.#agents.values()) if (agent.groups.has(agentGroupId)) yield agent;
  }

  /** Ready, unreserved agents of the group, longest idle first. */
  ready(agentGroupId: string): MirroredAgent[] {
    const out: MirroredAgent[] = [];
    for (const agent of this.of(agentGroupId)) {
      if (agent.state === 'ready' && agent.reservedFor === undefined) out.push(agent);
    }
    return out.sort((a, b) => a.since - b.since || (a.id < b.id ? -1 : 1));
  }

  reserve(agentId: string, forId: string): void {
    const agent = this.#agents.get(agentId);
    if (agent !== undefined) agent.reservedFor = forId;
  }

  /** Drops a reservation made for `forId` (the call failed, the offer was rejected). */
  unreserve(agentId: string, forId: string): void {
    const agent = this.#agents.get(agentId);
    if (agent !== undefined && agent.reservedFor === forId) agent.reservedFor = undefined;
  }

  counts(agentGroupId: string): {
    loggedIn: number;
    ready: number;
    talk: number;
    wrap: number;
    paused: number;
    reserved: number;
  } {
    const c = { loggedIn: 0, ready: 0, talk: 0, wrap: 0, paused: 0, reserved: 0 };
    for (const agent of this.of(agentGroupId)) {
      if (agent.state === 'logged-out') continue;
      c.loggedIn++;
      if (agent.state === 'ready' && agent.reservedFor !== undefined) c.reserved++;
      else c[agent.state]++;
    }
    return c;
  }
}

/**
 * Picks general candidates across lists by smooth weighted round robin
 * (nginx's): each pick adds every list's weight to its credit, takes the list
 * with the most credit and charges it the total. Lists of weight 0 are never
 * picked. Credit lives in `credit` across rounds and is charged only for the
 * picks actually taken, so the proportions hold however few records a round uses.
 */
export function* weightedPicks<T>(
  perList: ReadonlyMap<string, readonly T[]>,
  weights: ReadonlyMap<string, number>,
  credit: Map<string, number>,
): Generator<T, void, undefined> {
  const queues = new Map<string, T[]>();
  for (const [listId, items] of perList) {
    if ((weights.get(listId) ?? 0) > 0 && items.length > 0) queues.set(listId, [...items]);
  }
  while (queues.size > 0) {
    let total = 0;
    let best: string | undefined;
    let bestCredit = Number.NEGATIVE_INFINITY;
    for (const listId of queues.keys()) {
      const weight = weights.get(listId) ?? 0;
      total += weight;
      const c = (credit.get(listId) ?? 0) + weight;
      if (c > bestCredit) {
        bestCredit = c;
        best = listId;
      }
    }
    for (const listId of queues.keys()) credit.set(listId, (credit.get(listId) ?? 0) + (weights.get(listId) ?? 0));
    credit.set(best as string, bestCredit - total);
    const queue = queues.get(best as string) as T[];
    yield queue.shift() as T;
    if (queue.length === 0) queues.delete(best as string);
  }
}

/** The first `limit` picks of {@link weightedPicks}. */
export function interleaveByWeight<T>(
  perList: ReadonlyMap<string, readonly T[]>,
  weights: ReadonlyMap<string, number>,
  credit: Map<string, number>,
  limit: number,
): T[] {
  const out: T[] = [];
  if (limit <= 0) return out;
  for (const item of weightedPicks(perList, weights, credit)) {
    out.push(item);
    if (out.length >= limit) break;
  }
  return out;
}
