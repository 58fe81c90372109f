import type { Logger, QueueJob } from '@outpace/core';
import { OutpaceError } from '@outpace/core';
import type PgBoss from 'pg-boss';
import { QueueErrorCode } from '../errors.js';
import { SEND_DEFAULTS, slotOfRunKey } from '../internal/validate.js';

/**
 * Runs one fetched pg-boss job through a handler. The handler's signal aborts when the attempt expires
 * (pg-boss then fails it) or the queue stops; a throw fails the attempt, which pg-boss retries.
 */
export async function runJob(
  handler: (job: QueueJob<unknown>) => Promise<void>,
  job: PgBoss.JobWithMetadata<unknown>,
  running: Set<AbortController>,
  log: Logger,
): Promise<void> {
  const controller = new AbortController();
  const timeoutSeconds = Number(job.expireInSeconds) || SEND_DEFAULTS.timeoutSeconds;
  const timer = setTimeout(() => {
    controller.abort(
      new OutpaceError(
        QueueErrorCode.JOB_TIMEOUT,
        `Job ${job.id} on ${job.name} ran longer than its ${timeoutSeconds} s timeout.`,
      ),
    );
  }, timeoutSeconds * 1000);
  timer.unref();
  running.add(controller);
  const queueJob: QueueJob<unknown> = {
    id: job.id,
    queue: job.name,
    data: job.data,
    retryCount: job.retryCount,
    signal: controller.signal,
  };
  const slot = slotOfRunKey(job.singletonKey);
  if (slot !== undefined) queueJob.scheduledAt = slot;
  else if (job.singletonKey != null) queueJob.singletonKey = job.singletonKey;
  try {
    await handler(queueJob);
    // Past its timeout the attempt has failed, whatever the handler did afterwards.
    if (controller.signal.aborted) throw controller.signal.reason;
  } catch (error) {
    log.warn('job attempt failed', {
      job: job.id,
      queue: job.name,
      retryCount: job.retryCount,
      error: error instanceof Error ? error.message : String(error),
    });
    throw error instanceof Error ? error : new Error(String(error));
  } finally {
    clearTimeout(timer);
    running.delete(controller);
  }
}
