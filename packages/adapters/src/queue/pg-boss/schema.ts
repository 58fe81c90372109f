/**
 * Outpace's tables beside pg-boss's in the same schema, as versioned migrations
 * run under an advisory lock (several nodes may start at once).
 */

/** The schema version this code expects. */
export const QUEUE_SCHEMA_VERSION = 1;

/** SQL of each migration, by the version it creates. `s` is a validated schema name. */
export function queueMigrations(s: string): Record<number, string[]> {
  return {
    1: [
      `CREATE TABLE ${s}.outpace_queue_meta (version integer NOT NULL)`,
      `INSERT INTO ${s}.outpace_queue_meta (version) VALUES (0)`,
      // Cron schedules: one row per schedule key; last_slot is claimed with a compare-and-set, so each
      // slot is sent exactly once whichever node sees it first.
      `CREATE TABLE ${s}.outpace_schedule (
        key text PRIMARY KEY,
        queue text NOT NULL,
        cron text NOT NULL,
        time_zone text NOT NULL,
        data jsonb,
        send_options jsonb NOT NULL DEFAULT '{}'::jsonb,
        active_from timestamptz NOT NULL,
        last_slot timestamptz,
        created_on timestamptz NOT NULL DEFAULT now(),
        updated_on timestamptz NOT NULL DEFAULT now()
      )`,
      // Jobs that exhausted their retries, recorded by a trigger so every path counts (a handler that
      // threw, an attempt that expired because its worker died, a stop that failed work in progress).
      `CREATE TABLE ${s}.outpace_dead_letter (
        id uuid PRIMARY KEY,
        queue text NOT NULL,
        data jsonb,
        error text NOT NULL,
        retry_count integer NOT NULL,
        failed_on timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE INDEX outpace_dead_letter_i1 ON ${s}.outpace_dead_letter (queue, failed_on)`,
      `CREATE FUNCTION ${s}.outpace_record_dead_letter() RETURNS trigger AS $$
      BEGIN
        INSERT INTO ${s}.outpace_dead_letter (id, queue, data, error, retry_count, failed_on)
        VALUES (
          NEW.id,
          NEW.name,
          NEW.data,
          COALESCE(NEW.output->>'message', NEW.output->'value'->>'message', NEW.output::text, 'failed'),
          NEW.retry_count,
          COALESCE(NEW.completed_on, now())
        )
        ON CONFLICT (id) DO NOTHING;
        RETURN NULL;
      END
      $$ LANGUAGE plpgsql`,
      `CREATE TRIGGER outpace_dead_letter AFTER INSERT OR UPDATE OF state ON ${s}.job
        FOR EACH ROW WHEN (NEW.state = 'failed' AND NEW.name NOT LIKE '\\_\\_pgboss%')
        EXECUTE FUNCTION ${s}.outpace_record_dead_letter()`,
      // Singleton-key checks look up waiting, retrying and running jobs by key.
      `CREATE INDEX outpace_job_singleton ON ${s}.job (name, singleton_key)
        WHERE state < 'completed' AND singleton_key IS NOT NULL`,
    ],
  };
}
