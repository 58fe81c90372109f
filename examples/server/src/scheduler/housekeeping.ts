import type { QueueJob, SchedulerRunKind } from '@outpace/core';
import type { ServerDeps } from '../deps.js';
import { metricsOf } from '../http/metrics.js';
import { runError, systemContext } from '../services/automations-runner.js';
import { invalidateCompliance } from '../services/compliance-engine.js';
import type { ResolvedSchedulerOptions } from './scheduler.js';

const DAY = 86_400_000;

async function collect<T>(fetch: (after: string | undefined) => Promise<{ items: T[]; nextCursor: string | null }>) {
  const out: T[] = [];
  let after: string | undefined;
  do {
    const page = await fetch(after);
    out.push(...page.items);
    after = page.nextCursor ?? undefined;
  } while (after !== undefined);
  return out;
}

/** Runs `work` for one tenant as a recorded housekeeping run (its counters in `summary`). */
async function recorded(
  deps: ServerDeps,
  tenantId: string,
  kind: SchedulerRunKind,
  job: QueueJob<unknown>,
  work: (summary: Record<string, number>, messages: string[]) => Promise<void>,
): Promise<void> {
  const tenant = deps.store.forTenant(tenantId);
  const run = await tenant.schedulerRuns.create({
    kind,
    trigger: job.scheduledAt === undefined ? 'manual' : 'schedule',
    state: 'running',
    attempts: job.retryCount + 1,
    startedAt: deps.clock.now(),
    jobId: job.id,
    ...(job.scheduledAt === undefined ? {} : { scheduledAt: job.scheduledAt }),
    ...(deps.nodeId === undefined ? {} : { node: deps.nodeId }),
  });
  const summary: Record<string, number> = {};
  const messages: string[] = [];
  try {
    await work(summary, messages);
    await tenant.schedulerRuns.update(run.id, { state: 'succeeded', summary, messages, finishedAt: deps.clock.now() });
    metricsOf(deps).schedulerRun(kind, 'succeeded');
  } catch (error) {
    metricsOf(deps).schedulerRun(kind, 'failed');
    await tenant.schedulerRuns.update(run.id, {
      state: 'failed',
      summary,
      messages,
      error: runError(error),
      finishedAt: deps.clock.now(),
    });
    throw error;
  }
}

/**
 * Expiry and purge for one tenant: suppression lists past `expiresAt` by more
 * than the grace period are deleted (an expired list already stopped
 * suppressing; registry copies' lists are kept), and, when
 * `contactListRetentionDays` is set, contact lists unchanged for that long
 * that no campaign group uses. Each deletion is audited as the system.
 */
export async function runExpiry(
  deps: ServerDeps,
  o: ResolvedSchedulerOptions,
  tenantId: string,
  job: QueueJob<unknown>,
): Promise<void> {
  await recorded(deps, tenantId, 'expiry', job, async (summary, messages) => {
    const ctx = systemContext(deps, tenantId, { id: 'housekeeping.expiry', label: 'Scheduler: expiry and purge' });
    const now = deps.clock.now();
    const registryLists = new Set(
      (await ctx.tenant.compliance.registryCopies.latest()).map((c) => c.suppressionListId),
    );
    const lists = await collect((after) =>
      ctx.tenant.suppression.listLists(after === undefined ? { limit: 1000 } : { after, limit: 1000 }),
    );
    summary.suppressionListsPurged = 0;
    for (const list of lists) {
      if (list.expiresAt === undefined || list.expiresAt + o.expiredSuppressionGraceDays * DAY > now) continue;
      if (registryLists.has(list.id)) continue;
      if (await ctx.tenant.suppression.deleteList(list.id)) {
        summary.suppressionListsPurged++;
        await ctx.audit({
          action: 'suppressionList.purge',
          target: { type: 'suppressionList', id: list.id },
          summary: `purged suppression list "${list.name}", expired on ${new Date(list.expiresAt).toISOString().slice(0, 10)}`,
          before: { ...list },
        });
      }
    }
    if (summary.suppressionListsPurged > 0) invalidateCompliance(deps, tenantId);
    summary.contactListsPurged = 0;
    if (o.contactListRetentionDays !== undefined) {
      const groups = await collect((after) =>
        ctx.tenant.campaigns.groups.list(after === undefined ? { limit: 1000 } : { after, limit: 1000 }),
      );
      const used = new Set(groups.flatMap((g) => g.lists.map((l) => l.listId)));
      const contactLists = await collect((after) =>
        ctx.tenant.lists.list(after === undefined ? { limit: 1000 } : { after, limit: 1000 }),
      );
      for (const list of contactLists) {
        if (used.has(list.id) || list.updatedAt + o.contactListRetentionDays * DAY > now) continue;
        if (await ctx.tenant.lists.delete(list.id)) {
          summary.contactListsPurged++;
          await ctx.audit({
            action: 'list.purge',
            target: { type: 'list', id: list.id },
            summary: `purged contact list "${list.name}", unchanged for ${o.contactListRetentionDays} days and used by no campaign group`,
            before: { ...list },
          });
        }
      }
    } else {
      messages.push('Contact lists are kept (contactListRetentionDays is not set).');
    }
  });
}

/**
 * Retention for one tenant: line reports (rejects and messages artifacts) of
 * import jobs finished more than `importReportRetentionDays` ago are deleted
 * (the jobs and their counters stay), and finished scheduler runs older than
 * `runRetentionDays`.
 */
export async function runRetention(
  deps: ServerDeps,
  o: ResolvedSchedulerOptions,
  tenantId: string,
  job: QueueJob<unknown>,
): Promise<void> {
  await recorded(deps, tenantId, 'retention', job, async (summary, messages) => {
    const tenant = deps.store.forTenant(tenantId);
    const now = deps.clock.now();
    const cutoff = now - o.importReportRetentionDays * DAY;
    summary.importJobsTrimmed = 0;
    summary.reportsDeleted = 0;
    const deleteReports = tenant.importJobs.deleteReports?.bind(tenant.importJobs);
    if (deleteReports === undefined) {
      messages.push('This store cannot delete import reports; none were removed.');
    } else {
      const jobs = await collect((after) =>
        tenant.importJobs.list(after === undefined ? { limit: 1000 } : { after, limit: 1000 }),
      );
      for (const j of jobs) {
        const finished = j.finishedAt ?? (j.state === 'queued' || j.state === 'running' ? undefined : j.createdAt);
        if (finished === undefined || finished > cutoff) continue;
        const deleted = await deleteReports(j.id);
        if (deleted > 0) {
          summary.importJobsTrimmed++;
          summary.reportsDeleted += deleted;
        }
      }
    }
    summary.runsDeleted = await tenant.schedulerRuns.deleteBefore(now - o.runRetentionDays * DAY);
  });
}
