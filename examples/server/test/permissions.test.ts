import { describe, expect, it } from 'vitest';
import { can, PERMISSIONS, type Permission } from '../src/auth/permissions.js';
import { createHarness } from './support/harness.js';

interface Operation {
  method: string;
  path: string;
  permission: Permission | 'public' | 'platform';
}

/** Every operation of the OpenAPI document with its declared permission. */
async function operations(app: Awaited<ReturnType<typeof createHarness>>['app']): Promise<Operation[]> {
  const doc = (await (await app.request('/api/v1/openapi.json')).json()) as {
    paths: Record<string, Record<string, { 'x-permission'?: string }>>;
  };
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      ops.push({ method: method.toUpperCase(), path, permission: op['x-permission'] as Operation['permission'] });
    }
  }
  return ops;
}

const fill = (path: string) => path.replace(/\{[^}]+\}/g, 'zzz_missing');

describe('permission matrix', () => {
  it('every API operation declares a known permission', async () => {
    const h = await createHarness();
    const ops = await operations(h.app);
    expect(ops.length).toBeGreaterThan(10);
    for (const op of ops) {
      expect([...PERMISSIONS, 'public', 'platform'], `${op.method} ${op.path}`).toContain(op.permission);
    }
  });

  it('is enforced route by route: 403 exactly when the role lacks the permission, 401 without credentials', async () => {
    const h = await createHarness();
    const ops = (await operations(h.app)).filter((o) => o.permission !== 'public');
    const sessions = {
      admin: await h.login(h.tenants.b.users.admin.email),
      supervisor: await h.login(h.tenants.b.users.supervisor.email),
      analyst: await h.login(h.tenants.b.users.analyst.email),
    };
    for (const op of ops) {
      const anonymous = await h.app.request(fill(op.path), { method: op.method });
      expect(anonymous.status, `anonymous ${op.method} ${op.path}`).toBe(401);
      for (const [role, session] of Object.entries(sessions)) {
        const res = await session.call(fill(op.path), {
          method: op.method,
          json: op.method === 'GET' ? undefined : {},
        });
        const allowed =
          op.permission === 'platform' ? false : can(role as keyof typeof sessions, op.permission as Permission);
        if (allowed) expect(res.status, `${role} ${op.method} ${op.path}`).not.toBe(403);
        else expect(res.status, `${role} ${op.method} ${op.path}`).toBe(403);
      }
    }
  });
});
