import type { JobQueue, QueueJob } from '@outpace/core';
import { isOutpaceError } from '@outpace/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createInProcessQueue, createVirtualTime, type VirtualTime } from './index.js';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('in-process queue on virtual time', () => {
  let queue: JobQueue | undefined;
  let current: VirtualTime | undefined;
  afterEach(async () => {
    // stop() waits for hung handlers through the virtual timers, so keep time moving.
    const stopped = queue?.stop();
    await current?.advance(10_000);
    await stopped;
    queue = undefined;
  });

  const setup = (start: string, random = () => 0, catchUpSeconds?: number): VirtualTime => {
    const time = createVirtualTime(Date.parse(start));
    queue = createInProcessQueue({
      clock: time.clock,
      timers: time.timers,
      random,
      stopTimeoutMs: 5_000,
      ...(catchUpSeconds === undefined ? {} : { catchUpSeconds }),
    });
    current = time;
    return time;
  };

  it('fires a fixed-time schedule across the spring-forward gap at the end of the gap', async () => {
    const time = setup('2026-03-07T00:00:00Z');
    const runs: (number | undefined)[] = [];
    const q = queue as JobQueue;
    await q.work('nightly', async (job) => {
      runs.push(job.scheduledAt);
    });
    await q.start();
    await q.schedule('nightly', '30 2 * * *', { timeZone: 'America/New_York' });
    await time.advance(3 * 86_400_000);
    // 02:30 EST = 07:30Z; on 03-08 02:30 does not exist and runs at 03:00 EDT = 07:00Z; then 02:30 EDT = 06:30Z.
    expect(runs.map(iso)).toEqual(['2026-03-07T07:30:00.000Z', '2026-03-08T07:00:00.000Z', '2026-03-09T06:30:00.000Z']);
  });

  it('runs a fixed time repeated by the fall-back once, and an interval pattern on both occurrences', async () => {
    const time = setup('2026-11-01T04:00:00Z');
    const fixed: (string | undefined)[] = [];
    const every: (string | undefined)[] = [];
    const q = queue as JobQueue;
    await q.work('fixed', async (job) => {
      fixed.push(iso(job.scheduledAt));
    });
    await q.work('every', async (job) => {
      every.push(iso(job.scheduledAt));
    });
    await q.start();
    await q.schedule('fixed', '30 1 * * *', { timeZone: 'America/New_York' });
    await q.schedule('every', '*/30 1 * * *', { timeZone: 'America/New_York' });
    await time.advance(4 * 3_600_000);
    expect(fixed).toEqual(['2026-11-01T05:30:00.000Z']);
    expect(every).toEqual([
      '2026-11-01T05:00:00.000Z',
      '2026-11-01T05:30:00.000Z',
      '2026-11-01T06:00:00.000Z',
      '2026-11-01T06:30:00.000Z',
    ]);
  });

  it('catches up a recently missed slot once, and skips one beyond the window', async () => {
    const time = setup('2026-06-01T08:59:00Z', () => 0, 3600);
    const runs: (string | undefined)[] = [];
    const q = queue as JobQueue;
    await q.work('report', async (job) => {
      runs.push(iso(job.scheduledAt));
    });
    await q.start();
    await q.schedule('report', '0 9,12 * * *', { timeZone: 'UTC' });
    await time.settle();
    // The process is frozen (a laptop asleep, a long GC): the clock jumps without timers firing on time.
    time.clock.set(Date.parse('2026-06-01T09:40:00Z'));
    await time.advance(0);
    expect(runs).toEqual(['2026-06-01T09:00:00.000Z']);
    time.clock.set(Date.parse('2026-06-01T13:30:00Z')); // 12:00 is 90 minutes late
    await time.advance(0);
    expect(runs).toEqual(['2026-06-01T09:00:00.000Z']);
    await time.advance(24 * 3_600_000);
    expect(runs).toEqual(['2026-06-01T09:00:00.000Z', '2026-06-02T09:00:00.000Z', '2026-06-02T12:00:00.000Z']);
  });

  it('waits exactly delay·2^k between retries (jitter 0), then dead-letters the job', async () => {
    const time = setup('2026-01-01T00:00:00Z');
    const at: number[] = [];
    const q = queue as JobQueue;
    await q.work('flaky', async () => {
      at.push(time.clock.now());
      throw new Error('downstream 503');
    });
    await q.start();
    await q.send('flaky', { id: 7 }, { retryLimit: 3, retryDelaySeconds: 10, retryBackoff: true });
    await time.advance(600_000);
    const start = at[0] as number;
    expect(at.map((t) => (t - start) / 1000)).toEqual([0, 10, 30, 70]);
    expect(await q.deadLetters()).toEqual([
      {
        id: expect.stringMatching(/^qjb_/),
        queue: 'flaky',
        data: { id: 7 },
        error: 'downstream 503',
        failedAt: start + 70_000,
        retryCount: 3,
      },
    ]);
  });

  it('spreads backoff with jitter up to twice the delay', async () => {
    const time = setup('2026-01-01T00:00:00Z', () => 0.999);
    const at: number[] = [];
    const q = queue as JobQueue;
    await q.work('jitter', async () => {
      at.push(time.clock.now());
      throw new Error('no');
    });
    await q.start();
    await q.send('jitter', {}, { retryLimit: 1, retryDelaySeconds: 10 });
    await time.advance(60_000);
    expect(((at[1] as number) - (at[0] as number)) / 1000).toBeCloseTo(19.99, 1);
  });

  it('times out a hung attempt, aborting its signal, and retries it', async () => {
    const time = setup('2026-01-01T00:00:00Z');
    const seen: QueueJob[] = [];
    const q = queue as JobQueue;
    await q.work('hang', async (job) => {
      seen.push(job);
      if (job.retryCount === 0) await new Promise(() => {}); // never settles
    });
    await q.start();
    await q.send('hang', {}, { timeoutSeconds: 60, retryLimit: 1, retryDelaySeconds: 5, retryBackoff: false });
    await time.advance(59_000);
    expect(seen).toHaveLength(1);
    await time.advance(1_000);
    expect(seen[0]?.signal?.aborted).toBe(true);
    expect(isOutpaceError(seen[0]?.signal?.reason, 'ADAPTER_QUEUE_JOB_TIMEOUT')).toBe(true);
    await time.advance(5_000);
    expect(seen.map((job) => job.retryCount)).toEqual([0, 1]);
  });

  it('keeps a delayed job until startAfter', async () => {
    const time = setup('2026-01-01T00:00:00Z');
    const ran: number[] = [];
    const q = queue as JobQueue;
    await q.work('later', async () => {
      ran.push(time.clock.now());
    });
    await q.start();
    await q.send('later', {}, { startAfter: Date.parse('2026-01-01T01:00:00Z') });
    await time.advance(3_599_000);
    expect(ran).toEqual([]);
    await time.advance(1_000);
    expect(ran.map(iso)).toEqual(['2026-01-01T01:00:00.000Z']);
  });

  it('replacing a schedule with another cron starts it afresh; the same cron keeps its state', async () => {
    const time = setup('2026-01-01T00:00:30Z');
    const runs: (string | undefined)[] = [];
    const q = queue as JobQueue;
    await q.work('tick', async (job) => {
      runs.push(iso(job.scheduledAt));
    });
    await q.start();
    await q.schedule('tick', '* * * * *');
    await time.advance(30_000); // 00:01:00 runs
    await q.schedule('tick', '* * * * *'); // the same: no extra run for 00:01
    await time.advance(0);
    await q.schedule('tick', '*/5 * * * *'); // another cron from now on
    await time.advance(5 * 60_000);
    expect(runs).toEqual(['2026-01-01T00:01:00.000Z', '2026-01-01T00:05:00.000Z']);
  });

  it('stop() aborts handlers that outlive the grace period and fails their attempt', async () => {
    const time = setup('2026-01-01T00:00:00Z');
    const seen: QueueJob[] = [];
    const q = queue as JobQueue;
    await q.work('stuck', async (job) => {
      seen.push(job);
      await new Promise(() => {});
    });
    await q.start();
    await q.send('stuck', {});
    await time.settle();
    const stopped = q.stop();
    await time.advance(5_000);
    await stopped;
    expect(isOutpaceError(seen[0]?.signal?.reason, 'ADAPTER_QUEUE_STOPPED')).toBe(true);
  });
});
