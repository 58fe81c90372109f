import type { OriginateRequest, TelephonyEvent, TelephonyPort } from '@outpace/core';
import { OutpaceError } from '@outpace/core';
import { isLivePerson } from '../asterisk/cause-map.js';
import { createRequestParsers } from '../asterisk/requests.js';
import { resolveTwilioOptions, type TwilioTelephonyOptions } from './options.js';
import { validateTwilioSignature } from './signature.js';
import { amdVerdictFromTwilio, callResultFromTwilio } from './status-map.js';
import { dialAgentTwiml, holdTwiml, playTwiml } from './twiml.js';

/** The Twilio connector: the telephony port plus the callback handler to mount on a public URL. */
export interface TwilioTelephony extends TelephonyPort {
  /**
   * Handles Twilio's callbacks (`<callbackBaseUrl>/status|amd|answer|agent|after-dial`), framework-agnostic:
   * mount it in Hono as `app.all('/telephony/twilio/*', (c) => telephony.handler(c.req.raw))`. Requests whose
   * X-Twilio-Signature does not verify get 403 and change nothing.
   */
  handler(request: Request): Promise<Response>;
  /** Calls the connector is tracking (placed, not yet ended). */
  liveCalls(): readonly string[];
}

interface TwilioCall {
  callId: string;
  sid?: string | undefined;
  amd: boolean;
  ringing: boolean;
  answered: boolean;
  amdPending: boolean;
  guard?: ReturnType<typeof setTimeout> | undefined;
  messageRequested: boolean;
  messageStarted: boolean;
  bridge?: { agentId: string; resolve(): void; reject(error: Error): void } | undefined;
  bridged: boolean;
  ended: boolean;
}

const xml = (body: string, status = 200) =>
  new Response(body, { status, headers: { 'content-type': 'text/xml; charset=utf-8' } });
const empty = (status = 204) => new Response(null, { status });

/**
 * Creates the telephony port over Twilio Programmable Voice: REST originate with status callbacks and asynchronous
 * AMD, signed callbacks handled by `handler`, bridging with `<Dial>`, the abandon message with `<Play>`. Uses
 * `fetch` directly (no `twilio` package): three REST calls and the documented signature algorithm.
 *
 * @example
 * const telephony = createTwilioTelephony({
 *   accountSid: env.TWILIO_ACCOUNT_SID, authToken: env.TWILIO_AUTH_TOKEN, from: '+15550199',
 *   callbackBaseUrl: 'https://dialer.example.com/telephony/twilio',
 *   abandonMessageUrl: 'https://dialer.example.com/media/abandon.wav',
 * });
 * app.all('/telephony/twilio/*', (c) => telephony.handler(c.req.raw));
 * await telephony.originate({ callId: 'call-1', to: '+15550100', amd: true });
 */
