import pg from 'pg';
import { afterAll } from 'vitest';
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
