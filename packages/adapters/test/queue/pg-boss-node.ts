/**
 * One queue node for the multi-node test, run as its own process:
 *   node --conditions=@outpace/source --import tsx pg-boss-node.ts <url> <schema> <node-name>
 * It records every scheduled run (queue `tick`) and every attempt of queue `slow`
 * (whose first attempt hangs until the process is killed), then prints `ready`.
 */
import pg from 'pg';
import { createPgBossQueue } from '../../src/queue/pg-boss/index.js';

const [url, schema, node] = process.argv.slice(2);
if (url === undefined || schema === undefined || node === undefined) {
  throw new Error('usage: pg-boss-node.ts <url> <schema> <node-name>');
}
const pool = new pg.Pool({ connectionString: url, max: 6 });
pool.on('error', () => {});
const queue = createPgBossQueue({
  pool,
  schema,
  pollingIntervalSeconds: 0.5,
  scheduleIntervalMs: 200,
  maintenanceIntervalSeconds: 1,
  stopTimeoutMs: 2_000,
  name: node,
});

await queue.work('tick', async (job) => {
  await pool.query(`INSERT INTO ${schema}.test_runs (slot, node, job_id) VALUES ($1, $2, $3)`, [
    new Date(job.scheduledAt ?? 0),
    node,
    job.id,
  ]);
});
await queue.work('slow', async (job) => {
  await pool.query(`INSERT INTO ${schema}.test_attempts (job_id, node, pid, retry_count) VALUES ($1, $2, $3, $4)`, [
    job.id,
    node,
    process.pid,
    job.retryCount,
  ]);
  if (job.retryCount === 0) await new Promise(() => {}); // hangs until the test kills this process
  await pool.query(`UPDATE ${schema}.test_attempts SET completed = true WHERE job_id = $1 AND retry_count = $2`, [
    job.id,
    job.retryCount,
  ]);
});
await queue.start();
process.stdout.write('ready\n');

process.on('SIGTERM', () => {
  void queue
    .stop()
    .then(() => pool.end())
    .finally(() => process.exit(0));
});
