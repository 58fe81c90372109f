import type { OriginateRequest, TelephonyEvent, TelephonyPort } from '@outpace/core';
import { OutpaceError } from '@outpace/core';
import { createAriClient } from './ari-client.js';
import type { AriChannel, AriMessage } from './ari-types.js';
import { type CallState, createCallRegistry } from './call-registry.js';
import { amdVerdictFromAsterisk, callResultFromQ850, isLivePerson } from './cause-map.js';
import { type AsteriskTelephonyOptions, amdArgs, resolveAsteriskOptions } from './options.js';
import { createRequestParsers } from './requests.js';

/** The Asterisk connector: the telephony port plus connection control. */
export interface AsteriskTelephony extends TelephonyPort {
  /** Connects the event stream now (otherwise the first originate does) and reconciles leftover channels. */
  connect(): Promise<void>;
  /** Calls the connector is tracking (placed, not yet ended). */
  liveCalls(): readonly string[];
}

/**
 * Creates the telephony port over Asterisk's REST Interface (ARI). Every call is originated into the connector's
 * Stasis application; answered calls with AMD detour through the `outpace-amd` dialplan context and come back with
 * the verdict. The connector enforces the abandon guard itself: an answered, unbridged live call gets the abandon
 * message `abandonGuardMs` after answer (or after the AMD verdict, see `guardStart`).
 *
 * @example
 * const telephony = createAsteriskTelephony({
 *   url: 'http://127.0.0.1:8088', username: 'outpace', password: process.env.ARI_PASSWORD!,
 *   endpoint: 'PJSIP/{digits}@carrier', abandonMedia: 'sound:custom/outpace-abandon',
 * });
 * telephony.onEvent((event) => console.log(event.type, event.callId));
 * await telephony.originate({ callId: 'call-1', to: '+15550100', callerId: '+15550199', amd: true });
 */
