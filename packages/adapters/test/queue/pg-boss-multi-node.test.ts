import { type ChildProcess, spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobQueue } from '@outpace/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createPgBossQueue } from '../../src/queue/pg-boss/index.js';
import { createTestSchema, postgresAvailability, type TestSchema } from '../support/postgres.js';
import { describeWithService } from '../support/service.js';
import { sleep, waitFor } from './behaviour.js';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../../..');
const pgStatus = await postgresAvailability();

interface Node {
  name: string;
  process: ChildProcess;
  output: string;
}

function startNode(db: TestSchema, name: string): Promise<Node> {
  const child = spawn(
    process.execPath,
    ['--conditions=@outpace/source', '--import', 'tsx', join(here, 'pg-boss-node.ts'), db.url, db.schema, name],
    { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const node: Node = { name, process: child, output: '' };
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`node ${name} did not start:\n${node.output}`)), 60_000);
    const onData = (chunk: Buffer) => {
      node.output += chunk.toString();
      if (node.output.includes('ready')) {
        clearTimeout(timer);
        resolvePromise(node);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`node ${name} exited with ${code}:\n${node.output}`));
    });
  });
}

async function stopNode(node: Node): Promise<void> {
  const child = node.process;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  await Promise.race([exited, sleep(5_000)]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

describeWithService(pgStatus, 'pg-boss queue: two worker processes on one PostgreSQL', () => {
  let db: TestSchema;
  let control: JobQueue;
  const nodes: Node[] = [];

  beforeAll(async () => {
    db = await createTestSchema('q_nodes', { create: false });
    // The test's own queue installs the schema and sends work; it runs no handlers and fires no schedules.
    control = createPgBossQueue({ pool: db.pool, schema: db.schema, runSchedules: false });
    await control.start();
    await db.pool.query(
      `CREATE TABLE ${db.schema}.test_runs (slot timestamptz NOT NULL, node text NOT NULL, job_id uuid NOT NULL)`,
    );
    await db.pool.query(
      `CREATE TABLE ${db.schema}.test_attempts (job_id uuid NOT NULL, node text NOT NULL, pid integer NOT NULL,
         retry_count integer NOT NULL, completed boolean NOT NULL DEFAULT false, at timestamptz NOT NULL DEFAULT now())`,
    );
    nodes.push(...(await Promise.all([startNode(db, 'node-a'), startNode(db, 'node-b')])));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(nodes.map(stopNode));
    await control?.stop();
    await db?.drop();
  }, 30_000);

  it('runs every scheduled slot exactly once across both nodes', async () => {
    await control.schedule('tick', '*/2 * * * * *', { key: 'every-2s', data: { from: 'test' } });
    await sleep(11_000);
    await control.unschedule('tick', 'every-2s');
    await sleep(1_500); // let the last claimed slot be worked
    const { rows } = await db.pool.query<{ slot: Date; runs: string; nodes: string }>(
      `SELECT slot, count(*) AS runs, string_agg(node, ',') AS nodes FROM ${db.schema}.test_runs GROUP BY slot ORDER BY slot`,
    );
    const slots = rows.map((row) => row.slot.getTime());
    console.info(
      `[multi-node] ${rows.length} slots: ${rows.map((row) => `${row.slot.toISOString().slice(11, 19)}=${row.nodes}`).join(' ')}`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(4);
    expect(rows.every((row) => Number(row.runs) === 1)).toBe(true);
    // No slot skipped between the first and the last.
    for (let i = 1; i < slots.length; i++) expect((slots[i] as number) - (slots[i - 1] as number)).toBe(2_000);
  }, 30_000);

  it('retries on the other node a job whose worker was killed mid-job', async () => {
    const id = await control.send(
      'slow',
      { order: 'kill-me' },
      {
        timeoutSeconds: 2,
        retryLimit: 2,
        retryDelaySeconds: 0,
        retryBackoff: false,
      },
    );
    let first: { node: string; pid: number } | undefined;
    await waitFor(
      async () => {
        const { rows } = await db.pool.query<{ node: string; pid: number }>(
          `SELECT node, pid FROM ${db.schema}.test_attempts WHERE job_id = $1 AND retry_count = 0`,
          [id],
        );
        first = rows[0];
        return first !== undefined;
      },
      15_000,
      'the first attempt to start',
    );
    const victim = nodes.find((node) => node.name === first?.node) as Node;
    const survivor = nodes.find((node) => node !== victim) as Node;
    const killedAt = Date.now();
    victim.process.kill('SIGKILL');

    let retry: { node: string; completed: boolean } | undefined;
    await waitFor(
      async () => {
        const { rows } = await db.pool.query<{ node: string; completed: boolean }>(
          `SELECT node, completed FROM ${db.schema}.test_attempts WHERE job_id = $1 AND retry_count = 1`,
          [id],
        );
        retry = rows[0];
        return retry?.completed === true;
      },
      20_000,
      'the retry on the surviving node',
    );
    console.info(
      `[multi-node] killed ${victim.name}; ${survivor.name} finished the retry ${Date.now() - killedAt} ms later`,
    );
    expect(retry?.node).toBe(survivor.name);
    const { rows } = await db.pool.query(
      `SELECT count(*)::int AS n FROM ${db.schema}.test_attempts WHERE job_id = $1`,
      [id],
    );
    expect(rows[0]).toEqual({ n: 2 });
    expect(await control.deadLetters('slow')).toEqual([]);
  }, 40_000);
});
