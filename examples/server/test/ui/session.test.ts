import { describe, expect, it } from 'vitest';
import { createHarness, PASSWORD } from '../support/harness.js';

const TTL = 8 * 3600_000;

async function signIn(h: Awaited<ReturnType<typeof createHarness>>) {
  const res = await h.app.request('/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      email: h.tenants.a.users.supervisor.email,
      password: PASSWORD,
      next: '/lists',
    }).toString(),
  });
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const html = await (await h.app.request('/lists', { headers: { cookie } })).text();
  const csrf = /<meta name="csrf-token" content="([^"]+)"/.exec(html)?.[1] ?? '';
  return { cookie, csrf };
}

function expiresIn(html: string): number {
  return Number(/data-expires-in="(\d+)"/.exec(html)?.[1]);
}

describe('console session expiry (S8) without a browser', () => {
  it('tells each page how long the session has left, and each request slides it', async () => {
    const h = await createHarness();
    const { cookie } = await signIn(h);
    h.clock.advance(30_000);
    const page = await h.app.request('/lists', { headers: { cookie } });
    const html = await page.text();
    // Touched at most once a minute: 30 s after login the deadline has not moved.
    expect(expiresIn(html)).toBe(TTL - 30_000);
    expect(page.headers.get('x-outpace-session-expires-in')).toBe(String(TTL - 30_000));
    expect(html).toContain('<dialog id="op-session" class="op-dialog" aria-labelledby="op-session-warn-title"');
    expect(html).toContain('data-warn-ms="120000"');
    expect(html).toContain('<script src="/assets/session.js" defer="">');
    h.clock.advance(2 * 3600_000);
    const later = await h.app.request('/lists', { headers: { cookie } });
    expect(later.headers.get('x-outpace-session-expires-in')).toBe(String(TTL));
    // The login page has no session, so no warning.
    expect(await (await h.app.request('/login')).text()).not.toContain('op-session');
  });

  it('renews the session with "Stay signed in" (CSRF-checked); after the end it answers 401', async () => {
    const h = await createHarness();
    const { cookie, csrf } = await signIn(h);
    h.clock.advance(TTL - 90_000);
    const forged = await h.app.request('/session/renew', { method: 'POST', headers: { cookie } });
    expect(forged.status).toBe(403);
    const renewed = await h.app.request('/session/renew', {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(renewed.status).toBe(200);
    expect(await renewed.json()).toEqual({ expiresIn: TTL });
    // Still signed in after the old deadline.
    h.clock.advance(120_000);
    const page = await h.app.request('/lists', { headers: { cookie } });
    expect(page.status).toBe(200);
    h.clock.advance(TTL + 1);
    const ended = await h.app.request('/session/renew', {
      method: 'POST',
      headers: { cookie, 'x-csrf-token': csrf },
    });
    expect(ended.status).toBe(401);
    expect((await h.app.request('/lists', { headers: { cookie } })).status).toBe(303);
  });
});
