import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createPostgresStore } from '@outpace/adapters/postgres';
import { createSqliteStore } from '@outpace/adapters/sqlite';
import { noopLogger, type Role } from '@outpace/core';
import { createVirtualClock } from '@outpace/dialer/sim';
import { createTestSchema } from '../../../../packages/adapters/test/support/postgres.js';
import { createApp } from '../../src/app.js';
import { hashPassword } from '../../src/auth/password.js';
import { createSecretBox } from '../../src/auth/secret-box.js';
import { createSimulatedPortsFactory } from '../../src/campaign-ports.js';
import { type CampaignManagerOptions, createCampaignManager } from '../../src/campaign-runtime.js';
import type { ServerDeps } from '../../src/deps.js';
import { PASSWORD } from './harness.js';

/** Monday 2 March 2026, 17:00 UTC (noon in New York): inside calling hours on the US east coast. */
export const CAMPAIGN_START = Date.parse('2026-03-02T17:00:00Z');

/**
 * The server on a SQLite file (or a PostgreSQL schema) with two tenants (A and B, an admin, a
 * supervisor and an analyst each), its campaign manager on a virtual clock
 * with simulated telephony (`agents` per agent group). Time moves only with `run`.
 */
export async function createCampaignHarness(
  options: {
    agents?: number;
    manager?: Partial<CampaignManagerOptions>;
    /** @default 'sqlite' (a file in a temporary folder); 'postgres' needs OUTPACE_TEST_PG_URL's server */
    database?: 'sqlite' | 'postgres';
  } = {},
) {
  const dir = mkdtempSync(path.join(tmpdir(), 'outpace-campaigns-'));
  const clock = createVirtualClock(CAMPAIGN_START);
  const pg = options.database === 'postgres' ? await createTestSchema('campaigns') : undefined;
  const store =
    pg !== undefined
      ? createPostgresStore({ connectionString: pg.url, schema: pg.schema, clock })
      : createSqliteStore({ filename: path.join(dir, 'outpace.db'), clock });
  await store.migrate();
  // The simulated telephony is seeded per tenant (campaign-ports.ts), and tenant ids are random: seeded by
  // id, each run would draw other outcomes (a test expecting a live answer among eight calls failed in about
  // one run of sixty, when all eight drew busy or no answer). The harness seeds it by the tenant's place
  // instead ('tenant-a', 'tenant-b'), so every run draws the same calls.
  const simulated = createSimulatedPortsFactory({
    defaultAgents: options.agents ?? 3,
    seed: 7,
    outcomes: {
      mix: { live: 0.4, noAnswer: 0.4, busy: 0.2 },
      talk: { type: 'fixed', value: 20_000 },
      delays: { live: { type: 'fixed', value: 3000 } },
    },
    wrapMs: 5000,
  });
  const seedNames = new Map<string, string>();
  const deps: ServerDeps = {
    store,
    identity: store.identity,
    tenantIdentity: (tenantId) => store.forTenant(tenantId).identity,
    clock,
    logger: noopLogger,
    secretBox: createSecretBox(Buffer.alloc(32, 7)),
    csrfKey: Buffer.alloc(32, 9),
    http: {
      secureCookies: false,
      maxJsonBytes: 64 * 1024,
      maxUploadBytes: 8 * 1024 * 1024,
      sessionTtlMs: 8 * 3600_000,
    },
    telephony: (context) => simulated({ ...context, tenantId: seedNames.get(context.tenantId) ?? context.tenantId }),
  };
  const campaigns = createCampaignManager(deps, { nodeId: 'node-test', clock, ...options.manager });
  deps.campaigns = campaigns;
  const app = createApp(deps);
  const nodes = [campaigns];
  /** Another server node on the same store and clock (its own runtimes, simulated telephony and app). */
  const addNode = async (nodeId: string) => {
    const nodeDeps: ServerDeps = { ...deps };
    delete nodeDeps.campaigns;
    delete nodeDeps.triggerCampaignGroup;
    delete nodeDeps.complianceEngineFor;
    delete nodeDeps.locationResolverFor;
    const manager = createCampaignManager(nodeDeps, { nodeId, clock, ...options.manager });
    nodeDeps.campaigns = manager;
    nodes.push(manager);
    const nodeApp = createApp(nodeDeps);
    await manager.start();
    return { app: nodeApp, campaigns: manager, deps: nodeDeps };
  };
  const passwordHash = await hashPassword(PASSWORD);
  const seedTenant = async (name: string) => {
    const tenant = await store.tenants.create({ name });
    const users = {} as Record<Role, { id: string; email: string }>;
    for (const role of ['admin', 'supervisor', 'analyst'] as const) {
      const email = `${role}@${name.toLowerCase()}.test`;
      const user = await store
        .forTenant(tenant.id)
        .identity.createUser({ email, name: `${name} ${role}`, role, passwordHash, disabled: false });
      users[role] = { id: user.id, email };
    }
    return { id: tenant.id, users };
  };
  const a = await seedTenant('Alpha');
  const b = await seedTenant('Beta');
  seedNames.set(a.id, 'tenant-a');
  seedNames.set(b.id, 'tenant-b');
  await campaigns.start();

  /** Logs in (through `via`, the main app by default); the session works on every node (it is in the store). */
  const login = async (email: string, via: { request: typeof app.request } = app) => {
    const res = await via.request('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: PASSWORD }),
    });
    if (res.status !== 200) throw new Error(`login failed for ${email}: ${res.status} ${await res.text()}`);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const { csrfToken } = (await res.json()) as { csrfToken: string };
    const call = (url: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> => {
      const headers = new Headers(init.headers);
      headers.set('cookie', cookie);
      headers.set('x-csrf-token', csrfToken);
      let body = init.body;
      if (init.json !== undefined) {
        headers.set('content-type', 'application/json');
        body = JSON.stringify(init.json);
      }
      return Promise.resolve(via.request(url, { ...init, headers, body: body ?? null }));
    };
    /** Sends and parses JSON, failing with the body when the status is not the expected one. */
    const json = async <T = Record<string, unknown>>(
      url: string,
      init: RequestInit & { json?: unknown } = {},
      status = 200,
    ): Promise<T> => {
      const res = await call(url, init);
      const text = await res.text();
      if (res.status !== status) throw new Error(`${init.method ?? 'GET'} ${url}: ${res.status} ${text}`);
      return JSON.parse(text) as T;
    };
    return { call, json };
  };

  /** Moves virtual time forward in steps, letting the runtimes' store work finish after each. */
  const run = async (ms: number, step = 500) => {
    const end = clock.now() + ms;
    while (clock.now() < end) {
      clock.advance(Math.min(step, end - clock.now()));
      for (const node of nodes) await node.idle();
    }
  };

  /** Stops the manager while moving time on (so calls drain), then closes the store and removes the file. */
  const close = async () => {
    let done = false;
    const stopping = Promise.all(nodes.map((node) => node.stop())).then(() => {
      done = true;
    });
    while (!done) {
      clock.advance(1000);
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await stopping;
    await store.close();
    await pg?.drop();
    rmSync(dir, { recursive: true, force: true });
  };

  /** Stops one node while moving time on (so its calls drain). */
  const stopNode = async (node: (typeof nodes)[number]) => {
    let done = false;
    const stopping = node.stop().then(() => {
      done = true;
    });
    while (!done) {
      clock.advance(1000);
      // Every node's store work lands before time moves on: on PostgreSQL a round trip is real time, and
      // a virtual clock racing ahead of it let leases lapse mid-renewal and another node take a group over.
      for (const other of nodes) if (other !== node) await other.idle();
      for (let i = 0; i < 5; i++) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    await stopping;
  };

  return { app, deps, store, clock, campaigns, tenants: { a, b }, login, run, close, addNode, stopNode };
}
export type CampaignHarness = Awaited<ReturnType<typeof createCampaignHarness>>;

/** A NANP contact in New York with one mobile (unique by `n`). */
export function nyContact(n: number) {
  return { ClientID: `C${n}`, FirstName: `First${n}`, Device1: `212555${String(1000 + n).padStart(4, '0')}` };
}
