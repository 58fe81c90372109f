import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPostgresStore } from '@outpace/adapters/postgres';
import type { AttemptRecord, CampaignGroup, CampaignRecord, OutpaceStore } from '@outpace/core';
import { noopLogger, systemClock } from '@outpace/core';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { postgresAvailability, testPostgresUrl } from '../../../packages/adapters/test/support/postgres.js';
import { describeWithService } from '../../../packages/adapters/test/support/service.js';

/**
 * Two real server processes (`src/main.ts`, as `npm start` runs it) on one
 * fresh PostgreSQL database: a campaign group runs in simulation on one,
 * that node is killed with SIGKILL, and the other must take the group over
 * within seconds with every record dialed at most once and every placed call
 * in the attempt history.
 */

const pgStatus = await postgresAvailability();
const serverDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const PASSWORD = 'multinode-admin-password';
const EMAIL = 'admin@multinode.test';
const RECORDS = 40;

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

interface Node {
  name: string;
  port: number;
  child: ChildProcess;
  output: string[];
  base: string;
}

function startNode(name: string, port: number, env: Record<string, string>): Node {
  const child = spawn(process.execPath, ['--conditions=@outpace/source', '--import', 'tsx', 'src/main.ts'], {
    cwd: serverDir,
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1', OUTPACE_NODE_ID: name },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 400) output.splice(0, output.length - 400);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return { name, port, child, output, base: `http://127.0.0.1:${port}` };
}

async function waitHealthy(node: Node, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (node.child.exitCode !== null) throw new Error(`${node.name} exited: ${node.output.join('')}`);
    try {
      if ((await fetch(`${node.base}/api/v1/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`${node.name} did not become healthy: ${node.output.join('').slice(-4000)}`);
}

/** A logged-in API client of one node. */
async function login(node: Node) {
  const res = await fetch(`${node.base}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: EMAIL, password: PASSWORD }),
  });
  if (res.status !== 200) throw new Error(`login on ${node.name}: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const { csrfToken, user } = (await res.json()) as { csrfToken: string; user: { tenantId: string } };
  const call = async <T>(p: string, init: { method?: string; json?: unknown } = {}, status = 200): Promise<T> => {
    const r = await fetch(`${node.base}${p}`, {
      method: init.method ?? 'GET',
      headers: {
        cookie,
        'x-csrf-token': csrfToken,
        ...(init.json === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(init.json === undefined ? {} : { body: JSON.stringify(init.json) }),
    });
    const text = await r.text();
    if (r.status !== status) throw new Error(`${init.method ?? 'GET'} ${p} on ${node.name}: ${r.status} ${text}`);
    return (text === '' ? undefined : JSON.parse(text)) as T;
  };
  return { call, tenantId: user.tenantId };
}

describeWithService(pgStatus, 'two server processes on PostgreSQL', () => {
  const database = `outpace_mn_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: testPostgresUrl() });
  const dataDirs: string[] = [];
  const nodes: Node[] = [];
  let store: OutpaceStore & { close(): Promise<void> };
  let url: string;

  beforeAll(async () => {
    await admin.connect();
    await admin.query(`CREATE DATABASE ${database}`);
    const u = new URL(testPostgresUrl());
    u.pathname = `/${database}`;
    url = u.toString();
    const env = {
      DATABASE_URL: url,
      OUTPACE_SECRET_KEY: randomBytes(32).toString('base64'),
      OUTPACE_ADMIN_EMAIL: EMAIL,
      OUTPACE_ADMIN_PASSWORD: PASSWORD,
      OUTPACE_DEMO: 'false',
      OUTPACE_SIM_AGENTS: '10',
      LOG_LEVEL: 'warn',
    };
    // The first node migrates and seeds; the second starts on the migrated database.
    for (const name of ['node-a', 'node-b']) {
      const dir = mkdtempSync(path.join(tmpdir(), `outpace-${name}-`));
      dataDirs.push(dir);
      const node = startNode(name, await freePort(), { ...env, OUTPACE_DATA_DIR: dir });
      nodes.push(node);
      await waitHealthy(node);
    }
    store = createPostgresStore({ connectionString: url, clock: systemClock, logger: noopLogger });
  }, 180_000);

  afterAll(async () => {
    for (const node of nodes)
      if (node.child.exitCode === null && node.child.signalCode === null) node.child.kill('SIGKILL');
    await Promise.all(
      nodes.map((n) =>
        n.child.exitCode !== null || n.child.signalCode !== null
          ? undefined
          : new Promise((resolve) => n.child.once('exit', resolve)),
      ),
    );
    await store?.close();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch(() => undefined);
    await admin.end();
    for (const dir of dataDirs) rmSync(dir, { recursive: true, force: true });
  }, 60_000);

  it('hands a running group over when its node is killed: within seconds, no record dialed twice, every call recorded', async () => {
    const [a, b] = nodes as [Node, Node];
    const onA = await login(a);
    const onB = await login(b);
    // A list automation every minute (UTC cron) whose SFTP server refuses connections: each slot must be run by
    // exactly one of the two processes (pg-boss), whatever happens to the nodes meanwhile.
    const automation = await onA.call<{ id: string }>(
      '/api/v1/automations',
      {
        method: 'POST',
        json: {
          name: 'Every minute',
          source: {
            url: 'sftp://127.0.0.1:1/in',
            username: 'cx',
            password: 'pw',
            hostFingerprint: 'SHA256:oNDMpFP9zumKAD5UTvpgl/7H/maxVh0B1Mr+AJbjG4I',
          },
          schedule: { type: 'cron', cron: '* * * * *' },
          rules: [{ match: { operation: 'glob', pattern: '*.csv' }, action: 'import-list' }],
        },
      },
      201,
    );
    const list = await onA.call<{ id: string }>('/api/v1/lists', { method: 'POST', json: { name: 'Leads' } }, 201);
    for (let i = 1; i <= RECORDS; i++) {
      await onA.call(
        `/api/v1/lists/${list.id}/contacts`,
        {
          method: 'POST',
          json: { fields: { ClientID: `C${i}`, FirstName: `F${i}`, Device1: `212555${String(1000 + i)}` } },
        },
        201,
      );
    }
    // One attempt per record: a second attempt on any record is a double dial.
    const profile = await onA.call<{ id: string }>(
      '/api/v1/dialing-profiles',
      { method: 'POST', json: { name: 'Once', mode: 'progressive', maxAttempts: 1 } },
      201,
    );
    const template = await onA.call<{ id: string }>(
      '/api/v1/campaign-templates',
      { method: 'POST', json: { name: 'T', dialingProfileId: profile.id, agentGroupId: 'sales' } },
      201,
    );
    const group = await onA.call<CampaignGroup>(
      '/api/v1/campaign-groups',
      { method: 'POST', json: { name: 'Handover', templateId: template.id, lists: [{ listId: list.id }] } },
      201,
    );
    await onA.call(`/api/v1/campaign-groups/${group.id}/load`, { method: 'POST' });
    await onA.call(`/api/v1/campaign-groups/${group.id}/start`, { method: 'POST' });
    const t = store.forTenant(onA.tenantId);

    // Let the driver dial until calls are in flight and a few attempts are written.
    let driverName: string | undefined;
    for (let i = 0; i < 120; i++) {
      const g = await t.campaigns.groups.get(group.id);
      const inFlight = await t.records.inFlight(group.id);
      const written = (await t.attempts.list({ groupId: group.id, limit: 1000 })).items.length;
      if (g?.state === 'running' && g.lease !== undefined && inFlight.length > 0 && written >= 3) {
        driverName = g.lease.owner;
        break;
      }
      await sleep(500);
    }
    expect(driverName, 'the group should be running with calls in flight').toBeDefined();
    const driver = nodes.find((n) => n.name === driverName) as Node;
    const survivor = driver === a ? b : a;
    const onSurvivor = driver === a ? onB : onA;
    const inFlightAtKill = (await t.records.inFlight(group.id)).filter((r) => r.active?.owner === driver.name);
    const beforeKill = (await t.attempts.list({ groupId: group.id, limit: 1000 })).items.length;

    const killedAt = Date.now();
    driver.child.kill('SIGKILL');
    await new Promise((resolve) => driver.child.once('exit', resolve));

    // The survivor takes the lease over.
    let takenAt: number | undefined;
    while (Date.now() - killedAt < 60_000) {
      const g = await onSurvivor.call<CampaignGroup>(`/api/v1/campaign-groups/${group.id}`);
      if (g.lease?.owner === survivor.name && g.lease.expiresAt > Date.now()) {
        takenAt = Date.now();
        break;
      }
      await sleep(200);
    }
    expect(takenAt, `no takeover: ${survivor.output.join('').slice(-3000)}`).toBeDefined();
    const takeoverMs = (takenAt as number) - killedAt;
    console.log(
      `takeover by ${survivor.name} ${takeoverMs} ms after SIGKILL of ${driver.name}; ${inFlightAtKill.length} calls were in flight, ${beforeKill} attempts written before`,
    );
    // Lease 6 s + a scan every second by default: well within half a minute even on a loaded machine.
    expect(takeoverMs).toBeLessThan(30_000);

    // The survivor dials on until every record is done.
    let state = '';
    const deadline = Date.now() + 240_000;
    while (Date.now() < deadline) {
      state = (await t.campaigns.groups.get(group.id))?.state ?? '';
      if (state === 'completed') break;
      await sleep(1000);
    }
    expect(state).toBe('completed');

    const attempts: AttemptRecord[] = [];
    let after: string | undefined;
    do {
      const page = await t.attempts.list({ groupId: group.id, limit: 1000, ...(after ? { after } : {}) });
      attempts.push(...page.items);
      after = page.nextCursor ?? undefined;
    } while (after !== undefined);
    const records: CampaignRecord[] = [];
    after = undefined;
    do {
      const page = await t.records.list(group.id, { limit: 1000, ...(after ? { after } : {}) });
      records.push(...page.items);
      after = page.nextCursor ?? undefined;
    } while (after !== undefined);

    // No record dialed twice: one attempt per record (the profile allows one), no call id twice.
    expect(records).toHaveLength(RECORDS);
    const perRecord = new Map<string, number>();
    for (const at of attempts) perRecord.set(at.recordId, (perRecord.get(at.recordId) ?? 0) + 1);
    expect([...perRecord.values()].filter((n) => n > 1)).toEqual([]);
    expect(new Set(attempts.map((at) => at.callId)).size).toBe(attempts.length);
    // Every call recorded: every record has its attempt, and the record's counter agrees with the history.
    expect(attempts).toHaveLength(RECORDS);
    for (const r of records) {
      expect({ id: r.id, status: r.status, attempts: r.attempts, active: r.active }).toEqual({
        id: r.id,
        status: 'Updated',
        attempts: perRecord.get(r.id) ?? 0,
        active: undefined,
      });
    }
    // The calls the killed node had in flight were closed by the survivor as Stale, with a note saying so.
    for (const r of inFlightAtKill) {
      const closed = attempts.find((at) => at.id === r.active?.attemptId);
      expect(closed).toMatchObject({ callResult: 'Stale', note: expect.stringContaining(survivor.name) });
    }
    // The survivor dialed on after the kill.
    const late = attempts.filter((at) => at.placedAt > killedAt);
    expect(late.length).toBeGreaterThan(0);

    // Every minute slot of the automation ran once across both processes.
    const runsOf = async () => (await t.schedulerRuns.list({ automationId: automation.id, limit: 100 })).items;
    // Two slots at least (one may have fallen while both nodes were up, the next after the kill).
    for (let i = 0; i < 150 && (await runsOf()).length < 2; i++) await sleep(1000);
    const runs = await runsOf();
    const slots = runs.map((r) => r.scheduledAt);
    console.log(
      `automation runs: ${runs.map((r) => `${new Date(r.scheduledAt ?? 0).toISOString()} ${r.node} ${r.state}`).join('; ')}`,
    );
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(slots.every((at) => at !== undefined && at % 60_000 === 0)).toBe(true);
    expect(new Set(slots).size).toBe(slots.length);
  }, 420_000);
});
