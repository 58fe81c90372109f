/**
 * What a pacer sees of a campaign group at one instant: agent counts by state
 * and calls by stage. `now` is in milliseconds (epoch or simulated).
 */
export interface PacingSnapshot {
  /** Milliseconds; must not go backwards between calls. */
  now: number;
  /** Logged-in agents ready for a call. */
  agentsReady: number;
  /** Agents talking on a call. */
  agentsBusy: number;
  /** Agents in after-call work (wrap-up). */
  agentsWrapUp: number;
  /** Calls placed and not yet resolved (ringing, or answered and waiting for the AMD verdict). */
  callsDialing: number;
  /** Live answers waiting for an agent (the 2-second clock is running). */
  callsWaiting: number;
}

/** Why a placed call did not reach a live person. */
export type NotAnsweredResult = 'no-answer' | 'busy' | 'machine' | 'fax' | 'sit' | 'error';

/** Something that happened to a call or an agent; `at` is in milliseconds. */
export type PacingEvent =
  /** A call was placed. */
  | { type: 'dialed'; at: number }
  /** A call was answered by a live person (AMD verdict human, or AMD off). */
  | { type: 'answered'; at: number }
  /** A call ended without a live person. */
  | { type: 'not-answered'; at: number; result: NotAnsweredResult }
  /** A live answer was bridged to an agent after waiting `waitedMs`. */
  | { type: 'connected'; at: number; waitedMs: number }
  /** A live answer found no agent within the grace period and got the abandon message. */
  | { type: 'abandoned'; at: number; waitedMs: number }
  /** A connected call ended; the agent moves to wrap-up. */
  | { type: 'call-ended'; at: number; talkMs: number }
  /** An agent finished wrap-up. */
  | { type: 'wrap-ended'; at: number; wrapMs: number };

/**
 * A pacing strategy. The runtime reports every event through `observe` and asks
 * `callsToPlace` after every event and at least once a second.
 */
export interface Pacer {
  /** Feeds one event to the pacer's estimators. */
  observe(event: PacingEvent): void;
  /** How many new calls to place now: an integer ≥ 0. */
  callsToPlace(snapshot: PacingSnapshot): number;
}
