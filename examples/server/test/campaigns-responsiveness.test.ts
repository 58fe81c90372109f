import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { createLocationResolver } from '@outpace/compliance';
import { importContacts } from '@outpace/core';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { createServerDeps } from '../src/bootstrap.js';
import { loadConfig } from '../src/config.js';
import { commandGroup } from '../src/services/campaigns-control.js';
import type { ServiceContext } from '../src/services/lists-context.js';

const GROUPS = 50;
const CONTACTS = 200;
const PROBE_MS = 6000;
const BOUND_MS = 500;

describe('HTTP while many groups dial on SQLite', () => {
  it(`answers /api/v1/health within ${BOUND_MS} ms throughout while ${GROUPS} groups dial`, async () => {
    // The server as `npm start` composes it: SQLite file, real clock, simulated telephony (5 agents per group).
    const dir = await mkdtemp(join(tmpdir(), 'outpace-responsive-'));
    const config = loadConfig({
      OUTPACE_DATA_DIR: dir,
      OUTPACE_DEMO: 'false',
      OUTPACE_ADMIN_PASSWORD: 'responsive-admin-password',
      LOG_LEVEL: 'warn',
    });
    const { deps, close } = await createServerDeps(config, { nodeId: 'responsive' });
    const server = serve({ fetch: createApp(deps).fetch, port: 0, hostname: '127.0.0.1' });
    try {
      const tenantRow = (await deps.store.tenants.list({ limit: 1 })).items[0]!;
      const tenant = deps.store.forTenant(tenantRow.id);
      let csv = 'ClientID,FirstName,Device1\n';
      for (let i = 1; i <= CONTACTS; i++) csv += `R${i},First${i},(212) 555-${String(1000 + i).padStart(4, '0')}\n`;
      await writeFile(join(dir, 'dial.csv'), csv);
      const imported = await importContacts({
        stores: tenant,
        input: join(dir, 'dial.csv'),
        fileName: 'dial.csv',
        settings: tenantRow.settings,
        uploadMode: 'CREATE',
        list: { name: 'Dial' },
        locationResolver: createLocationResolver(),
        clock: deps.clock,
      });
      const listId = imported.lists[0]!.id;
      // No presets: generated numbers have no registry copy, and the check is about the runtime's store work.
      await tenant.compliance.setSettings({ enabledPresets: [] });
      const profile = await tenant.campaigns.profiles.create({ name: 'Progressive', mode: 'progressive' });
      const ctx: ServiceContext = { deps, tenantId: tenantRow.id, tenant, audit: async () => {} };
      let placed = 0;
      deps.campaigns!.subscribe((event) => {
        if (event.name === 'call:placed') placed++;
      });
      await deps.campaigns!.start();
      const groupIds: string[] = [];
      for (let i = 1; i <= GROUPS; i++) {
        const template = await tenant.campaigns.templates.create({
          name: `Template ${i}`,
          dialingProfileId: profile.id,
          agentGroupId: `team-${i}`,
        });
        const group = await tenant.campaigns.groups.create({
          name: `Group ${i}`,
          templateId: template.id,
          lists: [{ listId, weight: 100 }],
          completeIfNoMoreRecords: false,
        });
        await commandGroup(ctx, group.id, 'load');
        groupIds.push(group.id);
      }
      for (const id of groupIds) await commandGroup(ctx, id, 'start');

      // Every group now syncs, publishes statistics and dials on its own timers; time one health request after another.
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      await (await fetch(`${base}/api/v1/health`)).text(); // the connection and the route's first run
      const latencies: number[] = [];
      const end = performance.now() + PROBE_MS;
      while (performance.now() < end) {
        const started = performance.now();
        const res = await fetch(`${base}/api/v1/health`, { signal: AbortSignal.timeout(10_000) });
        await res.text();
        expect(res.status).toBe(200);
        latencies.push(performance.now() - started);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(placed).toBeGreaterThan(0);
      expect(latencies.length).toBeGreaterThan(10);
      expect(Math.max(...latencies), `health latencies (ms): ${latencies.map(Math.round).join(', ')}`).toBeLessThan(
        BOUND_MS,
      );
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await deps.campaigns?.stop();
      await close();
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
