import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { describe, expect, it } from 'vitest';
import { generateToken, hashToken } from '../src/auth/tokens.js';
import { createHarness } from './support/harness.js';

describe('request bodies over a real socket', () => {
  it('refuses a JSON body whose declared length is over the limit, reads one under it, and serves GETs', async () => {
    const h = await createHarness();
    const secret = generateToken('opk_');
    await h.identity.forTenant(h.tenants.a.id).createApiKey({
      name: 'limits',
      role: 'analyst',
      prefix: secret.slice(0, 10),
      secretHash: hashToken(secret),
      createdBy: h.tenants.a.users.admin.id,
    });
    const server = serve({ fetch: h.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const post = (body: string) =>
      fetch(`${base}/api/v1/compliance/check`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body,
      });
    try {
      const ok = await post(JSON.stringify({ phone: '(305) 555-0123', at: '2026-06-10T14:00:00Z' }));
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ allowed: true, device: '+13055550123' });

      // 64 KiB is the harness's JSON limit; fetch declares the length.
      const big = await post(JSON.stringify({ phone: '(305) 555-0123', clientId: 'x'.repeat(70 * 1024) }));
      expect(big.status).toBe(413);
      expect(((await big.json()) as { error: { code: string } }).error.code).toBe('PAYLOAD_TOO_LARGE');

      const malformed = await post('{"phone": ');
      expect(malformed.status).toBe(400);

      const health = await fetch(`${base}/api/v1/health`);
      expect(health.status).toBe(200);
      expect(health.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
