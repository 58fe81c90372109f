import pg from 'pg';
import { afterAll, expect, it } from 'vitest';
import { createPgBossQueue } from '../../src/queue/pg-boss/index.js';
import { postgresAvailability, testPostgresUrl, uniqueSchemaName } from '../support/postgres.js';
import { describeWithService } from '../support/service.js';
import { describeJobQueueBehaviour } from './behaviour.js';

const pgStatus = await postgresAvailability();

describeWithService(pgStatus, 'pg-boss queue on PostgreSQL', () => {
  const url = testPostgresUrl();
  const schema = uniqueSchemaName('q_behaviour');

  afterAll(async () => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  it('creates queues concurrently from several nodes without deadlocking', async () => {
    // pg-boss's createQueue deadlocks when two nodes attach partitions at once; the queue serialises it.
    const nodes = [0, 1, 2].map((n) =>
      createPgBossQueue({ connectionString: url, schema, runSchedules: false, name: `node-${n}` }),
    );
    await Promise.all(nodes.map((node) => node.start()));
    try {
      const names = Array.from({ length: 6 }, (_, i) => `concurrent-create-${i}`);
      await Promise.all(nodes.flatMap((node) => names.map((name) => node.send(name, { name }))));
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      const { rows } = await client.query(
        `SELECT name, (SELECT count(*)::int FROM ${schema}.job j WHERE j.name = q.name) AS jobs
         FROM ${schema}.queue q WHERE name LIKE 'concurrent-create-%' ORDER BY name`,
      );
      await client.end();
      expect(rows).toEqual(names.map((name) => ({ name, jobs: 3 })));
    } finally {
      await Promise.all(nodes.map((node) => node.stop()));
    }
  }, 60_000);

  describeJobQueueBehaviour('pg-boss', async ({ clock }) =>
    createPgBossQueue({
      connectionString: url,
      schema,
      pollingIntervalSeconds: 0.5,
      scheduleIntervalMs: 200,
      maintenanceIntervalSeconds: 1,
      stopTimeoutMs: 5_000,
      ...(clock ? { clock } : {}),
    }),
  );
});
