import {
  type Automation,
  createId,
  type JobQueue,
  OutpaceError,
  type QueueJob,
  type RunFile,
  type SchedulerRun,
  type SchedulerRunState,
} from '@outpace/core';
import { z } from 'zod';
import type { ServerDeps } from '../deps.js';
import { metricsOf } from '../http/metrics.js';
import { executeAutomation } from '../services/automations-runner.js';
import { scheduleCrons } from '../services/automations-schedule.js';
import { runExpiry, runRetention } from './housekeeping.js';

/** Queue names of the scheduler's jobs. */
export const SCHEDULER_QUEUES = {
  automation: 'outpace.automation',
  expiry: 'outpace.expiry',
  retention: 'outpace.retention',
} as const;

/** An interval schedule needs at most one cron per hour of the day. */
const MAX_CRONS = 24;

/** Options of {@link createScheduler}. */
export interface SchedulerOptions {
  /** Retries of an automation run after a transient failure (SFTP unreachable, timeout, cut transfer). @default 3 */
  retryLimit?: number;
  /** Seconds before the first retry; each retry doubles it (with jitter). @default 60 */
  retryDelaySeconds?: number;
  /** Longest an automation run may take before it counts as failed (and its lock expires). @default 3600 */
  timeoutSeconds?: number;
  /** Automation runs at once on this node. @default 2 */
  concurrency?: number;
  /** When list and suppression expiry runs (five-field cron, UTC). @default '15 2 * * *' */
  expiryCron?: string;
  /** When artifact and run-history retention runs (five-field cron, UTC). @default '45 2 * * *' */
  retentionCron?: string;
  /** Days an expired suppression list is kept (it no longer suppresses) before it is deleted. @default 30 */
  expiredSuppressionGraceDays?: number;
  /**
   * Days after its last change at which a contact list no campaign group uses
   * is deleted; unset keeps lists forever.
   */
  contactListRetentionDays?: number;
  /** Days import line reports (rejects and messages artifacts) are kept. @default 90 */
  importReportRetentionDays?: number;
  /** Days finished scheduler runs are kept. @default 90 */
  runRetentionDays?: number;
  /** Start the queue (`queue.start()`) in `start()`; turn off when the host starts it. @default true */
  startQueue?: boolean;
}

const OptionsSchema = z.object({
  retryLimit: z.number().int().min(0).max(20).default(3),
  retryDelaySeconds: z.number().int().min(1).max(86_400).default(60),
  timeoutSeconds: z.number().int().min(10).max(86_400).default(3600),
  concurrency: z.number().int().min(1).max(32).default(2),
  expiryCron: z.string().default('15 2 * * *'),
  retentionCron: z.string().default('45 2 * * *'),
  expiredSuppressionGraceDays: z.number().int().min(0).max(3650).default(30),
  contactListRetentionDays: z.number().int().min(1).max(36_500).optional(),
  importReportRetentionDays: z.number().int().min(1).max(36_500).default(90),
  runRetentionDays: z.number().int().min(1).max(36_500).default(90),
  startQueue: z.boolean().default(true),
});
export type ResolvedSchedulerOptions = z.infer<typeof OptionsSchema>;

/** Data of an automation job. */
interface AutomationJob {
  tenantId: string;
  automationId: string;
  trigger: 'schedule' | 'manual';
  /** A manual run's record, created when it was asked for. */
  runId?: string;
  requestedBy?: string;
}

