import { describe, expect, it } from 'vitest';
import type { SuiteContext } from './context.js';
import { collectPages, expectCode } from './context.js';

const rule = (id: string) => ({
  id,
  kind: 'contact-time',
  windows: [{ days: ['mon'], start: '09:00', end: '17:00' }],
  source: { citation: 'Policy' },
  verification: 'verified',
});

export function complianceStoresSuite(ctx: SuiteContext): void {
  describe('compliance store', () => {
    it('starts at revision 0 with default settings, and every change bumps the revision', async () => {
      const t = await ctx.tenant();
      const c = t.compliance;
      expect(await c.revision()).toBe(0);
      expect(await c.getSettings()).toEqual({
        enabledPresets: [],
        excludedRules: [],
        locationPolicy: 'strict',
        unverifiedRules: 'enforce',
        revision: 0,
      });
      const saved = await c.setSettings({ enabledPresets: ['us-federal'], locationPolicy: 'postal-first' });
      expect(saved).toMatchObject({ enabledPresets: ['us-federal'], locationPolicy: 'postal-first', revision: 1 });
      expect(await c.getSettings()).toMatchObject({ enabledPresets: ['us-federal'], revision: 1 });
      await c.ruleSets.create({ name: 'Acme', rules: [rule('acme.hours')] });
      await c.timeZones.create({ countryCode: '1', areaCode: '800', timeZone: 'America/New_York' });
      await c.restrictedDates.create({ jurisdiction: 'US-LA', from: '2026-08-29', reason: 'Hurricane' });
      await c.registryCopies.create({ registry: 'US-DNC', copyDate: '2026-11-01', suppressionListId: 'sup_1' });
      expect(await c.revision()).toBe(5);
      expect((await c.getSettings()).enabledPresets).toEqual(['us-federal']);
      // Failed changes and no-ops leave it alone.
      await expectCode(c.setSettings({ locationPolicy: 'nearest' as 'strict' }), 'VALIDATION_FAILED');
      expect(await c.timeZones.delete('ctz_missing')).toBe(false);
      expect(await c.revision()).toBe(5);
    });

    it('versions rule sets: every save is kept, stale saves are refused, delete removes the history', async () => {
      const t = await ctx.tenant();
      const sets = t.compliance.ruleSets;
      const v1 = await sets.create({ name: 'Acme', rules: [rule('acme.hours')] });
      expect(v1).toMatchObject({ name: 'Acme', description: '', enabled: true, version: 1 });
      expect(v1.id).toMatch(/^crs_/);
      ctx.clock.advance(5);
      const v2 = await sets.update(
        v1.id,
        { name: 'Acme', enabled: false, rules: [rule('acme.hours'), rule('acme.more')] },
        1,
      );
      expect(v2).toMatchObject({ version: 2, enabled: false, createdAt: v1.createdAt });
      expect(v2.rules).toHaveLength(2);
      await expectCode(sets.update(v1.id, { name: 'Stale', rules: [] }, 1), 'CONFLICT');
      await expectCode(sets.update('crs_missing', { name: 'x', rules: [] }), 'NOT_FOUND');
      await expectCode(sets.create({ name: '', rules: [] }), 'VALIDATION_FAILED');
      expect(await sets.get(v1.id)).toEqual(v2);
      const versions = await sets.versions(v1.id);
      expect(versions.map((v) => [v.version, v.enabled, v.rules.length])).toEqual([
        [2, false, 2],
        [1, true, 1],
      ]);
      expect(versions[1]?.rules[0]).toEqual(rule('acme.hours'));
      expect((await sets.list()).items.map((s) => s.id)).toEqual([v1.id]);
      expect(await sets.delete(v1.id)).toBe(true);
      expect(await sets.versions(v1.id)).toEqual([]);
      expect(await sets.get(v1.id)).toBeUndefined();
    });

    it('keeps one custom time zone per country code and area code, ordered by key', async () => {
      const t = await ctx.tenant();
      const zones = t.compliance.timeZones;
      const a = await zones.create({ countryCode: '1', areaCode: '800', timeZone: 'America/New_York' });
      const b = await zones.create({ countryCode: '1', areaCode: '212', timeZone: 'America/New_York' });
      const c = await zones.create({ countryCode: '44', areaCode: '20', timeZone: 'Europe/London' });
      await expectCode(zones.create({ countryCode: '1', areaCode: '800', timeZone: 'America/Chicago' }), 'CONFLICT');
      await expectCode(
        zones.create({ countryCode: '+1', areaCode: '800', timeZone: 'America/Chicago' }),
        'VALIDATION_FAILED',
      );
      await expectCode(zones.create({ countryCode: '1', areaCode: '801', timeZone: 'Moon/Base' }), 'VALIDATION_FAILED');
      const listed = await collectPages((after) => zones.list({ limit: 2, ...(after ? { after } : {}) }), 2);
      expect(listed.map((z) => z.id)).toEqual([b.id, a.id, c.id]);
      expect((await zones.all()).map((z) => z.id)).toEqual([b.id, a.id, c.id]);
      const moved = await zones.update(a.id, { countryCode: '1', areaCode: '800', timeZone: 'America/Chicago' });
      expect(moved).toMatchObject({ id: a.id, timeZone: 'America/Chicago', createdAt: a.createdAt });
      await expectCode(
        zones.update(a.id, { countryCode: '1', areaCode: '212', timeZone: 'America/Chicago' }),
        'CONFLICT',
      );
      await expectCode(
        zones.update('ctz_missing', { countryCode: '1', areaCode: '999', timeZone: 'UTC' }),
        'NOT_FOUND',
      );
      expect(await zones.delete(c.id)).toBe(true);
      expect(await zones.get(c.id)).toBeUndefined();
    });

    it('imports time zones atomically: merge adds and changes, replace also removes, a repeated key changes nothing', async () => {
      const t = await ctx.tenant();
      const zones = t.compliance.timeZones;
      await zones.create({ countryCode: '1', areaCode: '800', timeZone: 'America/New_York' });
      await zones.create({ countryCode: '1', areaCode: '888', timeZone: 'America/New_York' });
      const before = await t.compliance.revision();
      await expectCode(
        zones.importEntries(
          [
            { countryCode: '1', areaCode: '877', timeZone: 'America/Denver' },
            { countryCode: '1', areaCode: '877', timeZone: 'America/Chicago' },
          ],
          'merge',
        ),
        'VALIDATION_FAILED',
      );
      expect(await t.compliance.revision()).toBe(before);
      expect(await zones.all()).toHaveLength(2);
      const merged = await zones.importEntries(
        [
          { countryCode: '1', areaCode: '800', timeZone: 'America/Chicago' },
          { countryCode: '1', areaCode: '888', timeZone: 'America/New_York' },
          { countryCode: '1', areaCode: '877', timeZone: 'America/Denver' },
        ],
        'merge',
      );
      expect(merged).toEqual({ created: 1, updated: 1, unchanged: 1, deleted: 0 });
      const replaced = await zones.importEntries(
        [{ countryCode: '1', areaCode: '800', timeZone: 'America/Chicago' }],
        'replace',
      );
      expect(replaced).toEqual({ created: 0, updated: 0, unchanged: 1, deleted: 2 });
      expect((await zones.all()).map((z) => [z.areaCode, z.timeZone])).toEqual([['800', 'America/Chicago']]);
      expect(
        await zones.importEntries([{ countryCode: '1', areaCode: '800', timeZone: 'America/Chicago' }], 'merge'),
      ).toEqual({
        created: 0,
        updated: 0,
        unchanged: 1,
        deleted: 0,
      });
      expect(await t.compliance.revision()).toBe(before + 2);
    });

    it('keeps the restricted-dates feed and registry copies, with the latest copy per registry', async () => {
      const t = await ctx.tenant();
      const dates = t.compliance.restrictedDates;
      const la = await dates.create({
        jurisdiction: 'US-LA',
        from: '2026-08-29',
        reason: 'Hurricane',
        source: 'Proclamation 1',
      });
      expect(la).toMatchObject({ jurisdiction: 'US-LA', from: '2026-08-29', reason: 'Hurricane' });
      expect(la.to).toBeUndefined();
      await expectCode(
        dates.create({ jurisdiction: 'US-LA', from: '2026-09-02', to: '2026-09-01', reason: 'x' }),
        'VALIDATION_FAILED',
      );
      await expectCode(
        dates.create({ jurisdiction: 'Louisiana', from: '2026-09-02', reason: 'x' }),
        'VALIDATION_FAILED',
      );
      const ended = await dates.update(la.id, {
        jurisdiction: 'US-LA',
        from: '2026-08-29',
        to: '2026-09-05',
        reason: 'Hurricane',
      });
      expect(ended).toMatchObject({ to: '2026-09-05', createdAt: la.createdAt });
      expect(await dates.all()).toEqual([ended]);

      const copies = t.compliance.registryCopies;
      const older = await copies.create({ registry: 'US-DNC', copyDate: '2026-10-01', suppressionListId: 'sup_a' });
      ctx.clock.advance(1);
      const newer = await copies.create({
        registry: 'US-DNC',
        copyDate: '2026-11-01',
        suppressionListId: 'sup_b',
        source: 'automation',
        automationId: 'aut_1',
        entries: 3,
      });
      ctx.clock.advance(1);
      // Recorded later but an older copy: not the one in use.
      await copies.create({ registry: 'US-DNC', copyDate: '2026-09-01', suppressionListId: 'sup_c' });
      const tps = await copies.create({ registry: 'UK-TPS', copyDate: '2026-11-03', suppressionListId: 'sup_d' });
      expect(older.source).toBe('manual');
      expect((await copies.latest()).map((c) => c.id)).toEqual([tps.id, newer.id]);
      expect(await copies.get(newer.id)).toEqual(newer);
      expect((await copies.list({ registry: 'US-DNC' })).items.map((c) => c.copyDate)).toEqual([
        '2026-09-01',
        '2026-11-01',
        '2026-10-01',
      ]);
      await expectCode(
        copies.create({ registry: 'us-dnc', copyDate: '2026-11-01', suppressionListId: 'sup_x' }),
        'VALIDATION_FAILED',
      );
      expect(await copies.delete(newer.id)).toBe(true);
      expect((await copies.latest()).find((c) => c.registry === 'US-DNC')?.id).toBe(older.id);
    });

    it('keeps one tenant\u2019s compliance data invisible to another', async () => {
      const a = await ctx.tenant();
      const b = await ctx.tenant();
      const set = await b.compliance.ruleSets.create({ name: 'B', rules: [] });
      const zone = await b.compliance.timeZones.create({
        countryCode: '1',
        areaCode: '800',
        timeZone: 'America/Chicago',
      });
      const date = await b.compliance.restrictedDates.create({ jurisdiction: 'US', from: '2026-12-25', reason: 'x' });
      const copy = await b.compliance.registryCopies.create({
        registry: 'US-DNC',
        copyDate: '2026-11-01',
        suppressionListId: 'sup_b',
      });
      await b.compliance.setSettings({ enabledPresets: ['uk'] });
      expect(await a.compliance.revision()).toBe(0);
      expect((await a.compliance.getSettings()).enabledPresets).toEqual([]);
      expect(await a.compliance.ruleSets.get(set.id)).toBeUndefined();
      expect(await a.compliance.ruleSets.versions(set.id)).toEqual([]);
      await expectCode(a.compliance.ruleSets.update(set.id, { name: 'x', rules: [] }), 'NOT_FOUND');
      expect(await a.compliance.timeZones.get(zone.id)).toBeUndefined();
      expect(await a.compliance.timeZones.all()).toEqual([]);
      // The same key is free in another tenant.
      await a.compliance.timeZones.create({ countryCode: '1', areaCode: '800', timeZone: 'America/New_York' });
      expect(await a.compliance.restrictedDates.get(date.id)).toBeUndefined();
      expect(await a.compliance.restrictedDates.delete(date.id)).toBe(false);
      expect(await a.compliance.registryCopies.get(copy.id)).toBeUndefined();
      expect(await a.compliance.registryCopies.latest()).toEqual([]);
      expect((await b.compliance.timeZones.all()).map((z) => z.timeZone)).toEqual(['America/Chicago']);
      expect(await b.compliance.revision()).toBe(5);
    });
  });
}
