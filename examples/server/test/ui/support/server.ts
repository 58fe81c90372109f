import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { createSqliteStore } from '@outpace/adapters/sqlite';
import { createLocationResolver } from '@outpace/compliance';
import { createManualClock, importContacts, noopLogger, type Role } from '@outpace/core';
import { createApp } from '../../../src/app.js';
import { hashPassword } from '../../../src/auth/password.js';
import { createSecretBox } from '../../../src/auth/secret-box.js';
import type { ServerDeps } from '../../../src/deps.js';
import { demoContactsCsv } from '../../../src/seed.js';

/** Password of every seeded console user. */
export const UI_PASSWORD = 'correct horse battery staple';
/** The fixed instant the server's clock starts at. */
export const UI_START = Date.parse('2026-11-25T15:00:00Z');

/** Options of {@link startConsoleServer}. */
export interface ConsoleServerOptions {
  /** Import the demo contact list (240 contacts, 3 rejects) into the tenant. @default true */
  demoList?: boolean;
  /** Adds to the dependencies before the app is built (campaign runtime, file sources…). */
  configure?: (deps: ServerDeps) => void | Promise<void>;
}

/**
 * The reference server in-process on 127.0.0.1 with a random port, over a
 * SQLite database in a temporary folder, a manual clock at {@link UI_START}
 * and one tenant "Acme" with a user per role (`admin@acme.test`,
 * `supervisor@acme.test`, `analyst@acme.test`; password {@link UI_PASSWORD}).
 * `close()` stops the server and removes the folder.
 */
export async function startConsoleServer(options: ConsoleServerOptions = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'outpace-ui-'));
  const clock = createManualClock(UI_START);
  const store = createSqliteStore({ filename: path.join(dir, 'outpace.db'), clock, logger: noopLogger });
  await store.migrate();
  const deps: ServerDeps = {
    store,
    identity: store.identity,
    tenantIdentity: (tenantId) => store.forTenant(tenantId).identity,
    clock,
    logger: noopLogger,
    secretBox: createSecretBox(Buffer.alloc(32, 7)),
    csrfKey: Buffer.alloc(32, 9),
    http: {
      secureCookies: false,
      maxJsonBytes: 256 * 1024,
      maxUploadBytes: 32 * 1024 * 1024,
      sessionTtlMs: 8 * 3600_000,
    },
  };
  const tenant = await store.tenants.create({ name: 'Acme', settings: { defaultCountry: 'US' } });
  const passwordHash = await hashPassword(UI_PASSWORD);
  const users = {} as Record<Role, { id: string; email: string }>;
  for (const role of ['admin', 'supervisor', 'analyst'] as const) {
    const email = `${role}@acme.test`;
    const user = await store.identity.createUser({
      tenantId: tenant.id,
      email,
      name: `Acme ${role}`,
      role,
      platformAdmin: false,
      passwordHash,
      disabled: false,
    });
    users[role] = { id: user.id, email };
  }
  let demoListId: string | undefined;
  if (options.demoList ?? true) {
    const imported = await importContacts({
      stores: store.forTenant(tenant.id),
      input: Buffer.from(demoContactsCsv(), 'utf8'),
      fileName: 'demo-contacts.csv',
      settings: tenant.settings,
      uploadMode: 'CREATE',
      list: { name: 'Demo contacts', description: 'Seeded for the browser tests' },
      locationResolver: createLocationResolver(),
      clock,
    });
    demoListId = imported.lists[0]?.id;
  }
  await options.configure?.(deps);
  const app = createApp(deps);
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    deps,
    store,
    clock,
    tenantId: tenant.id,
    users,
    demoListId,
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close?.();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
export type ConsoleServer = Awaited<ReturnType<typeof startConsoleServer>>;
