import { describe, expect, it } from 'vitest';
import { createComplianceHooks } from '../src/services/compliance-engine.js';
import { createHarness, type Harness } from './support/harness.js';

type Session = Awaited<ReturnType<Harness['login']>>;
type Body = Record<string, unknown> & {
  error?: { code: string; message: string; details?: { issues?: { path: string; message: string; line?: number }[] } };
};

async function call(s: Session, path: string, method = 'GET', json?: unknown): Promise<{ status: number; body: Body }> {
  const res = await s.call(`/api/v1/compliance${path}`, { method, ...(json === undefined ? {} : { json }) });
  return { status: res.status, body: (await res.json()) as Body };
}

/** A Miami number, Wednesday 2026-06-10 (no holiday). */
const MIAMI = '+13055550123';
const at = (time: string) => ({ local: { dateTime: `2026-06-10T${time}`, timeZone: 'America/New_York' } });

const hoursRule = (id: string, start = '09:00', end = '17:00') => ({
  id,
  kind: 'contact-time',
  name: `Acme ${start}-${end}`,
  windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start, end }],
  source: { citation: 'Acme policy P-12' },
  verification: 'verified',
});

async function setup() {
  const h = await createHarness();
  const admin = await h.login(h.tenants.a.users.admin.email);
  const analyst = await h.login(h.tenants.a.users.analyst.email);
  const other = await h.login(h.tenants.b.users.admin.email);
  return { h, admin, analyst, other };
}

describe('compliance presets and settings', () => {
  it('lists the built-in presets with their rules and citations, and enables them for the tenant only', async () => {
    const { h, admin, other } = await setup();
    const presets = await call(admin, '/presets');
    expect(presets.status).toBe(200);
    const items = presets.body.items as {
      id: string;
      enabled: boolean;
      rules: { id: string; source: { citation: string } }[];
    }[];
    expect(items.map((p) => p.id).sort()).toEqual(['canada', 'uk', 'us-debt-collection', 'us-federal', 'us-states']);
    const fl = items.find((p) => p.id === 'us-states')?.rules.find((r) => r.id === 'us-states.fl.hours');
    expect(fl?.source.citation).toMatch(/501\.616/);
    expect(items.every((p) => !p.enabled)).toBe(true);

    const saved = await call(admin, '/settings', 'PUT', { enabledPresets: ['us-states'], locationPolicy: 'strict' });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ enabledPresets: ['us-states'], revision: 1 });
    expect((await call(admin, '/presets')).body.items).toContainEqual(
      expect.objectContaining({ id: 'us-states', enabled: true }),
    );
    expect((await call(other, '/settings')).body.enabledPresets).toEqual([]);

    const audit = await h.identity.forTenant(h.tenants.a.id).listAudit({ action: 'compliance.settings.update' });
    expect(audit.items).toHaveLength(1);
  });

  it('refuses unknown presets and excluded rules no enabled preset has, changing nothing', async () => {
    const { admin } = await setup();
    const bad = await call(admin, '/settings', 'PUT', { enabledPresets: ['us-federal', 'mars'] });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.details?.issues?.[0]?.path).toBe('enabledPresets.1');
    const excluded = await call(admin, '/settings', 'PUT', {
      enabledPresets: ['uk'],
      excludedRules: ['us-states.fl.hours'],
    });
    expect(excluded.status).toBe(400);
    expect(excluded.body.error?.details?.issues?.[0]?.path).toBe('excludedRules.0');
    const wrongType = await call(admin, '/settings', 'PUT', { enabledPresets: 'us-states' });
    expect(wrongType.status).toBe(400);
    expect((await call(admin, '/settings')).body).toMatchObject({ enabledPresets: [], revision: 0 });
  });
});

