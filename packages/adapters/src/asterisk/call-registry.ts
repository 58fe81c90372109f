import type { OriginateRequest } from '@outpace/core';

/** An originate request after validation and defaults. */
export type ParsedOriginate = OriginateRequest & { ringTimeoutMs: number; amd: boolean };

/** A bridge in progress: resolved when the agent's channel enters the bridge. */
export interface PendingBridge {
  agentId: string;
  bridgeId: string;
  agentChannelId: string;
  resolve(): void;
  reject(error: Error): void;
}

/** What the connector knows about one live call. */
export interface CallState {
  callId: string;
  channelId: string;
  request: ParsedOriginate;
  /** Asterisk accepted the originate (the channel exists or existed). */
  originated: boolean;
  phase: 'dialing' | 'answered' | 'amd' | 'bridging' | 'bridged' | 'message';
  ringing: boolean;
  answered: boolean;
  answeredAt?: number;
  lastDialStatus?: string;
  guard?: ReturnType<typeof setTimeout> | undefined;
  guardStartedAt?: number;
  messageRequested: boolean;
  /** The guard fired while the channel was in AMD(): play as soon as it is back in Stasis. */
  messagePending: boolean;
  messageStarted: boolean;
  bridge?: PendingBridge | undefined;
  bridged: boolean;
  hangupRequested: boolean;
  ended: boolean;
  /** Fires past the ring timeout to ask Asterisk about a call that never reported an answer or an end. */
  watchdog?: ReturnType<typeof setTimeout> | undefined;
}

/** Live calls by call id and by channel id (the consumer's and the agent's). */
export function createCallRegistry(prefix: string) {
  const byId = new Map<string, CallState>();
  const channels = new Map<string, { call: CallState; role: 'consumer' | 'agent' }>();
  return {
    add(request: ParsedOriginate): CallState {
      const call: CallState = {
        callId: request.callId,
        channelId: `${prefix}${request.callId}`,
        request,
        originated: false,
        phase: 'dialing',
        ringing: false,
        answered: false,
        messageRequested: false,
        messagePending: false,
        messageStarted: false,
        bridged: false,
        hangupRequested: false,
        ended: false,
      };
      byId.set(call.callId, call);
      channels.set(call.channelId, { call, role: 'consumer' });
      return call;
    },
    linkAgent(call: CallState, agentChannelId: string): void {
      channels.set(agentChannelId, { call, role: 'agent' });
    },
    unlinkChannel(channelId: string): void {
      channels.delete(channelId);
    },
    remove(call: CallState): void {
      byId.delete(call.callId);
      for (const [id, link] of channels) if (link.call === call) channels.delete(id);
    },
    get: (callId: string) => byId.get(callId),
    byChannel: (channelId: string) => channels.get(channelId),
    all: () => [...byId.values()],
    size: () => byId.size,
    /** The call id encoded in one of our channel ids (`<prefix><callId>[.agent]`), or undefined for foreign channels. */
    callIdOf(channelId: string): string | undefined {
      if (!channelId.startsWith(prefix)) return undefined;
      return channelId.slice(prefix.length).replace(/\.(agent|bridge|msg)$/, '');
    },
  };
}
