import { describe, expect, it } from 'vitest';
import { API_KEY_CACHE_MS } from '../src/auth/api-key-cache.js';
import { createHarness } from './support/harness.js';

describe('API key lookups', () => {
  it('trusts a looked-up key for a moment: a revocation made elsewhere applies once it passes, one made here at once', async () => {
    const h = await createHarness();
    const admin = await h.login(h.tenants.a.users.admin.email);
    const make = async (name: string) => {
      const res = await admin.call('/api/v1/api-keys', { method: 'POST', json: { name, role: 'analyst' } });
      return (await res.json()) as { key: { id: string }; secret: string };
    };
    const me = (secret: string) => h.app.request('/api/v1/auth/me', { headers: { authorization: `Bearer ${secret}` } });

    const elsewhere = await make('revoked by another node');
    expect((await me(elsewhere.secret)).status).toBe(200);
    // Another node revokes it: only the shared store knows.
    await h.identity.forTenant(h.tenants.a.id).revokeApiKey(elsewhere.key.id, h.clock.now());
    h.clock.advance(API_KEY_CACHE_MS - 1);
    expect((await me(elsewhere.secret)).status).toBe(200);
    h.clock.advance(1);
    expect((await me(elsewhere.secret)).status).toBe(401);

    const here = await make('revoked here');
    expect((await me(here.secret)).status).toBe(200);
    expect((await admin.call(`/api/v1/api-keys/${here.key.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await me(here.secret)).status).toBe(401);
  });

  it('records the last use at most once a minute while the key is remembered', async () => {
    const h = await createHarness();
    const admin = await h.login(h.tenants.a.users.admin.email);
    const res = await admin.call('/api/v1/api-keys', { method: 'POST', json: { name: 'etl', role: 'analyst' } });
    const { key, secret } = (await res.json()) as { key: { id: string }; secret: string };
    const lastUsed = async () =>
      (await h.identity.forTenant(h.tenants.a.id).listApiKeys()).items.find((k) => k.id === key.id)?.lastUsedAt;
    const call = () => h.app.request('/api/v1/auth/me', { headers: { authorization: `Bearer ${secret}` } });

    const first = h.clock.now();
    expect((await call()).status).toBe(200);
    expect(await lastUsed()).toBe(first);
    h.clock.advance(1000);
    expect((await call()).status).toBe(200);
    expect(await lastUsed()).toBe(first);
    h.clock.advance(60_000);
    expect((await call()).status).toBe(200);
    expect(await lastUsed()).toBe(first + 61_000);
  });
});