export function createTwilioTelephony(options: TwilioTelephonyOptions): TwilioTelephony {
  const o = resolveTwilioOptions(options);
  const { clock, logger } = o;
  const listeners = new Set<(event: TelephonyEvent) => void>();
  const calls = new Map<string, TwilioCall>();
  const parse = createRequestParsers(o.minRingTimeoutMs, o.defaultRingTimeoutMs);
  const auth = `Basic ${Buffer.from(`${o.apiKeySid ?? o.accountSid}:${o.apiKeySecret ?? o.authToken}`).toString('base64')}`;
  let closed = false;

  function emit(event: TelephonyEvent): void {
    for (const listener of listeners) {
      try {
        listener(event);
      } catch (error) {
        logger.error('telephony listener threw', { type: event.type, error: String(error) });
      }
    }
  }

  const cb = (kind: string, callId: string) => `${o.callbackBaseUrl}/${kind}?callId=${encodeURIComponent(callId)}`;

  async function rest(path: string, form: [string, string][]): Promise<Record<string, unknown>> {
    const url = `${o.apiBaseUrl}/2010-04-01/Accounts/${o.accountSid}${path}`;
    let response: Response;
    try {
      response = await o.fetch(url, {
        method: 'POST',
        headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams(form).toString(),
        signal: AbortSignal.timeout(o.requestTimeoutMs),
      });
    } catch (cause) {
      throw new OutpaceError(
        'ADAPTER_TELEPHONY_UNAVAILABLE',
        `Twilio POST ${path} failed to reach ${o.apiBaseUrl} (${String(cause)}).`,
        {
          cause,
        },
      );
    }
    const text = await response.text();
    const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
    if (!response.ok) {
      throw new OutpaceError(
        'ADAPTER_TWILIO_REQUEST_FAILED',
        `Twilio POST ${path} answered ${response.status}: ${String(body.message ?? text)} (Twilio error ${String(body.code ?? '?')}).`,
        { details: { status: response.status, twilioCode: body.code } },
      );
    }
    return body;
  }

  function armGuard(call: TwilioCall): void {
    if (call.guard || call.bridged || call.messageRequested || call.ended) return;
    call.guard = setTimeout(() => {
      call.guard = undefined;
      if (call.bridged || call.messageRequested || call.ended) return;
      logger.warn('abandon guard fired: playing the abandon message', { callId: call.callId });
      void startMessage(call).catch((error: unknown) =>
        logger.error('abandon message failed', { callId: call.callId, error: String(error) }),
      );
    }, o.abandonGuardMs);
  }

  function disarm(call: TwilioCall): void {
    if (call.guard) clearTimeout(call.guard);
    call.guard = undefined;
  }

  async function startMessage(call: TwilioCall): Promise<void> {
    if (call.messageRequested || call.ended || !call.sid) return;
    call.messageRequested = true;
    disarm(call);
    if (call.bridge && !call.bridged) failBridge(call, 'the abandon message took over the call');
    try {
      await rest(`/Calls/${call.sid}.json`, [['Twiml', playTwiml(o.abandonMessageUrl)]]);
    } catch (error) {
      call.messageRequested = false;
      throw error;
    }
    // Twilio reports no playback start; the accepted update is the closest observable moment.
    if (!call.messageStarted && !call.ended) {
      call.messageStarted = true;
      emit({ type: 'call:message-started', callId: call.callId, at: clock.now() });
    }
  }

  function failBridge(call: TwilioCall, why: string): void {
    const pending = call.bridge;
    if (!pending || call.bridged) return;
    call.bridge = undefined;
    pending.reject(
      new OutpaceError(
        'ADAPTER_TELEPHONY_BRIDGE_FAILED',
        `Could not bridge call "${call.callId}" to agent "${pending.agentId}": ${why}.`,
        {
          details: { callId: call.callId, agentId: pending.agentId },
        },
      ),
    );
  }

  function onAnswered(call: TwilioCall): void {
    if (call.answered || call.ended) return;
    call.answered = true;
    emit({ type: 'call:answered', callId: call.callId, at: clock.now() });
    call.amdPending = call.amd;
    if (!call.amd || o.guardStart === 'answer') armGuard(call);
  }

  function onStatus(call: TwilioCall, params: URLSearchParams): void {
    const status = params.get('CallStatus') ?? '';
    const sip = Number(params.get('SipResponseCode') ?? Number.NaN);
    const cause = { vendor: status, ...(Number.isFinite(sip) ? { sip } : {}) };
    if (status === 'ringing') {
      if (!call.ringing && !call.answered) {
        call.ringing = true;
        emit({ type: 'call:ringing', callId: call.callId, at: clock.now() });
      }
    } else if (status === 'in-progress') {
      onAnswered(call);
    } else if (['completed', 'busy', 'failed', 'no-answer', 'canceled'].includes(status)) {
      if (call.ended) return;
      call.ended = true;
      disarm(call);
      if (call.bridge && !call.bridged) failBridge(call, 'the consumer hung up');
      calls.delete(call.callId);
      if (call.answered || status === 'completed') {
        emit({ type: 'call:ended', callId: call.callId, at: clock.now(), cause });
      } else {
        const result = callResultFromTwilio(status, Number.isFinite(sip) ? sip : undefined);
        emit({ type: 'call:failed', callId: call.callId, at: clock.now(), result, cause });
      }
    }
  }

  function onAmd(call: TwilioCall, params: URLSearchParams): void {
    const verdict = amdVerdictFromTwilio(params.get('AnsweredBy') ?? undefined);
    if (!verdict || !call.amdPending || call.ended) return;
    call.amdPending = false;
    emit({ type: 'call:amd', callId: call.callId, at: clock.now(), verdict });
    if (!isLivePerson(verdict)) disarm(call);
    else if (o.guardStart === 'amdVerdict') armGuard(call);
  }

  function onAgent(call: TwilioCall, params: URLSearchParams): void {
    const status = params.get('CallStatus') ?? '';
    const pending = call.bridge;
    if (!pending) return;
    if (status === 'in-progress' || status === 'answered') {
      if (call.bridged) return;
      call.bridged = true;
      disarm(call);
      emit({ type: 'call:bridged', callId: call.callId, at: clock.now(), agentId: pending.agentId });
      pending.resolve();
    } else if (['busy', 'failed', 'no-answer', 'canceled'].includes(status)) {
      failBridge(call, `the agent leg ended (${status})`);
    }
  }

  async function handler(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const kind = url.pathname.split('/').pop() ?? '';
    const callId = url.searchParams.get('callId') ?? '';
    const raw = request.method === 'POST' ? await request.text() : '';
    const params = new URLSearchParams(request.method === 'POST' ? raw : url.search);
    // Twilio signs the URL it requested: rebuild it from the configured public base, not from a proxy's view.
    const signedUrl = `${o.callbackBaseUrl}/${kind}${url.search}`;
    const form: Record<string, string[]> = {};
    if (request.method === 'POST') {
      for (const [k, v] of params) form[k] = [...(form[k] ?? []), v];
    }
    if (!validateTwilioSignature(o.authToken, request.headers.get('x-twilio-signature'), signedUrl, form)) {
      logger.warn('rejected a Twilio callback with a bad signature', { kind });
      return new Response('invalid X-Twilio-Signature', { status: 403 });
    }
    const call = calls.get(callId);
    if (kind === 'answer') return xml(holdTwiml(cb('answer', callId)));
    if (kind === 'after-dial') {
      if (call?.bridge && !call.bridged)
        failBridge(call, `<Dial> ended (${params.get('DialCallStatus') ?? 'unknown'})`);
      return xml(holdTwiml(cb('answer', callId)));
    }
    if (!call) {
      if (kind === 'status' && params.get('CallSid')) {
        logger.warn('Twilio callback for a call this connector does not track', { callId });
        if (!['completed', 'busy', 'failed', 'no-answer', 'canceled'].includes(params.get('CallStatus') ?? '')) {
          emit({
            type: 'call:orphaned',
            callId,
            at: clock.now(),
            detail: `Twilio reported ${params.get('CallStatus')} for call ${params.get('CallSid')} that no live call accounts for`,
          });
        }
      }
      return empty();
    }
    if (!call.sid) call.sid = params.get('CallSid') ?? undefined;
    if (kind === 'status') onStatus(call, params);
    else if (kind === 'amd') onAmd(call, params);
    else if (kind === 'agent') onAgent(call, params);
    else return new Response(`unknown callback "${kind}"`, { status: 404 });
    return empty();
  }

  function live(callId: string, what: string): TwilioCall {
    const call = calls.get(callId);
    if (!call) {
      throw new OutpaceError(
        'ADAPTER_TELEPHONY_CALL_NOT_FOUND',
        `Cannot ${what} call "${callId}": the connector has no live call with that id.`,
        {
          details: { callId },
        },
      );
    }
    return call;
  }

  return {
    name: 'twilio',
    capabilities: Object.freeze({ amd: true, bridge: true, playMessage: true, abandonGuard: true }),
    handler,
    liveCalls: () => [...calls.keys()],

    async originate(input: OriginateRequest) {
      if (closed) throw new OutpaceError('ADAPTER_CLOSED', 'The Twilio connector was closed.');
      const request = parse.originate(input);
      if (calls.has(request.callId)) {
        throw new OutpaceError(
          'ADAPTER_TELEPHONY_DUPLICATE_CALL',
          `Call "${request.callId}" is already live; use a new callId.`,
        );
      }
      const call: TwilioCall = {
        callId: request.callId,
        amd: request.amd,
        ringing: false,
        answered: false,
        amdPending: false,
        messageRequested: false,
        messageStarted: false,
        bridged: false,
        ended: false,
      };
      calls.set(call.callId, call);
      const form: [string, string][] = [
        ['To', request.to],
        ['From', request.callerId ?? o.from],
        ['Url', cb('answer', call.callId)],
        ['Method', 'POST'],
        ['StatusCallback', cb('status', call.callId)],
        ['StatusCallbackMethod', 'POST'],
        ...(['initiated', 'ringing', 'answered', 'completed'].map((e) => ['StatusCallbackEvent', e]) as [
          string,
          string,
        ][]),
        ['Timeout', String(Math.ceil(request.ringTimeoutMs / 1000))],
      ];
      if (request.amd) {
        form.push(
          ['MachineDetection', o.machineDetection],
          ['MachineDetectionTimeout', String(o.machineDetectionTimeoutSeconds)],
          ['AsyncAmd', 'true'],
          ['AsyncAmdStatusCallback', cb('amd', call.callId)],
          ['AsyncAmdStatusCallbackMethod', 'POST'],
        );
      }
      try {
        const created = await rest('/Calls.json', form);
        call.sid ??= typeof created.sid === 'string' ? created.sid : undefined;
      } catch (error) {
        calls.delete(call.callId);
        throw error;
      }
    },

    async bridge(callId, agentInput) {
      const agent = parse.agent(agentInput);
      const call = live(callId, 'bridge');
      if (!call.answered || call.amdPending || call.messageRequested || call.bridge || !call.sid) {
        throw new OutpaceError(
          'ADAPTER_TELEPHONY_INVALID_STATE',
          `Cannot bridge call "${callId}" now; bridge after call:answered (and call:amd when AMD was requested), before the abandon message.`,
          { details: { callId } },
        );
      }
      const done = new Promise<void>((resolve, reject) => {
        call.bridge = { agentId: agent.id, resolve, reject };
      });
      try {
        await rest(`/Calls/${call.sid}.json`, [
          [
            'Twiml',
            dialAgentTwiml(agent.endpoint, o.agentRingTimeoutSeconds, cb('agent', callId), cb('after-dial', callId)),
          ],
        ]);
      } catch (error) {
        failBridge(call, `Twilio refused the update (${String(error)})`);
      }
      return done;
    },

    async playAbandonMessage(callId) {
      const call = live(callId, 'play the abandon message on');
      if (!call.answered) {
        throw new OutpaceError(
          'ADAPTER_TELEPHONY_INVALID_STATE',
          `Cannot play the abandon message on call "${callId}": it is not answered.`,
          {
            details: { callId },
          },
        );
      }
      await startMessage(call);
    },

    async hangup(callId) {
      const call = calls.get(callId);
      if (!call?.sid) return;
      await rest(`/Calls/${call.sid}.json`, [['Status', call.answered ? 'completed' : 'canceled']]);
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
      for (const call of calls.values()) disarm(call);
    },
  };
}