describe('POST /compliance/check', () => {
  it('blocks a Florida number at 20:30 local on a weekday under the FL hours and allows it at 10:00', async () => {
    const { admin, analyst } = await setup();
    await call(admin, '/settings', 'PUT', { enabledPresets: ['us-states'] });
    const late = await call(analyst, '/check', 'POST', { phone: MIAMI, ...at('20:30') });
    expect(late.status).toBe(200);
    expect(late.body.allowed).toBe(false);
    expect(late.body.reasons).toEqual([
      expect.objectContaining({
        code: 'CONTACT_TIME',
        rule: 'us-states.fl.hours',
        jurisdiction: 'US-FL',
        zone: 'America/New_York',
      }),
    ]);
    expect(late.body.nextAllowedAtIso).toBe('2026-06-11T12:00:00.000Z');
    expect(late.body.atIso).toBe('2026-06-11T00:30:00.000Z');
    expect(late.body.ruleSets).toEqual([expect.objectContaining({ id: 'us-states' })]);
    const morning = await call(analyst, '/check', 'POST', { phone: '(305) 555-0123', ...at('10:00') });
    expect(morning.body).toMatchObject({ allowed: true, reasons: [], device: MIAMI });
    // An instant with an offset works as well.
    const instant = await call(analyst, '/check', 'POST', { phone: MIAMI, at: '2026-06-10T20:30:00-04:00' });
    expect(instant.body.allowed).toBe(false);
  });

  it('answers LOCATION_UNRESOLVED for a toll-free number, until a custom time zone places it', async () => {
    const { h, admin } = await setup();
    await call(admin, '/settings', 'PUT', { enabledPresets: ['us-states'] });
    const unresolved = await call(admin, '/check', 'POST', { phone: '+18005550123', ...at('10:00') });
    expect(unresolved.body.allowed).toBe(false);
    expect((unresolved.body.reasons as { code: string }[]).map((r) => r.code)).toContain('LOCATION_UNRESOLVED');

    const zone = await call(admin, '/time-zones', 'POST', {
      countryCode: '1',
      areaCode: '800',
      timeZone: 'America/New_York',
    });
    expect(zone.status).toBe(201);
    const placed = await call(admin, '/check', 'POST', { phone: '+18005550123', ...at('10:00') });
    expect(placed.body).toMatchObject({ allowed: true });
    // The same resolver is what imports use (deps.locationResolverFor).
    const resolver = await h.deps.locationResolverFor?.(h.tenants.a.id);
    const resolved = resolver?.resolve({ phone: { e164: '+18005550123', countryCallingCode: '1', areaCode: '800' } });
    expect(resolved?.candidates[0]).toMatchObject({ source: 'custom-map', timeZone: 'America/New_York' });
    const otherTenant = await h.deps.locationResolverFor?.(h.tenants.b.id);
    expect(
      otherTenant?.resolve({ phone: { e164: '+18005550123', countryCallingCode: '1', areaCode: '800' } }).status,
    ).toBe('unresolved');
  });

  it('blocks with DNC_SCRUB_STALE on a stale registry copy and applies a fresh one', async () => {
    const { h, admin } = await setup();
    await call(admin, '/settings', 'PUT', { enabledPresets: ['us-federal'] });
    const tenant = h.store.forTenant(h.tenants.a.id);
    // Progressive dialing: the abandonment rule applies to predictive and power modes only.
    const noCopy = await call(admin, '/check', 'POST', { phone: MIAMI, mode: 'progressive', ...at('10:00') });
    expect((noCopy.body.reasons as { code: string }[]).map((r) => r.code)).toEqual(['DNC_SCRUB_STALE']);

    const dnc = await tenant.suppression.createList({ name: 'US-DNC copy' });
    await tenant.suppression.addEntries(dnc.id, [{ value: '+13055550199' }]);
    // The harness clock reads 2026-11-25; a copy of 2026-09-01 is 85 days old (the rule allows 31).
    const stale = await call(admin, '/registry-copies', 'POST', {
      registry: 'US-DNC',
      copyDate: '2026-09-01',
      suppressionListId: dnc.id,
    });
    expect(stale.status).toBe(201);
    expect(stale.body).toMatchObject({ ageDays: 85, maxCopyAgeDays: 31, stale: true, inUse: true, entries: 1 });
    const blocked = await call(admin, '/check', 'POST', {
      phone: MIAMI,
      mode: 'progressive',
      at: '2026-11-25T15:00:00Z',
    });
    expect(blocked.body.reasons).toEqual([
      expect.objectContaining({ code: 'DNC_SCRUB_STALE', rule: 'us-federal.national-dnc' }),
    ]);

    h.clock.advance(1000);
    const fresh = await call(admin, '/registry-copies', 'POST', {
      registry: 'US-DNC',
      copyDate: '2026-11-20',
      suppressionListId: dnc.id,
    });
    expect(fresh.body).toMatchObject({ stale: false, inUse: true });
    const allowed = await call(admin, '/check', 'POST', {
      phone: MIAMI,
      mode: 'progressive',
      at: '2026-11-25T15:00:00Z',
    });
    expect(allowed.body).toMatchObject({ allowed: true });
    const listed = await call(admin, '/check', 'POST', {
      phone: '+13055550199',
      mode: 'progressive',
      at: '2026-11-25T15:00:00Z',
    });
    expect(listed.body.reasons).toEqual([
      expect.objectContaining({ code: 'SUPPRESSED', rule: 'us-federal.national-dnc' }),
    ]);
    const copies = await call(admin, '/registry-copies?registry=US-DNC');
    expect((copies.body.items as { copyDate: string; inUse: boolean }[]).map((c) => [c.copyDate, c.inUse])).toEqual([
      ['2026-11-20', true],
      ['2026-09-01', false],
    ]);
    const missingList = await call(admin, '/registry-copies', 'POST', {
      registry: 'US-DNC',
      copyDate: '2026-11-21',
      suppressionListId: 'sup_missing',
    });
    expect(missingList.status).toBe(404);
  });

  it('closes whole days for an entry of the restricted-dates feed, until it is ended or removed', async () => {
    const { admin } = await setup();
    await call(admin, '/settings', 'PUT', { enabledPresets: ['us-states'] });
    const entry = await call(admin, '/restricted-dates', 'POST', {
      jurisdiction: 'US-FL',
      from: '2026-06-09',
      reason: 'State of emergency (hurricane)',
      source: 'Executive Order 26-123',
    });
    expect(entry.status).toBe(201);
    const id = entry.body.id as string;
    const blocked = await call(admin, '/check', 'POST', { phone: MIAMI, ...at('10:00') });
    expect(blocked.body.reasons).toEqual([
      expect.objectContaining({ code: 'CONTACT_DATE', rule: `restricted-dates/${id}` }),
    ]);
    const ended = await call(admin, `/restricted-dates/${id}`, 'PUT', {
      jurisdiction: 'US-FL',
      from: '2026-06-09',
      to: '2026-06-09',
      reason: 'State of emergency (hurricane)',
    });
    expect(ended.body.to).toBe('2026-06-09');
    expect((await call(admin, '/check', 'POST', { phone: MIAMI, ...at('10:00') })).body.allowed).toBe(true);
    const bad = await call(admin, '/restricted-dates', 'POST', {
      jurisdiction: 'Florida',
      from: '2026-06-12',
      reason: 'x',
    });
    expect(bad.status).toBe(400);
    expect((await call(admin, `/restricted-dates/${id}`, 'DELETE')).status).toBe(200);
    expect((await call(admin, `/restricted-dates/${id}`)).status).toBe(404);
    expect((await call(admin, '/restricted-dates')).body.items).toEqual([]);
  });

  it('refuses a bad attempt with 400 naming the field', async () => {
    const { admin } = await setup();
    const noPhone = await call(admin, '/check', 'POST', { ...at('10:00') });
    expect(noPhone.status).toBe(400);
    expect(noPhone.body.error?.details?.issues?.[0]?.path).toBe('phone');
    const both = await call(admin, '/check', 'POST', { phone: MIAMI, at: 0, ...at('10:00') });
    expect(both.status).toBe(400);
    const junk = await call(admin, '/check', 'POST', { phone: 'call me maybe', ...at('10:00') });
    expect(junk.status).toBe(400);
    expect(junk.body.error?.code).toBe('DEVICE_INVALID');
    const zone = await call(admin, '/check', 'POST', {
      phone: MIAMI,
      local: { dateTime: '2026-06-10T10:00', timeZone: 'Mars/Olympus' },
    });
    expect(zone.status).toBe(400);
  });
});

