import { hostname } from 'node:os';
import { serve } from '@hono/node-server';
import { createApp } from './app.js';
import { createServerDeps } from './bootstrap.js';
import { ConfigError, loadConfig } from './config.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const nodeId = config.OUTPACE_NODE_ID ?? `${hostname()}-${process.pid}`;
  const { deps, seed, close } = await createServerDeps(config, { nodeId });
  if (seed !== undefined) {
    console.log(`First start: created tenant ${seed.tenantId} and administrator ${seed.adminEmail}.`);
    if (seed.generatedPassword !== undefined) {
      console.log(
        `  Administrator password (shown once; set OUTPACE_ADMIN_PASSWORD to choose it): ${seed.generatedPassword}`,
      );
    }
    if (seed.demoGroupId !== undefined) {
      console.log(
        `  Demo campaign group ${seed.demoGroupId} is loaded: start it (POST /api/v1/campaign-groups/${seed.demoGroupId}/start) and watch GET /api/v1/campaign-groups/${seed.demoGroupId}/events.`,
      );
    }
  }
  const app = createApp(deps);
  // Takes over campaign groups nobody drives (after a restart, or another node's death).
  await deps.campaigns?.start();
  // List automations and housekeeping on their schedules (one node per slot with pg-boss).
  await deps.scheduler?.start();
  const server = serve({ fetch: app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
    console.log(`Outpace ${nodeId} listening on http://localhost:${info.port} (API reference: /docs)`);
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: draining…`);
    // Calls in progress end (or are hung up after the drain timeout), leases are released for other
    // nodes, and event streams end (so the HTTP server can close).
    // The runtimes' timers are unref'd; this keeps the process alive until the drain is over.
    const keepAlive = setInterval(() => {}, 1000);
    const drained = Promise.all([deps.campaigns?.stop(), deps.scheduler?.stop()]).finally(() => {
      clearInterval(keepAlive);
      console.log('Campaign runtimes drained.');
    });
    server.close(async () => {
      await drained;
      await close();
      process.exit(0);
    });
    setTimeout(() => process.exit(1), 30_000).unref();
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

await main();
