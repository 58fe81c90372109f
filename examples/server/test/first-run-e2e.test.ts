import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';

/**
 * Issue 6's "done when", end to end: the real server process as the README
 * starts it (`src/main.ts` on SQLite in a fresh data folder, admin credentials
 * from the environment), driven over HTTP only, the way a new user would: the
 * API reference, log in, import a messy file, read its rejects, build a
 * campaign, watch it dial in simulation over server-sent events, stop it; then
 * SIGTERM and a clean exit. And a bad setting stops the start naming it.
 */

vi.setConfig({ testTimeout: 240_000, hookTimeout: 60_000 });

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const EMAIL = 'first.run@outpace.test';
const PASSWORD = 'first-run-admin-password';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Server {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The arguments of `npm start` (the root package.json's `start` script, after `node`). */
function startArguments(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const [command, ...args] = pkg.scripts.start.split(/\s+/);
  if (command !== 'node') throw new Error(`npm start runs "${command}", not node: update this test`);
  return args;
}

/** Starts what `npm start` runs (node, its flags, examples/server/src/main.ts) from the repository root. */
function startServer(env: Record<string, string>): Server {
  const child = spawn(process.execPath, startArguments(), {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const chunks: string[] = [];
  child.stdout?.on('data', (c: Buffer) => chunks.push(c.toString()));
  child.stderr?.on('data', (c: Buffer) => chunks.push(c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => chunks.join(''), exited };
}

/** Waits for the "listening on http://localhost:<port>" line (PORT=0 lets the system choose). */
async function listeningPort(server: Server, timeoutMs = 120_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const found = /listening on http:\/\/localhost:(\d+)/.exec(server.output());
    if (found !== null) return Number(found[1]);
    if (server.child.exitCode !== null) throw new Error(`the server exited: ${server.output()}`);
    await sleep(100);
  }
  throw new Error(`the server did not start listening: ${server.output().slice(-4000)}`);
}

/** Reads a server-sent event stream until `done` says so (or the time is up); returns every event seen. */
async function readEvents(
  res: Response,
  done: (events: { event: string; data: unknown }[]) => boolean,
  timeoutMs: number,
): Promise<{ event: string; data: unknown }[]> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const events: { event: string; data: unknown }[] = [];
  let buffer = '';
  const timer = setTimeout(() => void reader.cancel(), timeoutMs);
  try {
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) break;
      buffer += decoder.decode(value, { stream: true });
      let at = buffer.indexOf('\n\n');
      while (at !== -1) {
        const block = buffer.slice(0, at);
        buffer = buffer.slice(at + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event !== undefined && data !== undefined) events.push({ event, data: JSON.parse(data) });
        at = buffer.indexOf('\n\n');
      }
      if (done(events)) break;
    }
  } finally {
    clearTimeout(timer);
    await reader.cancel().catch(() => undefined);
  }
  return events;
}

// A file as a user might export it from a spreadsheet: a BOM, CRLF line ends, quoted commas, phones written every
// which way, a blank line, a duplicate ClientID and a row with no usable phone (both rejected), a row without a
// ClientID (kept: ClientIDs are optional) and a bad second device (a warning: the row is kept).
const MESSY_CSV = [
  '\uFEFFClientID,FirstName,LastName,Company,Device1,Device2',
  'C1,Ana,Alvarez,"Acme, Inc.",(212) 555-1001,',
  'C2,Ben,Brown,Globex,+1 212.555.1002,',
  'C3,Chloé,Chen,Initech,212-555-1003,notaphone',
  '',
  'C1,Dup,Licate,Acme,212 555 1004,',
  'C5,Eve,Evans,Umbrella,12345,',
  ',No,Client,Hooli,2125551006,',
  'C7,Femi,Fischer,"Stark ""Industries""",2125551007,',
  'C8,Gus,García,Wayne,(212)555-1008,',
  'C9,Hana,Hughes,Tyrell,212.555.1009,',
  'C10,Ivan,Ito,Cyberdyne,+12125551010,',
].join('\r\n');

const dataDirs: string[] = [];
const servers: Server[] = [];
afterAll(async () => {
  for (const s of servers) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
  await Promise.all(servers.map((s) => s.exited));
  for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
});

function dataDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'outpace-first-run-'));
  dataDirs.push(dir);
  return dir;
}

