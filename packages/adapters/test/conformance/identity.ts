import { describe, expect, it } from 'vitest';
import type { SuiteContext } from './context.js';
import { collectPages, expectCode } from './context.js';

let n = 0;
const email = (who: string) => `${who}.${++n}@conformance.test`;

/** Users, sessions, API keys and the audit log (IdentityStore and TenantIdentityStore). */
export function identitySuite(ctx: SuiteContext): void {
  describe('identity', () => {
    it('creates users with lower-cased unique emails and finds them by email', async () => {
      const t = await ctx.tenant();
      const address = email('Ops');
      const user = await t.identity.createUser({
        email: address.toUpperCase(),
        name: 'Ops',
        role: 'admin',
        passwordHash: 'h',
        disabled: false,
      });
      expect(user).toMatchObject({ email: address.toLowerCase(), tenantId: t.tenantId, platformAdmin: false });
      expect(await ctx.store.identity.findUserByEmail(address.toUpperCase())).toMatchObject({ id: user.id });
      await expectCode(
        t.identity.createUser({ email: address, name: 'Dup', role: 'analyst', passwordHash: 'h', disabled: false }),
        'CONFLICT',
      );
      const other = await ctx.tenant();
      await expectCode(
        other.identity.createUser({ email: address, name: 'Dup', role: 'analyst', passwordHash: 'h', disabled: false }),
        'CONFLICT',
      );
    });

    it('updates users, pages them, and keeps platform administrators apart', async () => {
      const t = await ctx.tenant();
      const created = [];
      for (let i = 0; i < 5; i++) {
        created.push(
          await t.identity.createUser({
            email: email('p'),
            name: `P${i}`,
            role: 'analyst',
            passwordHash: 'h',
            disabled: false,
          }),
        );
      }
      const all = await collectPages(
        (after) => t.identity.listUsers({ limit: 2, ...(after === undefined ? {} : { after }) }),
        2,
      );
      expect(all.map((u) => u.id).sort()).toEqual(created.map((u) => u.id).sort());
      ctx.clock.advance(1000);
      const updated = await t.identity.updateUser(created[0]!.id, { role: 'supervisor', disabled: true });
      expect(updated).toMatchObject({ role: 'supervisor', disabled: true });
      expect(updated.updatedAt).toBeGreaterThan(updated.createdAt);
      const platform = await ctx.store.identity.createUser({
        tenantId: null,
        email: email('root'),
        name: 'Root',
        role: 'admin',
        platformAdmin: true,
        passwordHash: 'h',
        disabled: false,
      });
      const admins = await ctx.store.identity.listUsers({ tenantId: null, limit: 1000 });
      expect(admins.items.map((u) => u.id)).toContain(platform.id);
      expect(admins.items.every((u) => u.tenantId === null)).toBe(true);
    });

    it('stores sessions by token hash, touches and deletes them', async () => {
      const t = await ctx.tenant();
      const user = await t.identity.createUser({
        email: email('s'),
        name: 'S',
        role: 'admin',
        passwordHash: 'h',
        disabled: false,
      });
      const now = ctx.clock.now();
      const session = await ctx.store.identity.createSession({
        tokenHash: `tok-${n}`,
        csrfTokenHash: `csrf-${n}`,
        userId: user.id,
        tenantId: t.tenantId,
        createdAt: now,
        lastSeenAt: now,
        expiresAt: now + 1000,
        ip: '203.0.113.1',
      });
      expect(await ctx.store.identity.findSessionByTokenHash(`tok-${n}`)).toEqual(session);
      await ctx.store.identity.touchSession(session.id, now + 500, now + 5000);
      expect(await ctx.store.identity.findSessionByTokenHash(`tok-${n}`)).toMatchObject({
        lastSeenAt: now + 500,
        expiresAt: now + 5000,
      });
      await ctx.store.identity.deleteSessionsOfUser(user.id);
      expect(await ctx.store.identity.findSessionByTokenHash(`tok-${n}`)).toBeUndefined();
    });

    it('keeps API keys by secret hash and revokes them', async () => {
      const t = await ctx.tenant();
      const key = await t.identity.createApiKey({
        name: 'etl',
        role: 'supervisor',
        prefix: 'opk_abc',
        secretHash: `sec-${++n}`,
        createdBy: 'usr_x',
      });
      expect(await ctx.store.identity.findApiKeyBySecretHash(`sec-${n}`)).toMatchObject({
        id: key.id,
        tenantId: t.tenantId,
      });
      await ctx.store.identity.touchApiKey(key.id, ctx.clock.now() + 1);
      const revoked = await t.identity.revokeApiKey(key.id, ctx.clock.now() + 2);
      expect(revoked?.revokedAt).toBe(ctx.clock.now() + 2);
      expect((await t.identity.listApiKeys()).items[0]).toMatchObject({ id: key.id, lastUsedAt: ctx.clock.now() + 1 });
    });

    it('appends audit entries and filters them newest first by action prefix, target and time', async () => {
      const t = await ctx.tenant();
      const actor = { kind: 'user' as const, id: 'usr_1', label: 'a@b.test' };
      const base = ctx.clock.now();
      await t.identity.appendAudit({
        at: base,
        actor,
        action: 'list.create',
        target: { type: 'list', id: 'lst_1' },
        summary: 'one',
        after: { name: 'A' },
      });
      await t.identity.appendAudit({
        at: base + 1,
        actor,
        action: 'list.delete',
        target: { type: 'list', id: 'lst_1' },
        summary: 'two',
      });
      await t.identity.appendAudit({
        at: base + 2,
        actor,
        action: 'listRule.create',
        target: { type: 'rule' },
        summary: 'three',
      });
      await t.identity.appendAudit({
        at: base + 3,
        actor,
        action: 'user.login',
        target: { type: 'user', id: 'usr_1' },
        summary: 'four',
      });
      const lists = await t.identity.listAudit({ action: 'list' });
      expect(lists.items.map((e) => e.summary)).toEqual(['two', 'one']);
      expect(lists.items[1]?.after).toEqual({ name: 'A' });
      expect(
        (await t.identity.listAudit({ targetType: 'list', targetId: 'lst_1', from: base + 1 })).items.map(
          (e) => e.summary,
        ),
      ).toEqual(['two']);
      const paged = await collectPages(
        (after) => t.identity.listAudit({ limit: 3, ...(after === undefined ? {} : { after }) }),
        3,
      );
      expect(paged.map((e) => e.summary)).toEqual(['four', 'three', 'two', 'one']);
    });

    it("never shows, changes or deletes another tenant's users, keys or audit entries", async () => {
      const a = await ctx.tenant();
      const b = await ctx.tenant();
      const user = await a.identity.createUser({
        email: email('iso'),
        name: 'A',
        role: 'admin',
        passwordHash: 'h',
        disabled: false,
      });
      const key = await a.identity.createApiKey({
        name: 'k',
        role: 'admin',
        prefix: 'p',
        secretHash: `iso-${++n}`,
        createdBy: user.id,
      });
      await a.identity.appendAudit({
        at: 1,
        actor: { kind: 'system', id: 's', label: 's' },
        action: 'x.y',
        target: { type: 't' },
        summary: 'a only',
      });
      expect(await b.identity.getUser(user.id)).toBeUndefined();
      expect((await b.identity.listUsers()).items).toEqual([]);
      await expectCode(b.identity.updateUser(user.id, { name: 'B' }), 'NOT_FOUND');
      expect(await b.identity.deleteUser(user.id)).toBe(false);
      expect(await b.identity.revokeApiKey(key.id, 5)).toBeUndefined();
      expect((await b.identity.listApiKeys()).items).toEqual([]);
      expect((await b.identity.listAudit()).items).toEqual([]);
      expect(await a.identity.getUser(user.id)).toMatchObject({ name: 'A' });
      expect((await a.identity.listApiKeys()).items[0]?.revokedAt).toBeUndefined();
    });
  });
}