export function createAsteriskTelephony(options: AsteriskTelephonyOptions): AsteriskTelephony {
  const o = resolveAsteriskOptions(options);
  const { clock, logger } = o;
  const ari =
    o.client ??
    createAriClient({
      url: o.url,
      username: o.username,
      password: o.password,
      app: o.app,
      requestTimeoutMs: o.requestTimeoutMs,
      reconnectDelayMs: o.reconnectDelayMs,
      maxReconnectDelayMs: o.maxReconnectDelayMs,
      pingIntervalMs: o.pingIntervalMs,
      maxConcurrentRequests: o.maxConcurrentRequests,
      transport: o.transport,
      clock,
      logger,
      ...(o.fetch ? { fetch: o.fetch } : {}),
      ...(o.socket ? { socket: o.socket } : {}),
    });
  const listeners = new Set<(event: TelephonyEvent) => void>();
  const calls = createCallRegistry(o.idPrefix);
  const parse = createRequestParsers(o.minRingTimeoutMs, o.defaultRingTimeoutMs);
  let closed = false;
  let connecting: Promise<void> | undefined;

  function emit(event: TelephonyEvent): void {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        logger.error('telephony listener threw', { type: event.type, error: String(error) });
      }
    }
  }

  const endpointFor = (to: string): string =>
    typeof o.endpoint === 'function'
      ? o.endpoint(to)
      : o.endpoint.replaceAll('{to}', to).replaceAll('{digits}', to.replace(/^\+/, ''));

  // ---- the abandon guard ----------------------------------------------------------------------------------------
  function armGuard(call: CallState, reason: string): void {
    if (call.guard || call.bridged || call.messageRequested || call.ended) return;
    call.guardStartedAt = clock.now();
    call.guard = setTimeout(() => {
      call.guard = undefined;
      if (call.bridged || call.messageRequested || call.ended) return;
      logger.warn('abandon guard fired: playing the abandon message', { callId: call.callId, reason });
      void startMessage(call, 'guard');
    }, o.abandonGuardMs);
  }

  // A call Asterisk accepted but never reported would stay live forever (seen over HTTP under load: a 2xx originate,
  // then no event at all and no channel). Past its ring timeout, an unanswered call is checked with Asterisk.
  function watch(call: CallState): void {
    call.watchdog = setTimeout(() => {
      call.watchdog = undefined;
      if (call.ended || call.answered || closed) return;
      void ari.getChannel(call.channelId).catch((error: unknown) => {
        if ((error as OutpaceError).details?.status !== 404 || call.ended || call.answered) return;
        vanished(call, 'vanished without any event after Asterisk accepted its originate');
      });
    }, call.request.ringTimeoutMs + o.requestTimeoutMs);
  }

  /** Ends a call whose channel is gone with no final cause seen, reporting it as orphaned. */
  function vanished(call: CallState, why: string): void {
    call.ended = true;
    disarmGuard(call);
    if (call.watchdog) clearTimeout(call.watchdog);
    if (call.bridge && !call.bridged) failBridge(call, 'the call vanished while the event stream was down');
    calls.remove(call);
    emit({
      type: 'call:orphaned',
      callId: call.callId,
      at: clock.now(),
      detail: `channel ${call.channelId} ${why}; its final cause is unknown`,
    });
  }

  function disarmGuard(call: CallState): void {
    if (call.guard) clearTimeout(call.guard);
    call.guard = undefined;
  }

  async function startMessage(call: CallState, by: 'guard' | 'dialer'): Promise<void> {
    if (call.messageRequested || call.ended) return;
    call.messageRequested = true;
    disarmGuard(call);
    if (call.bridge && !call.bridged) failBridge(call, 'the abandon message took over the call');
    if (call.phase === 'amd') {
      // Inside AMD() the channel is out of Stasis: play the moment it comes back with its verdict.
      call.messagePending = true;
      return;
    }
    try {
      await ari.play(call.channelId, o.abandonMedia, `${call.channelId}.msg`);
    } catch (error) {
      call.messageRequested = false;
      logger.error('could not start the abandon message', { callId: call.callId, by, error: String(error) });
      if (by === 'dialer') throw error;
      // Retry once the stream is back; reconcile() re-arms the guard for answered, unserved calls.
    }
  }

  // ---- bridging -------------------------------------------------------------------------------------------------
  function failBridge(call: CallState, why: string, cause?: number): void {
    const pending = call.bridge;
    if (!pending || call.bridged) return;
    call.bridge = undefined;
    void ari.hangup(pending.agentChannelId).catch(() => {});
    void ari.destroyBridge(pending.bridgeId).catch(() => {});
    calls.unlinkChannel(pending.agentChannelId);
    pending.reject(
      new OutpaceError(
        'ADAPTER_TELEPHONY_BRIDGE_FAILED',
        `Could not bridge call "${call.callId}" to agent "${pending.agentId}": ${why}.`,
        { details: { callId: call.callId, agentId: pending.agentId, ...(cause === undefined ? {} : { q850: cause }) } },
      ),
    );
  }

  async function agentAnswered(call: CallState): Promise<void> {
    const pending = call.bridge;
    if (!pending) return;
    try {
      await ari.addToBridge(pending.bridgeId, [pending.agentChannelId]);
    } catch (error) {
      failBridge(call, `adding the agent to the bridge failed (${String(error)})`);
    }
  }

  function enteredBridge(call: CallState, channelId: string): void {
    const pending = call.bridge;
    if (!pending || call.bridged || channelId !== pending.agentChannelId) return;
    call.bridged = true;
    call.phase = 'bridged';
    disarmGuard(call);
    emit({ type: 'call:bridged', callId: call.callId, at: clock.now(), agentId: pending.agentId });
    pending.resolve();
  }

  // ---- events ---------------------------------------------------------------------------------------------------
  function onAnswered(call: CallState): void {
    if (call.answered) return;
    call.answered = true;
    call.answeredAt = clock.now();
    call.phase = 'answered';
    emit({ type: 'call:answered', callId: call.callId, at: call.answeredAt });
    if (call.request.amd) {
      call.phase = 'amd';
      if (o.guardStart === 'answer') armGuard(call, 'no agent within the guard after answer');
      void (async () => {
        try {
          // Keep receiving this channel's events while it runs AMD() outside Stasis.
          await ari.subscribe(`channel:${call.channelId}`);
          await ari.setVariable(call.channelId, 'OUTPACE_AMD_ARGS', amdArgs(o.amd));
          if (o.app !== 'outpace') await ari.setVariable(call.channelId, 'OUTPACE_APP', o.app);
          await ari.continueInDialplan(call.channelId, { context: o.amdContext, extension: 's', priority: 1 });
        } catch (error) {
          logger.error('could not start AMD; treating the call as a live person', {
            callId: call.callId,
            error: String(error),
          });
          onVerdict(call, 'NOTSURE');
        }
      })();
    } else {
      armGuard(call, 'no agent within the guard after answer');
    }
  }

  function onVerdict(call: CallState, status: string | undefined): void {
    if (call.phase !== 'amd') return;
    call.phase = 'answered';
    const verdict = amdVerdictFromAsterisk(status);
    if (!verdict) return; // HANGUP: ChannelDestroyed follows.
    emit({ type: 'call:amd', callId: call.callId, at: clock.now(), verdict });
    if (!isLivePerson(verdict)) {
      disarmGuard(call); // a machine or a fax is no person waiting: no abandon message is owed.
      call.messagePending = false;
      return;
    }
    if (call.messagePending) {
      call.messageRequested = false;
      call.messagePending = false;
      void startMessage(call, 'guard');
      return;
    }
    if (o.guardStart === 'amdVerdict') armGuard(call, 'no agent within the guard after the AMD verdict');
  }

  function onDestroyed(channel: AriChannel, cause: number, causeTxt: string): void {
    const link = calls.byChannel(channel.id);
    if (!link) return;
    const { call, role } = link;
    if (role === 'agent') {
      calls.unlinkChannel(channel.id);
      if (call.bridge && !call.bridged) failBridge(call, `the agent leg ended (${causeTxt})`, cause);
      else if (call.bridged && !call.ended) void ari.hangup(call.channelId).catch(() => {});
      return;
    }
    finish(call, { q850: cause, vendor: causeTxt });
  }

  function finish(call: CallState, cause: { q850: number; vendor: string }): void {
    if (call.ended) return;
    call.ended = true;
    disarmGuard(call);
    if (call.watchdog) clearTimeout(call.watchdog);
    const at = clock.now();
    if (call.bridge && !call.bridged) failBridge(call, 'the consumer hung up', cause.q850);
    if (call.bridge && call.bridged) {
      void ari.hangup(call.bridge.agentChannelId).catch(() => {});
      void ari.destroyBridge(call.bridge.bridgeId).catch(() => {});
    }
    calls.remove(call);
    const vendor = call.lastDialStatus ? `${cause.vendor} (dial ${call.lastDialStatus})` : cause.vendor;
    if (call.answered) {
      emit({ type: 'call:ended', callId: call.callId, at, cause: { q850: cause.q850, vendor } });
    } else {
      const result = call.hangupRequested ? 'Cleared' : callResultFromQ850(cause.q850);
      emit({ type: 'call:failed', callId: call.callId, at, result, cause: { q850: cause.q850, vendor } });
    }
  }

  function handle(message: AriMessage): void {
    const event = message as AriMessage & { channel?: AriChannel; peer?: AriChannel };
    switch (event.type) {
      case 'Dial': {
        const link = event.peer && calls.byChannel(event.peer.id);
        if (link?.role !== 'consumer') return;
        const status = String((event as { dialstatus?: string }).dialstatus ?? '');
        if (status) link.call.lastDialStatus = status;
        if (status === 'RINGING' || status === 'PROGRESS') ringing(link.call);
        return;
      }
      case 'ChannelStateChange': {
        const link = event.channel && calls.byChannel(event.channel.id);
        if (link?.role === 'consumer' && event.channel?.state === 'Ringing') ringing(link.call);
        return;
      }
      case 'StasisStart': {
        const args = (event as { args?: string[] }).args ?? [];
        const link = event.channel && calls.byChannel(event.channel.id);
        if (!link) {
          if (event.channel) orphan(event.channel, 'entered the application but no call accounts for it');
          return;
        }
        if (link.role === 'agent') void agentAnswered(link.call);
        else if (args[0] === 'amd') onVerdict(link.call, args[1]);
        else onAnswered(link.call);
        return;
      }
      case 'ChannelEnteredBridge': {
        const link = event.channel && calls.byChannel(event.channel.id);
        if (link) enteredBridge(link.call, event.channel!.id);
        return;
      }
      case 'PlaybackStarted':
      case 'PlaybackFinished': {
        const playback = (event as { playback?: { id: string; target_uri?: string } }).playback;
        if (!playback?.id.endsWith('.msg')) return;
        const link = calls.byChannel(playback.id.slice(0, -'.msg'.length));
        if (!link) return;
        if (event.type === 'PlaybackStarted') {
          if (link.call.messageStarted) return;
          link.call.messageStarted = true;
          link.call.phase = 'message';
          emit({ type: 'call:message-started', callId: link.call.callId, at: clock.now() });
        } else {
          void ari.hangup(link.call.channelId).catch(() => {});
        }
        return;
      }
      case 'ChannelDestroyed': {
        const destroyed = event as { channel: AriChannel; cause: number; cause_txt: string };
        onDestroyed(destroyed.channel, destroyed.cause, destroyed.cause_txt);
        return;
      }
      default:
        return;
    }
  }

  function ringing(call: CallState): void {
    if (call.ringing || call.answered) return;
    call.ringing = true;
    emit({ type: 'call:ringing', callId: call.callId, at: clock.now() });
  }

  function orphan(channel: AriChannel, why: string): void {
    const callId = calls.callIdOf(channel.id);
    if (callId === undefined) return; // not one of ours
    emit({
      type: 'call:orphaned',
      callId,
      at: clock.now(),
      detail: `channel ${channel.id} (${channel.state}) ${why}${o.orphans === 'hangup' ? '; hung up' : ''}`,
    });
    if (o.orphans === 'hangup') void ari.hangup(channel.id).catch(() => {});
  }

  // After a (re)connect: nothing we track may silently disappear, and nothing of ours may linger untracked.
  async function reconcile(): Promise<void> {
    // Only calls whose originate Asterisk had accepted before the listing can be judged by it.
    const known = calls.all().filter((call) => call.originated);
    let channels: AriChannel[];
    try {
      channels = await ari.listChannels();
    } catch (error) {
      logger.error('could not list channels to reconcile after reconnect', { error: String(error) });
      return;
    }
    const live = new Map(channels.map((c) => [c.id, c]));
    for (const call of known) {
      if (call.ended) continue;
      const channel = live.get(call.channelId);
      if (!channel) {
        vanished(call, 'vanished while the ARI event stream was down (Asterisk restarted or the call ended unseen)');
        continue;
      }
      await ari.subscribe(`channel:${call.channelId}`).catch(() => {});
      if (call.bridge && !call.bridged && !live.has(call.bridge.agentChannelId)) {
        failBridge(call, 'the agent leg vanished while the event stream was down');
      }
      if (channel.state === 'Up' && !call.answered) {
        onAnswered(call);
      } else if (call.answered && !call.bridged && !call.messageStarted && !call.guard && call.phase !== 'amd') {
        // The guard may have fired while Asterisk was unreachable: serve the person now.
        call.messageRequested = false;
        void startMessage(call, 'guard');
      }
    }
    for (const channel of channels) {
      if (!calls.byChannel(channel.id)) orphan(channel, 'was found after reconnecting but no call accounts for it');
    }
  }

  ari.onEvent(handle);
  ari.onConnection((event) => {
    if (event.state === 'open') void reconcile();
    else logger.warn('ARI event stream dropped; reconnecting', { reason: event.reason, liveCalls: calls.size() });
  });

  function connect(): Promise<void> {
    if (closed) return Promise.reject(new OutpaceError('ADAPTER_CLOSED', 'The Asterisk connector was closed.'));
    connecting ??= ari.connect().catch((error: unknown) => {
      connecting = undefined;
      throw error;
    });
    return connecting;
  }

  // A call placed while the event stream is down would run unseen (and Asterisk hangs up channels that try to
  // enter an application with no stream), so originate waits briefly for the stream and otherwise refuses.
  async function streamUp(): Promise<void> {
    await connect();
    if (ari.connected) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(
          new OutpaceError(
            'ADAPTER_TELEPHONY_UNAVAILABLE',
            `The ARI event stream to ${o.url} is down (reconnecting); no call was placed. Retry later.`,
          ),
        );
      }, o.requestTimeoutMs);
      const off = ari.onConnection((event) => {
        if (event.state !== 'open') return;
        clearTimeout(timer);
        off();
        resolve();
      });
    });
  }

  function live(callId: string, what: string): CallState {
    const call = calls.get(callId);
    if (!call) {
      throw new OutpaceError(
        'ADAPTER_TELEPHONY_CALL_NOT_FOUND',
        `Cannot ${what} call "${callId}": the connector has no live call with that id (it ended or was never placed).`,
        { details: { callId } },
      );
    }
    return call;
  }

  return {
    name: 'asterisk',
    capabilities: Object.freeze({ amd: true, bridge: true, playMessage: true, abandonGuard: true }),
    connect,
    liveCalls: () => calls.all().map((c) => c.callId),

    async originate(input: OriginateRequest) {
      const request = parse.originate(input);
      if (calls.get(request.callId)) {
        throw new OutpaceError(
          'ADAPTER_TELEPHONY_DUPLICATE_CALL',
          `Call "${request.callId}" is already live; use a new callId.`,
        );
      }
      await streamUp();
      const call = calls.add(request);
      try {
        // No channel variables here: setting them on originate costs Asterisk about a third of its originate rate
        // (measured by bench:telephony); AMD calls get theirs at answer, just before they enter the AMD context.
        await ari.originate({
          endpoint: endpointFor(request.to),
          app: o.app,
          appArgs: 'dial',
          channelId: call.channelId,
          timeout: Math.ceil(request.ringTimeoutMs / 1000),
          ...(request.callerId ? { callerId: request.callerId } : {}),
        });
        call.originated = true;
        watch(call);
      } catch (error) {
        // The client retries once when a connection drops before the answer; a 409 for our own, fresh channel id
        // then means the first attempt went through.
        if ((error as OutpaceError).details?.status === 409 && !call.ended) {
          logger.warn('originate answered 409 after a retry; the call was placed', { callId: request.callId });
          call.originated = true;
          watch(call);
          return;
        }
        calls.remove(call);
        throw error;
      }
    },

    async bridge(callId, agentInput) {
      const agent = parse.agent(agentInput);
      const call = live(callId, 'bridge');
      if (!call.answered || call.phase === 'amd' || call.messageRequested || call.bridge) {
        throw new OutpaceError(
          'ADAPTER_TELEPHONY_INVALID_STATE',
          `Cannot bridge call "${callId}" now (${call.phase}${call.bridge ? ', already bridging' : ''}); ` +
            'bridge after call:answered (and after call:amd when AMD was requested), before the abandon message.',
          { details: { callId, phase: call.phase } },
        );
      }
      const bridgeId = `${call.channelId}.bridge`;
      const agentChannelId = `${call.channelId}.agent`;
      const done = new Promise<void>((resolve, reject) => {
        call.bridge = { agentId: agent.id, bridgeId, agentChannelId, resolve, reject };
      });
      calls.linkAgent(call, agentChannelId);
      call.phase = 'bridging';
      try {
        await ari.createBridge(bridgeId, 'mixing', `outpace ${callId}`);
        await ari.addToBridge(bridgeId, [call.channelId]);
        await ari.originate({
          endpoint: agent.endpoint,
          app: o.app,
          appArgs: 'agent',
          channelId: agentChannelId,
          timeout: Math.ceil(o.agentRingTimeoutMs / 1000),
        });
      } catch (error) {
        failBridge(call, `Asterisk refused a step (${String(error)})`);
      }
      return done;
    },

    async playAbandonMessage(callId) {
      const call = live(callId, 'play the abandon message on');
      if (!call.answered) {
        throw new OutpaceError(
          'ADAPTER_TELEPHONY_INVALID_STATE',
          `Cannot play the abandon message on call "${callId}": it is not answered.`,
          { details: { callId } },
        );
      }
      await startMessage(call, 'dialer');
    },

    async hangup(callId) {
      const call = calls.get(callId);
      if (!call) return;
      call.hangupRequested = true;
      try {
        await ari.hangup(call.channelId);
      } catch (error) {
        if ((error as OutpaceError).details?.status !== 404) throw error;
      }
    },

    onEvent(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

    async close() {
      if (closed) return;
      closed = true;
      for (const call of calls.all()) {
        disarmGuard(call);
        if (call.watchdog) clearTimeout(call.watchdog);
      }
      await ari.close();
    },
  };
}