describe('first run of the reference server (real process, HTTP only)', () => {
  it('serves the reference, imports a messy file with its rejects, dials a campaign in simulation, and exits cleanly on SIGTERM', async () => {
    const server = startServer({
      PORT: '0',
      HOST: '127.0.0.1',
      OUTPACE_DATA_DIR: dataDir(),
      OUTPACE_ADMIN_EMAIL: EMAIL,
      OUTPACE_ADMIN_PASSWORD: PASSWORD,
      LOG_LEVEL: 'warn',
    });
    servers.push(server);
    const base = `http://127.0.0.1:${await listeningPort(server)}`;
    // The first start names the administrator and the demo group, and never prints a password it was given.
    expect(server.output()).toContain(`administrator ${EMAIL}`);
    expect(server.output()).toMatch(/Demo campaign group cmp_\w+ is loaded/);
    expect(server.output()).not.toContain(PASSWORD);

    // The API reference page loads with nothing from another origin, and so does everything it references.
    const docs = await fetch(`${base}/docs`);
    expect(docs.status).toBe(200);
    const html = await docs.text();
    expect(html).toContain('swagger-ui');
    expect(html).not.toMatch(/(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/i);
    const assets = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1] as string);
    expect(assets.length).toBeGreaterThanOrEqual(3);
    for (const asset of assets) {
      expect(asset.startsWith('/')).toBe(true);
      const res = await fetch(`${base}${asset}`);
      expect({ asset, status: res.status }).toEqual({ asset, status: 200 });
      await res.arrayBuffer();
    }
    // Swagger UI's default online validator would load a badge from validator.swagger.io on any non-local host.
    const init = await (await fetch(`${base}/docs/init.js`)).text();
    expect(init).toMatch(/validatorUrl:\s*null/);
    expect(init).not.toMatch(/https?:\/\//);
    const spec = (await (await fetch(`${base}/api/v1/openapi.json`)).json()) as {
      openapi: string;
      paths: Record<string, unknown>;
    };
    expect(spec.openapi).toBe('3.1.0');
    for (const p of ['/api/v1/auth/login', '/api/v1/lists/imports', '/api/v1/campaign-groups/{id}/events']) {
      expect(Object.keys(spec.paths)).toContain(p);
    }

    // Log in with the credentials from the environment; a wrong password is refused.
    const refused = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: EMAIL, password: 'not-the-password' }),
    });
    expect(refused.status).toBe(401);
    const login = await fetch(`${base}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] as string;
    const { csrfToken } = (await login.json()) as { csrfToken: string };
    const call = (p: string, init: { method?: string; json?: unknown; body?: FormData } = {}) =>
      fetch(`${base}/api/v1${p}`, {
        method: init.method ?? 'GET',
        headers: {
          cookie,
          'x-csrf-token': csrfToken,
          ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
        ...(init.body === undefined ? {} : { body: init.body }),
      });
    const json = async <T>(p: string, init: Parameters<typeof call>[1] = {}, status = 200): Promise<T> => {
      const res = await call(p, init);
      const text = await res.text();
      expect({ path: p, status: res.status, text: res.status === status ? '' : text }).toEqual({
        path: p,
        status,
        text: '',
      });
      return JSON.parse(text) as T;
    };

    // Import the messy file by multipart upload (fields first, then the file), and poll the job.
    const form = new FormData();
    form.append('name', 'Messy leads');
    form.append('file', new Blob([MESSY_CSV], { type: 'text/csv' }), 'messy-leads.csv');
    const upload = await call('/lists/imports', { method: 'POST', body: form });
    expect(upload.status).toBe(202);
    const started = (await upload.json()) as { id: string };
    expect(upload.headers.get('location')).toBe(`/api/v1/imports/${started.id}`);
    type Job = {
      state: string;
      totalLines: number;
      acceptedLines: number;
      rejectedLines: number;
      warningLines: number;
      listIds: string[];
    };
    let job = await json<Job>(`/imports/${started.id}`);
    for (let i = 0; i < 100 && (job.state === 'queued' || job.state === 'running'); i++) {
      await sleep(200);
      job = await json<Job>(`/imports/${started.id}`);
    }
    expect(job).toMatchObject({ state: 'completed', acceptedLines: 8, rejectedLines: 2, warningLines: 1 });
    const listId = job.listIds[0] as string;
    expect(job.listIds).toHaveLength(1);

    // Its rejects: the original lines as read, and a reason for each.
    const rejectsCsv = await (await call(`/imports/${started.id}/artifacts/rejects`)).text();
    expect(rejectsCsv.split(/\r?\n/).filter((l) => l !== '')).toEqual([
      'C1,Dup,Licate,Acme,212 555 1004,',
      'C5,Eve,Evans,Umbrella,12345,',
    ]);
    const reports = await json<{ items: { line: number; rejected: boolean; issues: { code: string }[] }[] }>(
      `/imports/${started.id}/reports?rejectedOnly=true`,
    );
    expect(reports.items.map((r) => r.line)).toEqual([6, 7]);
    expect(reports.items[0]?.issues.map((i) => i.code)).toEqual(['CLIENT_ID_DUPLICATE']);
    expect(reports.items[1]?.issues.map((i) => i.code)).toEqual(['DEVICE_INVALID', 'NO_DIALABLE_DEVICE']);
    expect(reports.items.every((r) => r.rejected && r.issues.length > 0)).toBe(true);
    const messages = await (await call(`/imports/${started.id}/artifacts/messages`)).text();
    expect(messages).toMatch(/^Line 4\twarning\tDEVICE_INVALID\tDevice2\t.*"notaphone"/m);
    const contacts = await json<{ items: { clientId?: string; firstName?: string }[] }>(
      `/lists/${listId}/contacts?limit=100`,
    );
    expect(contacts.items.map((c) => c.clientId ?? `(none: ${c.firstName})`).sort()).toEqual(
      ['(none: No)', 'C1', 'C10', 'C2', 'C3', 'C7', 'C8', 'C9'].sort(),
    );

    // Build a campaign over the imported list: profile, template, group; load it and start it.
    const profile = await json<{ id: string }>(
      '/dialing-profiles',
      { method: 'POST', json: { name: 'First run', mode: 'progressive' } },
      201,
    );
    const template = await json<{ id: string }>(
      '/campaign-templates',
      { method: 'POST', json: { name: 'First run', dialingProfileId: profile.id, agentGroupId: 'sales' } },
      201,
    );
    const group = await json<{ id: string; state: string }>(
      '/campaign-groups',
      { method: 'POST', json: { name: 'First run', templateId: template.id, lists: [{ listId }] } },
      201,
    );
    expect(group.state).toBe('unloaded');
    const loaded = await json<{ group: { state: string }; report: { lists: { created: number }[] } }>(
      `/campaign-groups/${group.id}/load`,
      { method: 'POST' },
    );
    expect(loaded.group.state).toBe('loaded');
    expect(loaded.report.lists[0]?.created).toBe(8);

    // Watch it dial over server-sent events until calls are placed and attempts recorded.
    const stream = await call(`/campaign-groups/${group.id}/events`);
    expect(stream.status).toBe(200);
    expect(stream.headers.get('content-type')).toContain('text/event-stream');
    const begun = await json<{ group: { state: string } }>(`/campaign-groups/${group.id}/start`, { method: 'POST' });
    expect(begun.group.state).toBe('running');
    const events = await readEvents(
      stream,
      (seen) => seen.some((e) => e.event === 'attempt:recorded') && seen.some((e) => e.event === 'call:placed'),
      120_000,
    );
    const names = events.map((e) => e.event);
    expect(names[0]).toBe('snapshot');
    expect(names).toContain('call:placed');
    expect(names).toContain('attempt:recorded');
    const placed = events.filter((e) => e.event === 'call:placed').map((e) => e.data as { recordId: string });
    expect(new Set(placed.map((p) => p.recordId)).size).toBe(placed.length);
    const attempts = await json<{ items: { callResult: string }[] }>(`/campaign-groups/${group.id}/attempts`);
    expect(attempts.items.length).toBeGreaterThan(0);

    // Stop it: it stops dialing (stopping while calls end, then stopped).
    const stopped = await json<{ group: { state: string } }>(`/campaign-groups/${group.id}/stop`, { method: 'POST' });
    expect(['stopping', 'stopped']).toContain(stopped.group.state);

    // SIGTERM: the node drains (calls end or are hung up after the drain timeout) and exits with code 0.
    server.child.kill('SIGTERM');
    const exit = await server.exited;
    expect({ exit, output: exit.code === 0 ? '' : server.output().slice(-3000) }).toEqual({
      exit: { code: 0, signal: null },
      output: '',
    });
    expect(server.output()).toContain('SIGTERM: draining');
    expect(server.output()).toContain('Campaign runtimes drained.');
  });

  it('stops the start on a bad setting with a message naming it', async () => {
    const server = startServer({ PORT: 'abc', OUTPACE_DATA_DIR: dataDir(), LOG_LEVEL: 'warn' });
    servers.push(server);
    const exit = await server.exited;
    expect(exit.code).toBe(2);
    expect(server.output()).toMatch(/Invalid configuration:\n\s+PORT = "abc": /);
    expect(server.output()).not.toContain('listening');
  });
});
