import { createMemoryStore } from '@outpace/adapters/memory';
import { createManualClock, noopLogger, type Role } from '@outpace/core';
import { createApp } from '../../src/app.js';
import { hashPassword } from '../../src/auth/password.js';
import { createSecretBox } from '../../src/auth/secret-box.js';
import type { ServerDeps } from '../../src/deps.js';

/** Password of every seeded test user. */
export const PASSWORD = 'correct horse battery staple';

/** A seeded tenant with one user per role. */
export interface SeededTenant {
  id: string;
  users: Record<Role, { id: string; email: string }>;
}

/**
 * An app over a memory store with two tenants (A and B), each with an admin,
 * a supervisor and an analyst, and a manual clock.
 */
export async function createHarness() {
  const clock = createManualClock(Date.parse('2026-11-25T15:00:00Z'));
  const store = createMemoryStore({ clock });
  const identity = { identity: store.identity, forTenant: (tenantId: string) => store.forTenant(tenantId).identity };
  const deps: ServerDeps = {
    store,
    identity: store.identity,
    tenantIdentity: identity.forTenant,
    clock,
    logger: noopLogger,
    secretBox: createSecretBox(Buffer.alloc(32, 7)),
    csrfKey: Buffer.alloc(32, 9),
    http: {
      secureCookies: false,
      maxJsonBytes: 64 * 1024,
      maxUploadBytes: 8 * 1024 * 1024,
      sessionTtlMs: 8 * 3600_000,
    },
  };
  const app = createApp(deps);
  const passwordHash = await hashPassword(PASSWORD);

  const seedTenant = async (name: string): Promise<SeededTenant> => {
    const tenant = await store.tenants.create({ name });
    const users = {} as SeededTenant['users'];
    for (const role of ['admin', 'supervisor', 'analyst'] as const) {
      const email = `${role}@${name.toLowerCase()}.test`;
      const user = await identity
        .forTenant(tenant.id)
        .createUser({ email, name: `${name} ${role}`, role, passwordHash, disabled: false });
      users[role] = { id: user.id, email };
    }
    return { id: tenant.id, users };
  };
  const a = await seedTenant('Alpha');
  const b = await seedTenant('Beta');
  await identity.identity.updateUser(a.users.admin.id, { platformAdmin: true });

  /** Logs in and returns a fetch-like helper carrying the cookie and CSRF token. */
  const login = async (email: string, password = PASSWORD) => {
    const res = await app.request('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
    if (res.status !== 200) throw new Error(`login failed for ${email}: ${res.status} ${await res.text()}`);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const { csrfToken } = (await res.json()) as { csrfToken: string };
    const call = async (path: string, init: RequestInit & { json?: unknown } = {}): Promise<Response> => {
      const headers = new Headers(init.headers);
      headers.set('cookie', cookie);
      headers.set('x-csrf-token', csrfToken);
      let body = init.body;
      if (init.json !== undefined) {
        headers.set('content-type', 'application/json');
        body = JSON.stringify(init.json);
      }
      return app.request(path, { ...init, headers, body: body ?? null });
    };
    return { call, cookie, csrfToken };
  };

  return { app, deps, store, identity, clock, tenants: { a, b }, login };
}
export type Harness = Awaited<ReturnType<typeof createHarness>>;
