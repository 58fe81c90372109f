import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { computeTwilioSignature } from '../../../src/twilio/index.js';
import { FIXTURES } from './paths.js';

interface ParamSpec {
  type?: 'string' | 'uri' | 'integer';
  enum?: string[];
  repeated?: boolean;
  min?: number;
  max?: number;
  maxLength?: number;
  pattern?: string;
}
interface OperationSpec {
  params: Record<string, ParamSpec>;
  required?: string[];
  oneOf?: string[];
  exclusive?: string[];
  success: number;
}
const API = JSON.parse(readFileSync(join(FIXTURES, 'twilio-calls-api.json'), 'utf8')) as {
  createCall: OperationSpec;
  updateCall: OperationSpec;
};

/** What the fake network does with a call to one number. */
export type Scenario =
  | { kind: 'busy' | 'no-answer' | 'failed'; sip?: number; ringMs?: number }
  | { kind: 'answer'; ringMs?: number; answeredBy?: string; amdMs?: number };

/** How an agent endpoint answers `<Dial>`. */
export type AgentBehaviour = 'answer' | 'busy' | 'no-answer';

function validate(spec: OperationSpec, form: URLSearchParams): string | undefined {
  const names = [...new Set(form.keys())];
  for (const name of names) {
    const p = spec.params[name];
    if (!p) return `Unknown parameter ${name}`;
    const values = form.getAll(name);
    if (values.length > 1 && !p.repeated) return `Parameter ${name} given ${values.length} times`;
    for (const v of values) {
      if (p.enum && !p.enum.includes(v)) return `${name} must be one of ${p.enum.join(', ')}; got "${v}"`;
      if (p.type === 'integer') {
        if (!/^-?\d+$/.test(v)) return `${name} must be an integer; got "${v}"`;
        if (p.min !== undefined && Number(v) < p.min) return `${name} must be at least ${p.min}`;
        if (p.max !== undefined && Number(v) > p.max) return `${name} must be at most ${p.max}`;
      }
      if (p.type === 'uri' && !/^https?:\/\/[^\s_]+$/.test(v)) return `${name} must be an absolute URL; got "${v}"`;
      if (p.maxLength !== undefined && v.length > p.maxLength) return `${name} is longer than ${p.maxLength}`;
      if (p.pattern && !new RegExp(p.pattern).test(v)) return `${name} does not match ${p.pattern}`;
    }
  }
  for (const r of spec.required ?? []) if (!form.has(r)) return `Missing required parameter ${r}`;
  if (spec.oneOf && !spec.oneOf.some((n) => form.has(n))) return `One of ${spec.oneOf.join(', ')} is required`;
  if (spec.exclusive && spec.exclusive.filter((n) => form.has(n)).length > 1) {
    return `${spec.exclusive.join(' and ')} are mutually exclusive`;
  }
  return undefined;
}

async function body(req: IncomingMessage): Promise<string> {
  let text = '';
  for await (const chunk of req) text += String(chunk);
  return text;
}

function send(res: ServerResponse, status: number, json: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(json));
}

/**
 * A Twilio stand-in built from the published description of the Calls resource: it accepts only documented
 * parameters and values (400 with Twilio's error shape otherwise), answers with the documented resource shape, and
 * plays each call's scenario back as status callbacks signed with the auth token, as Twilio does.
 */