/** The scheduler of list automations and housekeeping. */
export interface Scheduler {
  readonly options: Readonly<ResolvedSchedulerOptions>;
  /** Registers the workers, starts the queue, and schedules housekeeping and every enabled automation of every tenant. */
  start(): Promise<void>;
  /** Stops the queue (running jobs get its grace period). */
  stop(): Promise<void>;
  /** Brings an automation's schedule in line after it was created, changed (`previous` → `next`) or deleted (`next` undefined). */
  syncAutomation(tenantId: string, previous: Automation | undefined, next: Automation | undefined): Promise<void>;
  /** Queues a run now; resolves to its record (state `queued`). `CONFLICT` when a run is already queued or running. */
  runAutomationNow(tenantId: string, automationId: string, requestedBy: string): Promise<SchedulerRun>;
  /** Runs a housekeeping job now for every tenant (queued). */
  runHousekeepingNow(kind: 'expiry' | 'retention'): Promise<void>;
  /** Handles one automation job (exposed for tests and custom queues). */
  handleAutomationJob(job: QueueJob<AutomationJob>): Promise<void>;
}

function scheduleKey(tenantId: string, automationId: string, index: number): string {
  return `automation:${tenantId}:${automationId}:${index}`;
}

function finalState(files: readonly RunFile[], failedWhole: boolean): SchedulerRunState {
  const ok = files.filter(
    (f) => f.outcome === 'imported' || f.outcome === 'exported' || f.outcome === 'already-imported',
  ).length;
  const bad = files.filter((f) => f.outcome === 'failed' || f.error !== undefined).length;
  if (failedWhole) return ok > 0 ? 'partial' : 'failed';
  if (bad === 0) return 'succeeded';
  return ok > 0 ? 'partial' : 'failed';
}

/**
 * Creates the scheduler on the server's job queue (`deps.queue`): list
 * automations run per their schedule (each slot once across nodes; a run
 * takes the automation's lock, so two runs never overlap), are retried on
 * transient failures and recorded with their outcome; housekeeping expires
 * and purges suppression lists (and, when configured, unused contact lists)
 * and deletes old import reports and run records.
 *
 * @example
 * deps.queue = createInProcessQueue();
 * deps.scheduler = createScheduler(deps);
 * await deps.scheduler.start();
 */
