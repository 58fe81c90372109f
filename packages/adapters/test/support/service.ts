/**
 * Gate for integration suites that need a real service (PostgreSQL, sshd).
 *
 * House rule: a suite that needs a service runs when the service is there,
 * FAILS when the environment variable `CI` is set and it is missing, and
 * otherwise skips with a message saying how to enable it.
 */
import { describe, it } from 'vitest';

/** Whether a service is usable, and what to do when it is not. */
export interface ServiceAvailability {
  /** Short service name for messages, e.g. `PostgreSQL`. */
  readonly service: string;
  readonly available: boolean;
  /** Why it is unavailable (empty when available). */
  readonly reason: string;
  /** How to make it available, e.g. `apt-get install -y openssh-server`. */
  readonly enable: string;
}

/** True when running under CI (tests may read the environment; packages never do). */
export function isCi(): boolean {
  const value = process.env.CI;
  return value !== undefined && value !== '' && value !== '0' && value.toLowerCase() !== 'false';
}

/**
 * `describe` that runs `body` when `service` is available; otherwise fails under
 * CI and skips (with a console message) elsewhere.
 *
 * @example
 * const pg = await postgresAvailability();
 * describeWithService(pg, 'pg-boss queue', () => { it('works', async () => { ... }); });
 */
export function describeWithService(service: ServiceAvailability, title: string, body: () => void): void {
  if (service.available) {
    describe(title, body);
    return;
  }
  const message = `${service.service} is not available (${service.reason}). ${service.enable}`;
  if (isCi()) {
    describe(title, () => {
      it(`needs ${service.service}`, () => {
        throw new Error(`${message} The CI environment must provide it.`);
      });
    });
    return;
  }
  // The service is missing on a developer's machine (under CI the suite fails above): its tests are
  // reported as skipped, under a title that names what is missing and how to enable it.
  console.warn(`[skip] ${title}: ${message}`);
  describe.runIf(service.available)(`${title} (skipped: ${message})`, body);
}