export async function startFakeTwilio(opts: { accountSid: string; authToken: string }) {
  const scenarios = new Map<string, Scenario>();
  const agents = new Map<string, AgentBehaviour>();
  const requests: { path: string; form: URLSearchParams }[] = [];
  const callbacks: { url: string; status: number }[] = [];
  const live = new Map<string, { form: URLSearchParams; answered: boolean; done: boolean }>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  let seq = 0;

  const later = (ms: number, fn: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  };

  async function callback(url: string, params: Record<string, string>): Promise<number> {
    const form = new URLSearchParams(params);
    const signature = computeTwilioSignature(opts.authToken, url, params);
    try {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
        body: form.toString(),
      });
      await res.text();
      callbacks.push({ url, status: res.status });
      return res.status;
    } catch {
      callbacks.push({ url, status: -1 });
      return -1;
    }
  }

  function status(sid: string, callStatus: string, extra: Record<string, string> = {}): void {
    const call = live.get(sid);
    if (!call || call.done) return;
    const events = call.form.getAll('StatusCallbackEvent');
    const terminal = ['completed', 'busy', 'failed', 'no-answer', 'canceled'].includes(callStatus);
    if (terminal) call.done = true;
    if (callStatus === 'in-progress') call.answered = true;
    const wanted = terminal ? true : events.includes(callStatus === 'in-progress' ? 'answered' : callStatus);
    const url = call.form.get('StatusCallback');
    if (!url || !wanted) return;
    void callback(url, {
      CallSid: sid,
      AccountSid: opts.accountSid,
      From: call.form.get('From') ?? '',
      To: call.form.get('To') ?? '',
      CallStatus: callStatus,
      ApiVersion: '2010-04-01',
      Direction: 'outbound-api',
      CallbackSource: 'call-progress-events',
      Timestamp: new Date().toUTCString(),
      SequenceNumber: String(seq++),
      ...extra,
    });
  }

  function run(sid: string, scenario: Scenario): void {
    const ring = scenario.ringMs ?? 50;
    later(5, () => status(sid, 'initiated'));
    later(10, () => status(sid, 'ringing'));
    if (scenario.kind !== 'answer') {
      later(ring, () => status(sid, scenario.kind, scenario.sip ? { SipResponseCode: String(scenario.sip) } : {}));
      return;
    }
    later(ring, () => status(sid, 'in-progress'));
    const call = live.get(sid)!;
    if (call.form.get('AsyncAmd') === 'true' && scenario.answeredBy) {
      later(ring + (scenario.amdMs ?? 100), () => {
        const url = call.form.get('AsyncAmdStatusCallback');
        if (url && !call.done) {
          void callback(url, {
            CallSid: sid,
            AccountSid: opts.accountSid,
            AnsweredBy: scenario.answeredBy!,
            MachineDetectionDuration: String(scenario.amdMs ?? 100),
          });
        }
      });
    }
  }

  function applyTwiml(sid: string, twiml: string): void {
    if (twiml.includes('<Play>')) {
      later(300, () => status(sid, 'completed', { CallDuration: '3' }));
      return;
    }
    const dial = /<(Sip|Client|Number)[^>]*statusCallback="([^"]+)"[^>]*>([^<]+)</.exec(twiml);
    const action = /<Dial[^>]*action="([^"]+)"/.exec(twiml);
    if (!dial) return;
    const unescapeXml = (s: string) => s.replace(/&amp;/g, '&');
    const childUrl = unescapeXml(dial[2]!);
    const endpoint = dial[1] === 'Client' ? `client:${dial[3]}` : dial[3]!;
    const behaviour = agents.get(endpoint) ?? 'no-answer';
    const child = `CA${randomBytes(16).toString('hex')}`;
    const childParams = (CallStatus: string) => ({
      CallSid: child,
      ParentCallSid: sid,
      AccountSid: opts.accountSid,
      CallStatus,
    });
    later(5, () => void callback(childUrl, childParams('initiated')));
    later(10, () => void callback(childUrl, childParams('ringing')));
    later(60, () => {
      void callback(childUrl, childParams(behaviour === 'answer' ? 'in-progress' : behaviour));
      if (behaviour !== 'answer' && action) {
        void callback(unescape(action[1]!), { CallSid: sid, AccountSid: opts.accountSid, DialCallStatus: behaviour });
      }
    });
  }

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const form = new URLSearchParams(await body(req));
    requests.push({ path: url.pathname, form });
    const expected = `Basic ${Buffer.from(`${opts.accountSid}:${opts.authToken}`).toString('base64')}`;
    if (req.headers.authorization !== expected) {
      return send(res, 401, {
        code: 20003,
        message: 'Authenticate',
        more_info: 'https://www.twilio.com/docs/errors/20003',
        status: 401,
      });
    }
    const base = `/2010-04-01/Accounts/${opts.accountSid}/Calls`;
    const error = (message: string) =>
      send(res, 400, { code: 21000, message, more_info: 'https://www.twilio.com/docs/errors/21000', status: 400 });
    if (req.method === 'POST' && url.pathname === `${base}.json`) {
      const problem = validate(API.createCall, form);
      if (problem) return error(problem);
      const sid = `CA${randomBytes(16).toString('hex')}`;
      live.set(sid, { form, answered: false, done: false });
      send(res, API.createCall.success, {
        sid,
        account_sid: opts.accountSid,
        to: form.get('To'),
        from: form.get('From'),
        status: 'queued',
        direction: 'outbound-api',
        api_version: '2010-04-01',
        answered_by: null,
        uri: `${base}/${sid}.json`,
      });
      run(sid, scenarios.get(form.get('To') ?? '') ?? { kind: 'no-answer' });
      return;
    }
    const update = new RegExp(`^${base}/(CA[0-9a-f]{32})\\.json$`).exec(url.pathname);
    if (req.method === 'POST' && update) {
      const sid = update[1]!;
      const call = live.get(sid);
      if (!call) return send(res, 404, { code: 20404, message: 'not found', more_info: '', status: 404 });
      const problem = validate(API.updateCall, form);
      if (problem) return error(problem);
      send(res, API.updateCall.success, {
        sid,
        status: call.done ? 'completed' : call.answered ? 'in-progress' : 'ringing',
      });
      const wanted = form.get('Status');
      if (wanted) later(5, () => status(sid, call.answered ? 'completed' : 'canceled'));
      const twiml = form.get('Twiml');
      if (twiml) applyTwiml(sid, twiml);
      return;
    }
    send(res, 404, { code: 20404, message: `no route ${req.method} ${url.pathname}`, more_info: '', status: 404 });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    apiBaseUrl: `http://127.0.0.1:${port}`,
    scenarios,
    agents,
    requests,
    callbacks,
    /** Sends a callback as an attacker would (signed with another token, or not at all). */
    forge: (url: string, params: Record<string, string>, token = 'not-the-auth-token') => {
      const signature = computeTwilioSignature(token, url, params);
      return fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
        body: new URLSearchParams(params).toString(),
      });
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Serves a `(Request) => Response` handler on 127.0.0.1, as the Hono server would mount it. */
export async function serveHandler(handler: (request: Request) => Promise<Response>) {
  const server = createServer(async (req, res) => {
    const text = await body(req);
    const request = new Request(`http://127.0.0.1${req.url}`, {
      method: req.method ?? 'GET',
      headers: req.headers as Record<string, string>,
      ...(req.method === 'POST' ? { body: text } : {}),
    });
    const response = await handler(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(await response.text());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
