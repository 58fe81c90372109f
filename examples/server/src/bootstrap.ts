import { createHash } from 'node:crypto';
import { createMemoryStore } from '@outpace/adapters/memory';
import { type Logger, systemClock } from '@outpace/core';
import { createSecretBox } from './auth/secret-box.js';
import type { ServerConfig } from './config.js';
import type { ServerDeps } from './deps.js';

function consoleLogger(level: ServerConfig['LOG_LEVEL'], bindings: Record<string, unknown> = {}): Logger {
  const order = ['debug', 'info', 'warn', 'error', 'silent'];
  const min = order.indexOf(level);
  const log = (lvl: string) => (message: string, fields?: Record<string, unknown>) => {
    if (order.indexOf(lvl) >= min)
      console.log(JSON.stringify({ level: lvl, time: new Date().toISOString(), msg: message, ...bindings, ...fields }));
  };
  return {
    debug: log('debug'),
    info: log('info'),
    warn: log('warn'),
    error: log('error'),
    child: (more) => consoleLogger(level, { ...bindings, ...more }),
  };
}

/**
 * Builds the server's dependencies from its configuration.
 * Storage: the SQLite/PostgreSQL adapters replace the memory store here once
 * they land (issue 4); until then the server keeps its data in memory.
 */
export async function createServerDeps(config: ServerConfig, options: { nodeId: string }) {
  const clock = systemClock;
  const store = createMemoryStore({ clock });
  const deps: ServerDeps = {
    store,
    identity: store.identity,
    tenantIdentity: (tenantId) => store.forTenant(tenantId).identity,
    clock,
    logger: consoleLogger(config.LOG_LEVEL, { node: options.nodeId }),
    secretBox: createSecretBox(config.secretKey),
    csrfKey: createHash('sha256').update(config.secretKey).update('csrf').digest(),
    http: {
      secureCookies: config.OUTPACE_SECURE_COOKIES,
      maxJsonBytes: config.OUTPACE_MAX_JSON_BYTES,
      maxUploadBytes: config.OUTPACE_MAX_UPLOAD_BYTES,
      sessionTtlMs: 8 * 3600_000,
    },
  };
  return { deps, close: () => store.close() };
}