export function createScheduler(deps: ServerDeps, options: SchedulerOptions = {}): Scheduler {
  const parsed = OptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new OutpaceError(
      'VALIDATION_FAILED',
      `Invalid scheduler options: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}.`,
    );
  }
  const o = parsed.data;
  const queue = (): JobQueue => {
    if (deps.queue === undefined)
      throw new OutpaceError('NOT_READY', 'The server has no job queue (deps.queue); the scheduler needs one.');
    return deps.queue;
  };
  const node = deps.nodeId ?? 'node';
  const log = deps.logger.child({ component: 'scheduler' });
  const send = {
    retryLimit: o.retryLimit,
    retryDelaySeconds: o.retryDelaySeconds,
    retryBackoff: true,
    timeoutSeconds: o.timeoutSeconds,
  };

  const registerAutomation = async (tenantId: string, automation: Automation) => {
    const crons = automation.enabled ? scheduleCrons(automation.schedule) : [];
    for (const [i, c] of crons.entries()) {
      await queue().schedule(SCHEDULER_QUEUES.automation, c.cron, {
        key: scheduleKey(tenantId, automation.id, i),
        timeZone: c.timeZone,
        data: { tenantId, automationId: automation.id, trigger: 'schedule' } satisfies AutomationJob,
        send,
      });
    }
    return crons.length;
  };
  const unregister = async (tenantId: string, automationId: string, from: number, to: number) => {
    for (let i = from; i < to; i++)
      await queue().unschedule(SCHEDULER_QUEUES.automation, scheduleKey(tenantId, automationId, i));
  };

  const findRun = async (tenantId: string, automationId: string, jobId: string) => {
    const page = await deps.store.forTenant(tenantId).schedulerRuns.list({ automationId, limit: 100 });
    return page.items.find((r) => r.jobId === jobId);
  };

  const handleAutomationJob = async (job: QueueJob<AutomationJob>): Promise<void> => {
    const { tenantId, automationId } = job.data;
    const tenant = deps.store.forTenant(tenantId);
    const automation = await tenant.automations.get(automationId);
    let run =
      job.data.runId !== undefined
        ? await tenant.schedulerRuns.get(job.data.runId)
        : await findRun(tenantId, automationId, job.id);
    if (automation === undefined || (job.data.trigger === 'schedule' && !automation.enabled)) {
      // Deleted or disabled since the slot was scheduled: drop stale schedules, record nothing new.
      if (job.data.trigger === 'schedule') await unregister(tenantId, automationId, 0, MAX_CRONS);
      if (run !== undefined && run.state === 'queued') {
        await tenant.schedulerRuns.update(run.id, {
          state: 'skipped',
          finishedAt: deps.clock.now(),
          messages: [...run.messages, 'The automation was deleted before the run started.'],
        });
      }
      return;
    }
    const now = deps.clock.now();
    run ??= await tenant.schedulerRuns.create({
      ...(job.data.runId === undefined ? {} : { id: job.data.runId }),
      ...(job.data.requestedBy === undefined ? {} : { requestedBy: job.data.requestedBy }),
      kind: 'automation',
      automationId,
      trigger: job.data.trigger,
      state: 'queued',
      jobId: job.id,
      ...(job.scheduledAt === undefined ? {} : { scheduledAt: job.scheduledAt }),
    });
    const owner = `${node}/${job.id}`;
    if (!(await tenant.automations.acquireLock(automationId, owner, (o.timeoutSeconds + 60) * 1000))) {
      await tenant.schedulerRuns.update(run.id, {
        state: 'skipped',
        finishedAt: now,
        messages: [...run.messages, 'Another run of this automation was in progress; this one did nothing.'],
      });
      metricsOf(deps).schedulerRun('automation', 'skipped');
      await tenant.automations.noteRun(automationId, run.id, now);
      return;
    }
    let retry: OutpaceError | undefined;
    try {
      run = await tenant.schedulerRuns.update(run.id, {
        state: 'running',
        attempts: run.attempts + 1,
        startedAt: run.startedAt ?? now,
        node,
        jobId: job.id,
        retrying: false,
        error: null,
      });
      const outcome = await executeAutomation(deps, tenantId, automation, run, {
        ...(job.signal === undefined ? {} : { signal: job.signal }),
      });
      // A later attempt's record of a file replaces an earlier attempt's (a retried transfer that now succeeded).
      const redone = new Set(outcome.files.map((f) => `${f.ruleId}\u0000${f.path}`));
      const files = [...run.files.filter((f) => !redone.has(`${f.ruleId}\u0000${f.path}`)), ...outcome.files].slice(
        -1000,
      );
      const transient = outcome.error?.transient === true;
      const willRetry = transient && job.retryCount < o.retryLimit;
      const state = finalState(files, outcome.error !== undefined);
      const messages = [...run.messages, ...outcome.messages];
      if (willRetry) messages.push(`Attempt ${run.attempts} failed (${outcome.error?.code}); retrying.`);
      if (files.length === 0 && outcome.error === undefined) messages.push('No file matched; nothing to do.');
      run = await tenant.schedulerRuns.update(run.id, {
        state: willRetry ? 'failed' : state,
        files,
        messages: messages.slice(-100),
        retrying: willRetry,
        error: outcome.error ?? null,
        ...(willRetry ? {} : { finishedAt: deps.clock.now() }),
      });
      await tenant.automations.noteRun(automationId, run.id, deps.clock.now());
      metricsOf(deps).schedulerRun('automation', willRetry ? 'retrying' : run.state);
      log.info('automation run finished', {
        tenantId,
        automationId,
        runId: run.id,
        state: run.state,
        files: files.length,
      });
      if (transient && outcome.error !== undefined) {
        retry = new OutpaceError(
          outcome.error.code,
          `Automation ${automationId} run ${run.id}: ${outcome.error.message}`,
        );
      }
    } finally {
      await tenant.automations.releaseLock(automationId, owner).catch(() => undefined);
    }
    // Thrown after the lock is released, so the queue's retry (or dead letter) takes over.
    if (retry !== undefined) throw retry;
  };

  const forEachTenant = async (work: (tenantId: string) => Promise<void>) => {
    let after: string | undefined;
    do {
      const page = await deps.store.tenants.list(after === undefined ? { limit: 200 } : { after, limit: 200 });
      for (const t of page.items) {
        try {
          await work(t.id);
        } catch (error) {
          log.error('scheduler job failed for a tenant', { tenantId: t.id, error: String(error) });
        }
      }
      after = page.nextCursor ?? undefined;
    } while (after !== undefined);
  };

  return {
    options: Object.freeze({ ...o }),
    async start() {
      const q = queue();
      await q.work<AutomationJob>(SCHEDULER_QUEUES.automation, handleAutomationJob, { concurrency: o.concurrency });
      await q.work(SCHEDULER_QUEUES.expiry, (job) => forEachTenant((tenantId) => runExpiry(deps, o, tenantId, job)));
      await q.work(SCHEDULER_QUEUES.retention, (job) =>
        forEachTenant((tenantId) => runRetention(deps, o, tenantId, job)),
      );
      if (o.startQueue) await q.start();
      await q.schedule(SCHEDULER_QUEUES.expiry, o.expiryCron, { key: 'housekeeping.expiry', timeZone: 'UTC' });
      await q.schedule(SCHEDULER_QUEUES.retention, o.retentionCron, { key: 'housekeeping.retention', timeZone: 'UTC' });
      let scheduled = 0;
      await forEachTenant(async (tenantId) => {
        let after: string | undefined;
        do {
          const page = await deps.store
            .forTenant(tenantId)
            .automations.list(after === undefined ? { limit: 500 } : { after, limit: 500 });
          for (const automation of page.items) {
            if (automation.enabled) scheduled += (await registerAutomation(tenantId, automation)) > 0 ? 1 : 0;
          }
          after = page.nextCursor ?? undefined;
        } while (after !== undefined);
      });
      log.info('scheduler started', { node, automations: scheduled, distributed: q.capabilities.distributed });
    },
    async stop() {
      if (o.startQueue) await deps.queue?.stop();
    },
    async syncAutomation(tenantId, previous, next) {
      const before = previous?.enabled === true ? scheduleCrons(previous.schedule).length : 0;
      const after = next === undefined ? 0 : await registerAutomation(tenantId, next);
      const id = next?.id ?? previous?.id;
      if (id !== undefined && before > after) await unregister(tenantId, id, after, before);
    },
    async runAutomationNow(tenantId, automationId, requestedBy) {
      const tenant = deps.store.forTenant(tenantId);
      const runId = createId('run', deps.clock);
      const jobId = await queue().send(
        SCHEDULER_QUEUES.automation,
        { tenantId, automationId, trigger: 'manual', runId, requestedBy } satisfies AutomationJob,
        { ...send, singletonKey: `manual:${tenantId}:${automationId}` },
      );
      if (jobId === null) {
        throw new OutpaceError(
          'CONFLICT',
          `A manual run of automation "${automationId}" is already queued or running; wait for it to finish.`,
          {
            details: { automationId },
          },
        );
      }
      // The job may already have started and created nothing (it looks the run up by id): create it if absent.
      const existing = await tenant.schedulerRuns.get(runId);
      return (
        existing ??
        (await tenant.schedulerRuns
          .create({
            id: runId,
            kind: 'automation',
            automationId,
            trigger: 'manual',
            state: 'queued',
            jobId,
            requestedBy,
          })
          .catch(async (error: unknown) => {
            const raced = await tenant.schedulerRuns.get(runId);
            if (raced === undefined) throw error;
            return raced;
          }))
      );
    },
    async runHousekeepingNow(kind) {
      await queue().send(SCHEDULER_QUEUES[kind], {}, { retryLimit: 1 });
    },
    handleAutomationJob,
  };
}
