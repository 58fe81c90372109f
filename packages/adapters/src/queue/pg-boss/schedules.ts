import type { Clock, Logger } from '@outpace/core';
import { type CronPlan, compileCron } from '../internal/cron.js';
import { type ResolvedSchedule, type ResolvedSend, SEND_DEFAULTS } from '../internal/validate.js';
import type { PgClientLike, PgPoolLike } from './options.js';

/** What the schedule store needs from the queue. */
export interface ScheduleStoreDeps {
  /** A validated schema name. */
  schema: string;
  clock: Clock;
  catchUpSeconds: number;
  log: Logger;
  pool: () => PgPoolLike;
  transaction: <T>(fn: (client: PgClientLike) => Promise<T>) => Promise<T>;
  /** Inserts the run's job on `client`, inside the claim's transaction. */
  sendRun: (
    client: PgClientLike,
    queue: string,
    data: unknown,
    send: ResolvedSend,
    slot: number,
    key: string,
  ) => Promise<void>;
  /** Wakes local workers of `queue`. */
  notify: (queue: string) => void;
}

/** Cron schedules in the `outpace_schedule` table, and the check that fires their slots. */
export interface ScheduleStore {
  /** Creates or replaces a schedule; the same cron and zone keep their state. */
  upsert(queue: string, cron: string, schedule: ResolvedSchedule): Promise<void>;
  remove(queue: string, key: string): Promise<void>;
  /** One pass: claims each due slot (compare-and-set on last_slot) and sends its job in the same transaction. */
  tick(): Promise<void>;
}

export function createScheduleStore(deps: ScheduleStoreDeps): ScheduleStore {
  const s = deps.schema;
  const plans = new Map<string, CronPlan>();

  const planFor = (cron: string, timeZone: string): CronPlan => {
    const key = `${timeZone}\u0000${cron}`;
    let plan = plans.get(key);
    if (plan === undefined) {
      plan = compileCron(cron, timeZone);
      plans.set(key, plan);
    }
    return plan;
  };

  const fire = async (row: Record<string, unknown>, now: number): Promise<void> => {
    const key = String(row.key);
    let plan: CronPlan;
    try {
      plan = planFor(String(row.cron), String(row.time_zone));
    } catch (error) {
      deps.log.error('schedule has an invalid cron or zone, skipped', {
        schedule: key,
        error: (error as Error).message,
      });
      return;
    }
    const slot = plan.latestAtOrBefore(now);
    if (slot === undefined || slot < (row.active_from as Date).getTime()) return;
    if (row.last_slot !== null && slot <= (row.last_slot as Date).getTime()) return;
    const stale = now - slot > deps.catchUpSeconds * 1000;
    const queue = String(row.queue);
    const sent = await deps.transaction(async (client) => {
      const claim = await client.query(
        `UPDATE ${s}.outpace_schedule SET last_slot = $2
         WHERE key = $1 AND cron = $3 AND time_zone = $4 AND (last_slot IS NULL OR last_slot < $2)
         RETURNING key`,
        [key, new Date(slot), row.cron, row.time_zone],
      );
      // Another node claimed it first, or it is too old to run (claimed anyway, so it is skipped once).
      if (claim.rows.length === 0 || stale) return false;
      const send: ResolvedSend = {
        ...SEND_DEFAULTS,
        ...(row.send_options as Partial<ResolvedSend>),
        singletonKey: undefined,
        startAfter: undefined,
      };
      await deps.sendRun(client, queue, row.data ?? null, send, slot, key);
      return true;
    });
    const at = new Date(slot).toISOString();
    if (sent) {
      deps.log.debug('schedule slot sent', { schedule: key, slot: at });
      deps.notify(queue);
    } else if (stale) {
      deps.log.warn('schedule slot missed beyond the catch-up window, skipped', { schedule: key, slot: at });
    }
  };

  return {
    async upsert(queue, cron, schedule) {
      const same = `${s}.outpace_schedule.cron = EXCLUDED.cron AND ${s}.outpace_schedule.time_zone = EXCLUDED.time_zone`;
      await deps.pool().query(
        `INSERT INTO ${s}.outpace_schedule (key, queue, cron, time_zone, data, send_options, active_from)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7)
         ON CONFLICT (key) DO UPDATE SET
           queue = EXCLUDED.queue,
           data = EXCLUDED.data,
           send_options = EXCLUDED.send_options,
           active_from = CASE WHEN ${same} THEN ${s}.outpace_schedule.active_from ELSE EXCLUDED.active_from END,
           last_slot = CASE WHEN ${same} THEN ${s}.outpace_schedule.last_slot ELSE NULL END,
           cron = EXCLUDED.cron,
           time_zone = EXCLUDED.time_zone,
           updated_on = now()`,
        [
          schedule.key,
          queue,
          cron,
          schedule.timeZone,
          JSON.stringify(schedule.data),
          JSON.stringify(schedule.send),
          new Date(deps.clock.now()),
        ],
      );
    },

    async remove(queue, key) {
      await deps.pool().query(`DELETE FROM ${s}.outpace_schedule WHERE key = $1 AND queue = $2`, [key, queue]);
    },

    async tick() {
      const now = deps.clock.now();
      const { rows } = await deps
        .pool()
        .query(
          `SELECT key, queue, cron, time_zone, data, send_options, active_from, last_slot FROM ${s}.outpace_schedule`,
        );
      for (const row of rows) await fire(row, now);
    },
  };
}
