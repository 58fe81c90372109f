/**
 * The behaviour every JobQueue implementation shares, run against the in-process
 * queue and the pg-boss queue on a real PostgreSQL, in real time.
 *
 * @example
 * describeJobQueueBehaviour('in-process', async ({ clock }) => createInProcessQueue({ clock }));
 */
import { randomBytes } from 'node:crypto';
import type { Clock, DeadLetter, JobQueue, QueueJob } from '@outpace/core';
import { isOutpaceError } from '@outpace/core';
import { afterEach, describe, expect, it } from 'vitest';

/** Builds a queue (not started); `clock` is only given when a test needs another instant. */
export type QueueFactory = (options: { clock?: Clock }) => Promise<JobQueue>;

export async function waitFor(
  predicate: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(25);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  return promise.then(
    () => undefined,
    (error: unknown) => (isOutpaceError(error) ? error.code : String(error)),
  );
}

/** A clock running in real time from a chosen instant. */
export function clockFrom(startMs: number): Clock {
  const offset = startMs - Date.now();
  return { now: () => Date.now() + offset };
}

export function describeJobQueueBehaviour(title: string, factory: QueueFactory): void {
  describe(`JobQueue behaviour: ${title}`, () => {
    const open: JobQueue[] = [];
    const make = async (options: { clock?: Clock } = {}): Promise<JobQueue> => {
      const queue = await factory(options);
      open.push(queue);
      return queue;
    };
    /** A queue name unique to the test, so runs sharing a database never see each other's jobs. */
    const q = (name: string): string => `${name}.${randomBytes(4).toString('hex')}`;

    afterEach(async () => {
      await Promise.all(open.splice(0).map((queue) => queue.stop()));
    });

    it('delivers a sent job once, with its data and retry count 0', async () => {
      const queue = await make();
      const name = q('deliver');
      const seen: QueueJob<{ n: number; at: string }>[] = [];
      await queue.work<{ n: number; at: string }>(name, async (job) => {
        seen.push(job);
      });
      await queue.start();
      const id = await queue.send(name, { n: 1, at: '2026-03-09' });
      expect(typeof id).toBe('string');
      await waitFor(() => seen.length === 1, 10_000, 'the job');
      await sleep(300);
      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({ id, queue: name, data: { n: 1, at: '2026-03-09' }, retryCount: 0 });
      expect(seen[0]?.signal?.aborted).toBe(false);
    });

    it('runs jobs sent before the worker was registered, in order', async () => {
      const queue = await make();
      const name = q('early');
      await queue.start();
      for (let i = 0; i < 3; i++) await queue.send(name, { i });
      const seen: number[] = [];
      await queue.work<{ i: number }>(name, async (job) => {
        seen.push(job.data.i);
      });
      await waitFor(() => seen.length === 3, 10_000, 'three jobs');
      expect(seen).toEqual([0, 1, 2]);
    });

    it('runs at most `concurrency` jobs at once', async () => {
      const queue = await make();
      const name = q('concurrency');
      let active = 0;
      let peak = 0;
      let done = 0;
      await queue.work(
        name,
        async () => {
          active++;
          peak = Math.max(peak, active);
          await sleep(300);
          active--;
          done++;
        },
        { concurrency: 2 },
      );
      await queue.start();
      for (let i = 0; i < 6; i++) await queue.send(name, { i });
      await waitFor(() => done === 6, 15_000, 'six jobs');
      expect(peak).toBeLessThanOrEqual(2);
      expect(peak).toBeGreaterThanOrEqual(1);
    });

    it('retries a failing job after its delay, then records a dead letter', async () => {
      const queue = await make();
      const name = q('dead');
      const attempts: { retryCount: number; at: number }[] = [];
      await queue.work<{ order: string }>(name, async (job) => {
        attempts.push({ retryCount: job.retryCount, at: Date.now() });
        throw new Error(`boom ${job.retryCount}`);
      });
      await queue.start();
      const id = await queue.send(name, { order: 'A-1' }, { retryLimit: 2, retryDelaySeconds: 1, retryBackoff: false });
      let letters: DeadLetter[] = [];
      await waitFor(
        async () => {
          letters = await queue.deadLetters(name);
          return letters.length > 0;
        },
        15_000,
        'a dead letter',
      );
      expect(attempts.map((a) => a.retryCount)).toEqual([0, 1, 2]);
      for (let i = 1; i < attempts.length; i++) {
        expect((attempts[i]?.at ?? 0) - (attempts[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(900);
      }
      expect(letters).toHaveLength(1);
      expect(letters[0]).toMatchObject({ id, queue: name, data: { order: 'A-1' }, error: 'boom 2', retryCount: 2 });
      expect(Math.abs((letters[0]?.failedAt ?? 0) - Date.now())).toBeLessThan(60_000);
      expect(await queue.deadLetters(q('other'))).toEqual([]);
    }, 30_000);

    it('backs off exponentially between retries', async () => {
      const queue = await make();
      const name = q('backoff');
      const at: number[] = [];
      await queue.work(name, async () => {
        at.push(Date.now());
        throw new Error('still failing');
      });
      await queue.start();
      await queue.send(name, {}, { retryLimit: 2, retryDelaySeconds: 1, retryBackoff: true });
      await waitFor(() => at.length === 3, 20_000, 'three attempts');
      const first = (at[1] as number) - (at[0] as number);
      const second = (at[2] as number) - (at[1] as number);
      // Retry k waits between delay·2^k and 2·delay·2^k seconds (plus polling latency).
      expect(first).toBeGreaterThanOrEqual(900);
      expect(first).toBeLessThan(3_500);
      expect(second).toBeGreaterThanOrEqual(1_900);
    }, 30_000);

    it('leaves no dead letter when a retry succeeds', async () => {
      const queue = await make();
      const name = q('recover');
      const seen: number[] = [];
      await queue.work(name, async (job) => {
        seen.push(job.retryCount);
        if (job.retryCount === 0) throw new Error('transient');
      });
      await queue.start();
      await queue.send(name, {}, { retryLimit: 3, retryDelaySeconds: 1, retryBackoff: false });
      await waitFor(() => seen.length === 2, 10_000, 'the retry');
      await sleep(500);
      expect(seen).toEqual([0, 1]);
      expect(await queue.deadLetters(name)).toEqual([]);
    });

    it('keeps one waiting or running job per singleton key', async () => {
      const queue = await make();
      const name = q('singleton');
      await queue.start();
      const first = await queue.send(name, { n: 1 }, { singletonKey: 'list-42' });
      expect(typeof first).toBe('string');
      expect(await queue.send(name, { n: 2 }, { singletonKey: 'list-42' })).toBeNull(); // waiting
      expect(typeof (await queue.send(name, { n: 3 }, { singletonKey: 'list-43' }))).toBe('string');
      expect(typeof (await queue.send(q('elsewhere'), { n: 4 }, { singletonKey: 'list-42' }))).toBe('string');

      let release: () => void = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const seen: QueueJob<{ n: number }>[] = [];
      await queue.work<{ n: number }>(name, async (job) => {
        seen.push(job);
        if (job.data.n === 1) await released;
      });
      await waitFor(() => seen.some((job) => job.data.n === 1), 10_000, 'the first job to run');
      expect(seen.find((job) => job.data.n === 1)?.singletonKey).toBe('list-42');
      expect(await queue.send(name, { n: 5 }, { singletonKey: 'list-42' })).toBeNull(); // running
      release();
      await waitFor(
        async () => (await queue.send(name, { n: 6 }, { singletonKey: 'list-42' })) !== null,
        10_000,
        'the key to free up',
      );
      await waitFor(() => seen.some((job) => job.data.n === 6), 10_000, 'the next job with the key');
      expect(seen.map((job) => job.data.n).sort()).toEqual([1, 3, 6]);
    });

    it('does not run a job before startAfter', async () => {
      const queue = await make();
      const name = q('later');
      let ranAt = 0;
      await queue.work(name, async () => {
        ranAt = Date.now();
      });
      await queue.start();
      const sentAt = Date.now();
      await queue.send(name, {}, { startAfter: sentAt + 1500 });
      await waitFor(() => ranAt > 0, 10_000, 'the delayed job');
      expect(ranAt - sentAt).toBeGreaterThanOrEqual(1400);
    });

    it('aborts an attempt that outlives its timeout and retries it', async () => {
      const queue = await make();
      const name = q('timeout');
      const seen: { retryCount: number; aborted?: string }[] = [];
      await queue.work(name, async (job) => {
        const record: { retryCount: number; aborted?: string } = { retryCount: job.retryCount };
        seen.push(record);
        if (job.retryCount === 0) {
          await new Promise<void>((resolve) => job.signal?.addEventListener('abort', () => resolve()));
          const reason = job.signal?.reason;
          record.aborted = isOutpaceError(reason) ? reason.code : String(reason);
        }
      });
      await queue.start();
      await queue.send(name, {}, { timeoutSeconds: 1, retryLimit: 1, retryDelaySeconds: 0, retryBackoff: false });
      await waitFor(() => seen.length === 2, 15_000, 'the retry after the timeout');
      expect(seen[0]).toEqual({ retryCount: 0, aborted: 'ADAPTER_QUEUE_JOB_TIMEOUT' });
      expect(seen[1]?.retryCount).toBe(1);
    }, 20_000);

    it('runs a cron schedule once per slot, in its IANA zone', async () => {
      // 08:59:58.5 in New York (EDT, UTC-4) on 2026-03-09, the day after the switch to summer time.
      const queue = await make({ clock: clockFrom(Date.parse('2026-03-09T12:59:58.500Z')) });
      const ny = q('cron-ny');
      const utc = q('cron-utc');
      const runs: QueueJob<{ list: string }>[] = [];
      const utcRuns: QueueJob[] = [];
      await queue.work<{ list: string }>(ny, async (job) => {
        runs.push(job);
      });
      await queue.work(utc, async (job) => {
        utcRuns.push(job);
      });
      await queue.start();
      await queue.schedule(ny, '0 9 * * *', { timeZone: 'America/New_York', data: { list: 'lst_1' } });
      await queue.schedule(utc, '0 9 * * *', { timeZone: 'UTC' });
      // Registering the same schedule again (as every node does at start-up) must not add runs.
      await queue.schedule(ny, '0 9 * * *', { timeZone: 'America/New_York', data: { list: 'lst_1' } });
      await waitFor(() => runs.length === 1, 10_000, 'the 09:00 New York run');
      await sleep(2_000);
      expect(runs).toHaveLength(1);
      expect(runs[0]?.scheduledAt).toBe(Date.parse('2026-03-09T13:00:00.000Z'));
      expect(runs[0]?.data).toEqual({ list: 'lst_1' });
      expect(utcRuns).toEqual([]);
    }, 20_000);

    it('keeps several named schedules per queue, and unschedule stops one', async () => {
      const queue = await make();
      const name = q('multi');
      const runs: QueueJob<{ key: string }>[] = [];
      await queue.work<{ key: string }>(name, async (job) => {
        runs.push(job);
      });
      await queue.start();
      await queue.schedule(name, '* * * * * *', { key: `${name}-fast`, data: { key: 'fast' } });
      await queue.schedule(name, '*/2 * * * * *', { key: `${name}-slow`, data: { key: 'slow' } });
      await waitFor(() => runs.filter((r) => r.data.key === 'fast').length >= 3, 10_000, 'three fast runs');
      await queue.unschedule(name, `${name}-fast`);
      await sleep(1_000); // a slot claimed just before unschedule may still be delivered
      const fastAfterStop = runs.filter((r) => r.data.key === 'fast').length;
      await sleep(2_500);
      expect(runs.filter((r) => r.data.key === 'fast')).toHaveLength(fastAfterStop);
      const slow = runs.filter((r) => r.data.key === 'slow');
      expect(slow.length).toBeGreaterThanOrEqual(1);
      for (const key of ['fast', 'slow']) {
        const slots = runs.filter((r) => r.data.key === key).map((r) => r.scheduledAt);
        expect(new Set(slots).size).toBe(slots.length); // one run per slot
        for (const slot of slots) expect((slot as number) % (key === 'fast' ? 1000 : 2000)).toBe(0);
      }
    }, 20_000);

    it('rejects an invalid cron expression or time zone', async () => {
      const queue = await make();
      await queue.start();
      expect(await codeOf(queue.schedule(q('bad'), '61 * * * *'))).toBe('ADAPTER_QUEUE_SCHEDULE_INVALID');
      expect(await codeOf(queue.schedule(q('bad'), '* * * *'))).toBe('ADAPTER_QUEUE_SCHEDULE_INVALID');
      expect(await codeOf(queue.schedule(q('bad'), '0 9 * * *', { timeZone: 'Mars/Olympus' }))).toBe(
        'ADAPTER_QUEUE_SCHEDULE_INVALID',
      );
    });

    it('stop() lets running handlers finish and takes no new work', async () => {
      const queue = await make();
      const name = q('drain');
      const started: number[] = [];
      const finished: number[] = [];
      await queue.work<{ n: number }>(name, async (job) => {
        started.push(job.data.n);
        await sleep(800);
        finished.push(job.data.n);
      });
      await queue.start();
      await queue.send(name, { n: 1 });
      await waitFor(() => started.length === 1, 10_000, 'the first job');
      await queue.send(name, { n: 2 });
      await queue.stop();
      expect(finished).toEqual([1]);
      await sleep(1_000);
      expect(started).toEqual([1]);
      expect(await codeOf(queue.send(name, { n: 3 }))).toBe('ADAPTER_QUEUE_STOPPED');
      await queue.stop(); // idempotent
    });

    it('validates queue names, options and data, and needs start() before sending', async () => {
      const queue = await make();
      expect(await codeOf(queue.send(q('early'), {}))).toBe('ADAPTER_QUEUE_NOT_STARTED');
      await queue.start();
      expect(await codeOf(queue.send('', {}))).toBe('ADAPTER_QUEUE_JOB_INVALID');
      expect(await codeOf(queue.send('__pgboss__send-it', {}))).toBe('ADAPTER_QUEUE_JOB_INVALID');
      expect(await codeOf(queue.send(q('x'), {}, { retryLimit: -1 }))).toBe('ADAPTER_QUEUE_JOB_INVALID');
      expect(await codeOf(queue.send(q('x'), {}, { retryDelaySeconds: 0.5 }))).toBe('ADAPTER_QUEUE_JOB_INVALID');
      expect(await codeOf(queue.send(q('x'), { big: 10n }))).toBe('ADAPTER_QUEUE_JOB_INVALID');
      expect(await codeOf(queue.work(q('x'), async () => {}, { concurrency: 0 }))).toBe('ADAPTER_QUEUE_JOB_INVALID');
    });
  });
}
