import { createPgBossQueue } from '@outpace/adapters/pg-boss';
import { createPostgresStore } from '@outpace/adapters/postgres';
import { type JobQueue, noopLogger, type OutpaceStore, systemClock } from '@outpace/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  createTestSchema,
  postgresAvailability,
  type TestSchema,
} from '../../../packages/adapters/test/support/postgres.js';
import { describeWithService } from '../../../packages/adapters/test/support/service.js';
import { createSecretBox } from '../src/auth/secret-box.js';
import type { ServerDeps } from '../src/deps.js';
import { createScheduler, SCHEDULER_QUEUES, type Scheduler } from '../src/scheduler/scheduler.js';
import { createAutomation } from '../src/services/automations.js';
import { systemContext } from '../src/services/automations-runner.js';
import { createFakeSource } from './support/fake-source.js';

const pgStatus = await postgresAvailability();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeWithService(pgStatus, 'scheduler on PostgreSQL with two nodes (pg-boss)', () => {
  let db: TestSchema;
  let queueDb: TestSchema;
  let store: OutpaceStore & { close(): Promise<void> };
  const nodes: { deps: ServerDeps; scheduler: Scheduler; queue: JobQueue }[] = [];
  const fake = createFakeSource(systemClock);

  beforeAll(async () => {
    db = await createTestSchema('sched_store');
    // pg-boss creates its own schema: reserve the name, so the test drops it afterwards.
    queueDb = await createTestSchema('sched_queue', { create: false, max: 1 });
    const queueSchema = queueDb.schema;
    store = createPostgresStore({ connectionString: db.url, schema: db.schema, clock: systemClock });
    for (const name of ['node-1', 'node-2']) {
      const queue = createPgBossQueue({
        connectionString: db.url,
        schema: queueSchema,
        pollingIntervalSeconds: 0.5,
        scheduleIntervalMs: 200,
        name,
      });
      const deps: ServerDeps = {
        store,
        identity: store.identity,
        tenantIdentity: (id) => store.forTenant(id).identity,
        clock: systemClock,
        logger: noopLogger,
        secretBox: createSecretBox(Buffer.alloc(32, 5)),
        csrfKey: Buffer.alloc(32, 6),
        http: { secureCookies: false, maxJsonBytes: 65536, maxUploadBytes: 1 << 20, sessionTtlMs: 3_600_000 },
        queue,
        nodeId: name,
        openFileSource: () => fake.source(),
      };
      const scheduler = createScheduler(deps, { retryLimit: 0 });
      // Start one after the other: the first migrates the queue's schema.
      await scheduler.start();
      nodes.push({ deps, scheduler, queue });
    }
  }, 60_000);

  afterAll(async () => {
    for (const node of nodes) await node.scheduler.stop();
    await store?.close();
    await db?.drop();
    await queueDb?.drop();
  });

  it('runs each slot of an automation once across the nodes, never two runs at a time', async () => {
    const [first] = nodes;
    if (first === undefined) throw new Error('no node');
    const tenant = await store.tenants.create({ name: 'Multi-node' });
    const ctx = systemContext(first.deps, tenant.id, { id: 'test', label: 'test' });
    const automation = await createAutomation(ctx, {
      name: 'Every two seconds',
      source: {
        url: 'sftp://sftp.example.com/in',
        username: 'cx',
        password: 'pw',
        hostFingerprint: 'SHA256:oNDMpFP9zumKAD5UTvpgl/7H/maxVh0B1Mr+AJbjG4I',
      },
      schedule: { type: 'cron', cron: '0 0 1 1 *' },
      rules: [{ match: { operation: 'glob', pattern: '*.csv' }, action: 'import-list' }],
    });
    // A seconds-level slot on the same queue the scheduler registers (its own schedules have minute precision).
    const key = `automation:${tenant.id}:${automation.id}:test`;
    await first.queue.schedule(SCHEDULER_QUEUES.automation, '*/2 * * * * *', {
      key,
      timeZone: 'UTC',
      data: { tenantId: tenant.id, automationId: automation.id, trigger: 'schedule' },
    });
    await sleep(9000);
    await first.queue.unschedule(SCHEDULER_QUEUES.automation, key);
    await sleep(2500);
    const runs = (await store.forTenant(tenant.id).schedulerRuns.list({ automationId: automation.id, limit: 100 }))
      .items;
    const slots = runs.map((r) => r.scheduledAt);
    expect(runs.length).toBeGreaterThanOrEqual(3);
    expect(new Set(slots).size).toBe(slots.length);
    expect(slots.every((s) => s !== undefined && s % 2000 === 0)).toBe(true);
    expect(runs.every((r) => r.state === 'succeeded' && r.attempts === 1)).toBe(true);
    expect(new Set(runs.map((r) => r.node)).size).toBeGreaterThanOrEqual(1);
    expect((await store.forTenant(tenant.id).automations.get(automation.id))?.state.lock).toBeUndefined();
  }, 30_000);
});