describe('tenant rule sets', () => {
  it('validates rules with the engine schema, naming the path, and stores nothing on error', async () => {
    const { admin } = await setup();
    const bad = await call(admin, '/rule-sets', 'POST', {
      name: 'Acme',
      rules: [{ ...hoursRule('acme.hours'), windows: [{ days: ['mon'], start: '09:00', end: '25:00' }] }],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.code).toBe('COMPLIANCE_RULES_INVALID');
    expect(bad.body.error?.details?.issues?.map((i) => i.path)).toContain('rules.0.windows.0.end');
    expect((await call(admin, '/rule-sets')).body.items).toEqual([]);
    const validation = await call(admin, '/rule-sets/validate', 'POST', {
      name: 'x',
      rules: [{ id: 'x', kind: 'nope' }],
    });
    expect(validation.status).toBe(200);
    expect(validation.body.valid).toBe(false);
    expect((validation.body.issues as { path: string }[])[0]?.path).toMatch(/^rules\.0/);
    expect(
      (await call(admin, '/rule-sets/validate', 'POST', { name: 'ok', rules: [hoursRule('acme.hours')] })).body,
    ).toEqual({
      valid: true,
      issues: [],
    });
  });

  it('applies a tenant rule, versions every save, refuses stale saves and rule ids a preset already has', async () => {
    const { h, admin, analyst, other } = await setup();
    await call(admin, '/settings', 'PUT', { enabledPresets: ['us-states'] });
    const created = await call(admin, '/rule-sets', 'POST', { name: 'Acme policy', rules: [hoursRule('acme.hours')] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ version: 1, enabled: true });
    const id = created.body.id as string;
    const late = await call(analyst, '/check', 'POST', { phone: MIAMI, ...at('17:30') });
    expect(late.body.reasons).toEqual([expect.objectContaining({ code: 'CONTACT_TIME', rule: 'acme.hours' })]);

    const v2 = await call(admin, `/rule-sets/${id}`, 'PUT', {
      name: 'Acme policy',
      rules: [hoursRule('acme.hours', '09:00', '18:00')],
      expectedVersion: 1,
    });
    expect(v2.body).toMatchObject({ version: 2 });
    expect((await call(analyst, '/check', 'POST', { phone: MIAMI, ...at('17:30') })).body.allowed).toBe(true);
    const stale = await call(admin, `/rule-sets/${id}`, 'PUT', { name: 'Stale', rules: [], expectedVersion: 1 });
    expect(stale.status).toBe(409);
    const versions = await call(admin, `/rule-sets/${id}/versions`);
    expect((versions.body.items as { version: number }[]).map((v) => v.version)).toEqual([2, 1]);

    const clash = await call(admin, '/rule-sets', 'POST', { name: 'Copy', rules: [hoursRule('us-states.fl.hours')] });
    expect(clash.status).toBe(400);
    expect(clash.body.error?.details?.issues?.[0]?.path).toBe('rules.0.id');

    // Another tenant neither sees nor applies it.
    expect((await call(other, `/rule-sets/${id}`)).status).toBe(404);
    expect((await call(other, `/rule-sets/${id}`, 'PUT', { name: 'x', rules: [] })).status).toBe(404);
    expect((await call(other, `/rule-sets/${id}`, 'DELETE')).status).toBe(404);
    expect((await call(other, '/check', 'POST', { phone: MIAMI, ...at('18:30') })).body.allowed).toBe(true);

    expect((await call(analyst, `/rule-sets/${id}`, 'DELETE')).status).toBe(403);
    expect((await call(admin, `/rule-sets/${id}`, 'DELETE')).status).toBe(200);
    expect((await call(analyst, '/check', 'POST', { phone: MIAMI, ...at('18:30') })).body.allowed).toBe(true);
    const actions = (await h.identity.forTenant(h.tenants.a.id).listAudit({ action: 'compliance.ruleSet' })).items.map(
      (e) => e.action,
    );
    expect(actions.sort()).toEqual([
      'compliance.ruleSet.create',
      'compliance.ruleSet.delete',
      'compliance.ruleSet.update',
    ]);
  });
});

describe('custom time zones', () => {
  it('creates, changes, lists and deletes entries; a key appears once', async () => {
    const { admin, other } = await setup();
    const a = await call(admin, '/time-zones', 'POST', {
      countryCode: '1',
      areaCode: '800',
      timeZone: 'America/New_York',
    });
    const dup = await call(admin, '/time-zones', 'POST', {
      countryCode: '1',
      areaCode: '800',
      timeZone: 'America/Chicago',
    });
    expect(dup.status).toBe(409);
    const bad = await call(admin, '/time-zones', 'POST', { countryCode: '+1', areaCode: '8x', timeZone: 'Nowhere' });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.details?.issues?.map((i) => i.path).sort()).toEqual(['areaCode', 'countryCode', 'timeZone']);
    const id = a.body.id as string;
    const changed = await call(admin, `/time-zones/${id}`, 'PUT', {
      countryCode: '1',
      areaCode: '800',
      timeZone: 'America/Chicago',
    });
    expect(changed.body.timeZone).toBe('America/Chicago');
    expect((await call(other, `/time-zones/${id}`)).status).toBe(404);
    expect((await call(other, `/time-zones/${id}`, 'DELETE')).status).toBe(404);
    expect((await call(admin, '/time-zones')).body.items).toHaveLength(1);
    expect((await call(admin, `/time-zones/${id}`, 'DELETE')).status).toBe(200);
    expect((await call(admin, '/time-zones')).body.items).toEqual([]);
  });

  it('imports CSV all or nothing, reporting every bad line', async () => {
    const { admin } = await setup();
    await call(admin, '/time-zones', 'POST', { countryCode: '1', areaCode: '888', timeZone: 'America/New_York' });
    const bad = await call(admin, '/time-zones/import', 'POST', {
      csv: 'country,area,zone\n1,800,America/New_York\n1,8x7,America/Chicago\n1,800,America/Denver\n44,20\n',
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.details?.issues?.map((i) => i.line)).toEqual([3, 4, 5]);
    expect((await call(admin, '/time-zones')).body.items).toHaveLength(1);
    const merged = await call(admin, '/time-zones/import', 'POST', {
      csv: '# NANP toll-free\n+1,800,America/New_York\n1;877;America/Chicago\n"44","20","Europe/London"\n',
    });
    expect(merged.status).toBe(200);
    expect(merged.body).toEqual({ created: 3, updated: 0, unchanged: 0, deleted: 0, total: 3 });
    const replaced = await call(admin, '/time-zones/import', 'POST', { csv: '1,800,America/Chicago', mode: 'replace' });
    expect(replaced.body).toEqual({ created: 0, updated: 1, unchanged: 0, deleted: 3, total: 1 });
    expect((await call(admin, '/time-zones')).body.items).toEqual([
      expect.objectContaining({ countryCode: '1', areaCode: '800', timeZone: 'America/Chicago' }),
    ]);
  });
});

describe('compliance tenant isolation', () => {
  it('keeps every compliance resource of a tenant invisible and unchangeable to another', async () => {
    const { h, admin, other } = await setup();
    const list = await h.store.forTenant(h.tenants.a.id).suppression.createList({ name: 'US-DNC copy' });
    const ids = {
      zone: (
        await call(admin, '/time-zones', 'POST', { countryCode: '1', areaCode: '800', timeZone: 'America/New_York' })
      ).body.id as string,
      date: (await call(admin, '/restricted-dates', 'POST', { jurisdiction: 'US', from: '2026-12-25', reason: 'x' }))
        .body.id as string,
      copy: (
        await call(admin, '/registry-copies', 'POST', {
          registry: 'US-DNC',
          copyDate: '2026-11-20',
          suppressionListId: list.id,
        })
      ).body.id as string,
      set: (await call(admin, '/rule-sets', 'POST', { name: 'A', rules: [] })).body.id as string,
    };
    for (const [method, path] of [
      ['GET', `/time-zones/${ids.zone}`],
      ['PUT', `/time-zones/${ids.zone}`],
      ['DELETE', `/time-zones/${ids.zone}`],
      ['GET', `/restricted-dates/${ids.date}`],
      ['PUT', `/restricted-dates/${ids.date}`],
      ['DELETE', `/restricted-dates/${ids.date}`],
      ['DELETE', `/registry-copies/${ids.copy}`],
      ['GET', `/rule-sets/${ids.set}/versions`],
    ] as const) {
      const body =
        method === 'PUT'
          ? path.includes('time-zones')
            ? { countryCode: '1', areaCode: '800', timeZone: 'UTC' }
            : { jurisdiction: 'US', from: '2026-01-01', reason: 'y' }
          : undefined;
      expect((await call(other, path, method, body)).status, `${method} ${path}`).toBe(404);
    }
    // B cannot point a registry copy at A's suppression list.
    expect(
      (
        await call(other, '/registry-copies', 'POST', {
          registry: 'US-DNC',
          copyDate: '2026-11-20',
          suppressionListId: list.id,
        })
      ).status,
    ).toBe(404);
    for (const path of ['/time-zones', '/restricted-dates', '/registry-copies', '/rule-sets']) {
      expect((await call(other, path)).body.items, path).toEqual([]);
    }
    expect((await call(admin, '/time-zones')).body.items).toHaveLength(1);
    expect((await call(admin, '/registry-copies')).body.items).toHaveLength(1);
  });
});

describe('compliance engine cache', () => {
  it('rebuilds at once on this node, and on another node within the revalidation interval', async () => {
    const { h, admin } = await setup();
    const tenantId = h.tenants.a.id;
    const { locationResolverFor: _l, complianceEngineFor: _c, ...shared } = h.deps;
    const nodeB = createComplianceHooks(shared, { revalidateMs: 5000 });
    const before = await nodeB.complianceEngineFor(tenantId);
    expect(before.ruleSets.map((s) => s.id)).toEqual(['none']);
    expect(await nodeB.complianceEngineFor(tenantId)).toBe(before);

    await call(admin, '/settings', 'PUT', { enabledPresets: ['us-states'] });
    // This node (the app's hooks) sees it at once.
    expect((await h.deps.complianceEngineFor?.(tenantId))?.ruleSets.map((s) => s.id)).toEqual(['us-states']);
    // The other node keeps its engine until the interval passes, then rebuilds.
    h.clock.advance(4000);
    expect(await nodeB.complianceEngineFor(tenantId)).toBe(before);
    h.clock.advance(1000);
    const after = await nodeB.complianceEngineFor(tenantId);
    expect(after.ruleSets.map((s) => s.id)).toEqual(['us-states']);

    // A suppression list loaded elsewhere (an import) changes the engine's snapshot too.
    const dnc = await h.store.forTenant(tenantId).suppression.createList({ name: 'Company DNC', required: true });
    await h.store.forTenant(tenantId).suppression.addEntries(dnc.id, [{ value: '+13055550123' }]);
    h.clock.advance(5000);
    const withList = await nodeB.complianceEngineFor(tenantId);
    expect(withList).not.toBe(after);
    const decision = withList.check({
      contact: {},
      device: { value: '+13055550123' },
      local: { dateTime: '2026-06-10T10:00', timeZone: 'America/New_York' },
    });
    expect(decision.reasons.map((r) => r.code)).toEqual([]);
    await call(admin, '/settings', 'PUT', { enabledPresets: ['us-federal'] });
    h.clock.advance(5000);
    const federal = (await nodeB.complianceEngineFor(tenantId)).check({
      contact: {},
      device: { value: '+13055550123' },
      mode: 'progressive',
      local: { dateTime: '2026-06-10T10:00', timeZone: 'America/New_York' },
    });
    expect(federal.reasons.map((r) => [r.code, r.rule])).toContainEqual(['SUPPRESSED', 'us-federal.company-dnc']);
  });
});

describe('compliance access', () => {
  it('lets an analyst read and simulate but change nothing', async () => {
    const { analyst } = await setup();
    expect((await call(analyst, '/presets')).status).toBe(200);
    expect((await call(analyst, '/engine')).status).toBe(200);
    expect((await call(analyst, '/settings', 'PUT', { enabledPresets: ['uk'] })).status).toBe(403);
    expect(
      (await call(analyst, '/time-zones', 'POST', { countryCode: '1', areaCode: '800', timeZone: 'UTC' })).status,
    ).toBe(403);
    expect(
      (await call(analyst, '/restricted-dates', 'POST', { jurisdiction: 'US', from: '2026-01-01', reason: 'x' }))
        .status,
    ).toBe(403);
    expect((await call(analyst, '/check', 'POST', { phone: MIAMI, ...at('10:00') })).status).toBe(200);
    expect((await call(analyst, '/settings')).body.revision).toBe(0);
  });
});

describe('GET /compliance/time-zones/impact', () => {
  it('counts the contacts over every list that have a device in the area code, and refuses a bad area code', async () => {
    const h = await createHarness();
    const admin = await h.login(h.tenants.a.users.admin.email);
    for (const phones of [['9075550101', '9075550102', '2125550103'], ['9075550104'], ['3125550105']]) {
      const list = (await (await admin.call('/api/v1/lists', { method: 'POST', json: { name: 'L' } })).json()) as {
        id: string;
      };
      for (const [i, phone] of phones.entries()) {
        const res = await admin.call(`/api/v1/lists/${list.id}/contacts`, {
          method: 'POST',
          json: { fields: { ClientID: `C${i}`, Device1: phone } },
        });
        expect(res.status).toBe(201);
      }
    }
    const analyst = await h.login(h.tenants.a.users.analyst.email);
    const ok = await call(analyst, '/time-zones/impact?countryCode=1&areaCode=907');
    expect(ok).toEqual({ status: 200, body: { contacts: 3, lists: 2 } });
    expect((await call(analyst, '/time-zones/impact?countryCode=1&areaCode=808')).body).toEqual({
      contacts: 0,
      lists: 0,
    });
    expect((await call(analyst, '/time-zones/impact?countryCode=1&areaCode=AK')).status).toBe(400);
  });
});
