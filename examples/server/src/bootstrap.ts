import { createHash } from 'node:crypto';
import path from 'node:path';
import { createPgBossQueue } from '@outpace/adapters/pg-boss';
import { createPostgresStore } from '@outpace/adapters/postgres';
import { createInProcessQueue } from '@outpace/adapters/queue';
import { createSqliteStore } from '@outpace/adapters/sqlite';
import { type Logger, systemClock } from '@outpace/core';
import { realTimerClock } from '@outpace/dialer';
import { createSecretBox } from './auth/secret-box.js';
import { createSimulatedPortsFactory, parseSimAgents } from './campaign-ports.js';
import { createCampaignManager } from './campaign-runtime.js';
import type { ServerConfig } from './config.js';
import type { ServerDeps } from './deps.js';
import { createScheduler } from './scheduler/scheduler.js';
import { type SeedResult, seedFirstStart } from './seed.js';
import { createTelephonyFromConfig } from './telephony/create-telephony.js';

/** A JSON-lines logger on stdout (never given secrets). */
export function createConsoleLogger(level: ServerConfig['LOG_LEVEL'], bindings: Record<string, unknown> = {}): Logger {
  const order = ['debug', 'info', 'warn', 'error', 'silent'];
  const min = order.indexOf(level);
  const log = (lvl: string) => (message: string, fields?: Record<string, unknown>) => {
    if (order.indexOf(lvl) >= min) {
      console.log(JSON.stringify({ level: lvl, time: new Date().toISOString(), msg: message, ...bindings, ...fields }));
    }
  };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (more) => createConsoleLogger(level, { ...bindings, ...more }),
  };
}

/**
 * Builds the server's dependencies from its configuration: SQLite in the data
 * folder by default, PostgreSQL when DATABASE_URL is set; migrations run at
 * start; a fresh installation is seeded with the demo tenant.
 */
export async function createServerDeps(config: ServerConfig, options: { nodeId: string }) {
  const clock = systemClock;
  const logger = createConsoleLogger(config.LOG_LEVEL, { node: options.nodeId });
  const store =
    config.DATABASE_URL !== undefined
      ? createPostgresStore({ connectionString: config.DATABASE_URL, clock, logger })
      : createSqliteStore({ filename: path.join(config.OUTPACE_DATA_DIR, 'outpace.db'), clock, logger });
  const ran = await store.migrate();
  if (ran.length > 0) logger.info('migrations ran', { migrations: ran });
  const seed: SeedResult | undefined = await seedFirstStart(store, {
    adminEmail: config.OUTPACE_ADMIN_EMAIL,
    adminPassword: config.OUTPACE_ADMIN_PASSWORD,
    demo: config.OUTPACE_DEMO,
    clock,
    logger,
  });
  const deps: ServerDeps = {
    store,
    identity: store.identity,
    tenantIdentity: (tenantId) => store.forTenant(tenantId).identity,
    clock,
    logger,
    secretBox: createSecretBox(config.secretKey),
    csrfKey: createHash('sha256').update(config.secretKey).update('csrf').digest(),
    http: {
      secureCookies: config.OUTPACE_SECURE_COOKIES,
      maxJsonBytes: config.OUTPACE_MAX_JSON_BYTES,
      maxUploadBytes: config.OUTPACE_MAX_UPLOAD_BYTES,
      sessionTtlMs: 8 * 3600_000,
      ...(config.OUTPACE_METRICS_TOKEN === undefined ? {} : { metricsToken: config.OUTPACE_METRICS_TOKEN }),
    },
  };
  const simulated = createSimulatedPortsFactory({
    ...parseSimAgents(config.OUTPACE_SIM_AGENTS),
    seed: config.OUTPACE_SIM_SEED,
  });
  // OUTPACE_TELEPHONY=asterisk|twilio: the tenants it serves dial through the connector and the SIP agents of
  // OUTPACE_AGENTS; everything else stays simulated.
  const telephony = createTelephonyFromConfig(config, { clock: realTimerClock(clock), logger });
  deps.telephony = telephony?.portsFactory(simulated) ?? simulated;
  if (telephony !== undefined) {
    deps.telephonyRoutes = telephony.routes;
    // Asterisk: connect now (for at most 5 s), so a wrong URL or password shows at start; the connector keeps retrying.
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('no answer within 5 s')), 5000);
    });
    await Promise.race([telephony.connect(), timeout])
      .catch((error: unknown) => {
        logger.error('telephony: could not connect yet; the connector keeps retrying', { error: String(error) });
      })
      .finally(() => clearTimeout(timer));
  }
  deps.campaigns = createCampaignManager(deps, {
    nodeId: options.nodeId,
    leaseTtlMs: config.OUTPACE_LEASE_TTL_MS,
    renewIntervalMs: config.OUTPACE_LEASE_RENEW_MS,
    scanIntervalMs: config.OUTPACE_ORPHAN_SCAN_MS,
    drainTimeoutMs: config.OUTPACE_DRAIN_TIMEOUT_MS,
  });
  // Scheduled jobs (list automations, expiry, retention): pg-boss on PostgreSQL, so each slot runs on one node of
  // many; in process on SQLite (one node). `main.ts` starts the scheduler after the HTTP server and stops it on drain.
  deps.nodeId = options.nodeId;
  deps.queue =
    config.DATABASE_URL !== undefined
      ? createPgBossQueue({ connectionString: config.DATABASE_URL, name: options.nodeId, logger })
      : createInProcessQueue();
  deps.scheduler = createScheduler(deps);
  if (seed?.demoGroupId !== undefined) {
    // Loaded, not started: a new user starts it and watches it dial in simulation.
    const report = await (await deps.campaigns.runtimeFor(seed.tenantId)).loadGroup(seed.demoGroupId);
    logger.info('demo campaign group loaded', {
      groupId: seed.demoGroupId,
      records: report.lists.reduce((n, l) => n + l.created, 0),
    });
  }
  return {
    deps,
    seed,
    close: async () => {
      await telephony?.close();
      await store.close();
    },
  };
}
