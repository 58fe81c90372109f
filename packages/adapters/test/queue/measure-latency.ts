/**
 * Measures pg-boss queue latency on a real PostgreSQL (not a test; figures for docs/sftp-and-queues.md):
 *   npx tsx --conditions=@outpace/source packages/adapters/test/queue/measure-latency.ts
 * - same node: send() on the node that works the queue (the worker is woken at once);
 * - other node: send() on one queue instance, work on another (the worker finds it by polling);
 * - schedule: from a slot's instant to its handler starting.
 */

import pg from 'pg';
import { createPgBossQueue } from '../../src/queue/pg-boss/index.js';
import { testPostgresUrl, uniqueSchemaName } from '../support/postgres.js';

const url = testPostgresUrl();
const samples = 20;

function summary(values: number[]): string {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
  return `p50 ${at(0.5).toFixed(0)} ms, p95 ${at(0.95).toFixed(0)} ms, max ${(sorted.at(-1) as number).toFixed(0)} ms (n=${values.length})`;
}

async function measure(pollingIntervalSeconds: number): Promise<void> {
  const schema = uniqueSchemaName('q_latency');
  const common = { connectionString: url, schema, pollingIntervalSeconds, scheduleIntervalMs: 1000 };
  const worker = createPgBossQueue({ ...common, name: 'worker' });
  const sender = createPgBossQueue({ ...common, name: 'sender', runSchedules: false });
  const started = new Map<string, number>();
  const slots: number[] = [];
  await worker.work<{ sentAt: number }>('same', async (job) => {
    started.set(job.id, performance.now() - job.data.sentAt);
  });
  await worker.work<{ sentAt: number }>('other', async (job) => {
    started.set(job.id, performance.now() - job.data.sentAt);
  });
  await worker.work('tick', async (job) => {
    slots.push(Date.now() - (job.scheduledAt ?? 0));
  });
  await worker.start();
  await sender.start();
  const run = async (queue: typeof worker, name: string): Promise<number[]> => {
    const out: number[] = [];
    for (let i = 0; i < samples; i++) {
      const id = (await queue.send(name, { sentAt: performance.now() })) as string;
      while (!started.has(id)) await new Promise((resolve) => setTimeout(resolve, 2));
      out.push(started.get(id) as number);
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200));
    }
    return out;
  };
  const same = await run(worker, 'same');
  const other = await run(sender, 'other');
  await sender.schedule('tick', '* * * * * *', { key: 'latency' });
  while (slots.length < samples) await new Promise((resolve) => setTimeout(resolve, 100));
  await sender.unschedule('tick', 'latency');
  console.log(`pollingIntervalSeconds=${pollingIntervalSeconds}, scheduleIntervalMs=1000`);
  console.log(`  send -> handler, same node : ${summary(same)}`);
  console.log(`  send -> handler, other node: ${summary(other)}`);
  console.log(`  slot -> handler            : ${summary(slots)}`);
  await Promise.all([worker.stop(), sender.stop()]);
  const client = new pg.Client(url);
  await client.connect();
  await client.query(`DROP SCHEMA ${schema} CASCADE`);
  await client.end();
}

for (const interval of [0.5, 2]) await measure(interval);
