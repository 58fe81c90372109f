import { afterEach, describe, expect, it, vi } from 'vitest';
import { type CampaignHarness, createCampaignHarness, nyContact } from '../support/campaigns.js';
import { PASSWORD } from '../support/harness.js';

vi.setConfig({ testTimeout: 120_000 });

let h: CampaignHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Logs into the console and returns get/post helpers carrying the cookie and CSRF token. */
async function consoleAs(harness: CampaignHarness, email: string) {
  const res = await harness.app.request('/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email, password: PASSWORD, next: '/campaigns' }).toString(),
  });
  expect(res.status).toBe(303);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const first = await (await harness.app.request('/campaigns', { headers: { cookie } })).text();
  const csrf = /name="csrf-token" content="([^"]+)"/.exec(first)?.[1] ?? '';
  const text = async (path: string) => {
    const r = await harness.app.request(path, { headers: { cookie } });
    expect(r.status, path).toBe(200);
    return r.text();
  };
  const post = async (path: string, form: Record<string, string> | [string, string][]) => {
    const body = new URLSearchParams(form);
    body.append('_csrf', csrf);
    return harness.app.request(path, {
      method: 'POST',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      body: body.toString(),
    });
  };
  return { text, post };
}

/** A tenant-A setup through the API and stores: a list, a profile with a busy retry and device order 2 → 1, a template, a rule set. */
async function setUp(harness: CampaignHarness) {
  const admin = await harness.login(harness.tenants.a.users.admin.email);
  const list = await admin.json<{ id: string }>('/api/v1/lists', { method: 'POST', json: { name: 'Leads' } }, 201);
  for (let i = 1; i <= 5; i++) {
    await admin.json(`/api/v1/lists/${list.id}/contacts`, { method: 'POST', json: { fields: nyContact(i) } }, 201);
  }
  await admin.json(
    '/api/v1/compliance/rule-sets',
    {
      method: 'POST',
      json: {
        name: 'House rules',
        rules: [
          {
            id: 'house.no-austin',
            kind: 'location',
            name: 'No calls to 512',
            action: 'deny',
            match: { areaCodes: ['512'] },
            source: { citation: 'test' },
            verification: 'verified',
          },
          {
            id: 'house.two-a-week',
            kind: 'attempt-limit',
            name: 'Two attempts a week',
            required: false,
            maxAttempts: 2,
            period: { type: 'elapsed', duration: { days: 7 } },
            source: { citation: 'test' },
            verification: 'verified',
          },
        ],
      },
    },
    201,
  );
  const stores = harness.store.forTenant(harness.tenants.a.id);
  const profile = await stores.campaigns.profiles.create({
    name: 'Prog',
    mode: 'progressive',
    treatments: [{ callResult: 'Busy', action: 'retryIn', maxRetries: 2, intervalMs: 30 * 60_000 }],
    deviceOrder: [2, 1],
  });
  const template = await stores.campaigns.templates.create({
    name: 'Sales',
    dialingProfileId: profile.id,
    agentGroupId: 'sales',
  });
  return { listId: list.id, profile, template, stores };
}

const errorOf = (html: string, field: string) => {
  const id = `f-${field.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  return {
    invalid: new RegExp(`id="${id}"[^>]*aria-invalid="true"[^>]*aria-describedby="${id}-error`).test(html),
    message: new RegExp(`id="${id}-error">[\\s\\S]*?</span>([^<]*)`).exec(html)?.[1],
    linked: html.includes(`href="#${id}"`),
  };
};

describe('console campaign-group wizard', () => {
  it('walks the eight steps, each saved through the campaign services with the API’s validation', async () => {
    h = await createCampaignHarness({ agents: 1 });
    const { listId, profile, template, stores } = await setUp(h);
    const ui = await consoleAs(h, h.tenants.a.users.supervisor.email);

    // Step 1: name and template; refused with the error summary and linked fields.
    const step1 = await ui.text('/campaigns/new');
    expect(step1).toContain('Step 1 of 8: Template');
    expect(step1).toContain('aria-current="step">1. Template</li>');
    const bad1 = await ui.post('/campaigns/new', { name: ' ', templateId: 'nope' });
    expect(bad1.status).toBe(422);
    const bad1Html = await bad1.text();
    expect(bad1Html).toContain('id="error-summary"');
    expect(errorOf(bad1Html, 'name')).toMatchObject({ linked: true, message: 'Give a name.' });
    expect(errorOf(bad1Html, 'templateId').message).toContain('Campaign template &quot;nope&quot; does not exist');
    const ok1 = await ui.post('/campaigns/new', { name: 'Spring', templateId: template.id });
    expect(ok1.status).toBe(303);
    const toLists = ok1.headers.get('location') ?? '';
    expect(toLists).toBe(`/campaigns/new/lists?name=Spring&templateId=${template.id}`);
    expect(await stores.campaigns.groups.list()).toMatchObject({ items: [] });

    // Step 2: lists and weights (the create); a weight over 100 is the API's message on that list's input.
    const step2 = await ui.text(toLists);
    expect(step2).toContain('Weight of Leads');
    expect(step2).toContain('name="name" value="Spring"');
    expect(step2).toContain(`href="/campaigns/new?name=Spring&amp;templateId=${template.id}"`);
    const none = await ui.post('/campaigns/new/lists', { name: 'Spring', templateId: template.id });
    expect(none.status).toBe(422);
    expect(await none.text()).toContain('Choose at least one list with a weight above 0.');
    const bad2 = await ui.post('/campaigns/new/lists', {
      name: 'Spring',
      templateId: template.id,
      [`weight.${listId}`]: '150',
    });
    expect(bad2.status).toBe(422);
    expect(errorOf(await bad2.text(), `weight.${listId}`)).toEqual({
      invalid: true,
      message: 'Weights are 0–100.',
      linked: true,
    });
    const ok2 = await ui.post('/campaigns/new/lists', {
      name: 'Spring',
      templateId: template.id,
      [`weight.${listId}`]: '80',
    });
    expect(ok2.status).toBe(303);
    const toPacing = ok2.headers.get('location') ?? '';
    expect(toPacing).toMatch(/^\/campaigns\/[^/]+\/edit\/pacing$/);
    const groupId = toPacing.split('/')[2] ?? '';
    expect((await stores.campaigns.groups.get(groupId))?.lists).toEqual([{ listId, weight: 80 }]);

    // Step 3: only the fields of the mode, prefilled from the profile; the API's checks.
    const step3 = await ui.text(toPacing);
    expect(step3).toContain('<option value="progressive" selected="">Progressive</option>');
    expect(step3).toContain('Calls per ready agent');
    // Every step of an existing group shows the preflight in a line.
    expect(step3).toContain('5 of 5 contacts dialable now, 0 waiting for a contact window, 0 suppressed, 0 blocked.');
    expect(step3).not.toContain('Target abandon rate');
    expect(step3).toMatch(
      /id="f-overrides-pacing-linesPerAgent"[^>]*value="1"|value="1"[^>]*id="f-overrides-pacing-linesPerAgent"/,
    );
    const predictive = await ui.post(toPacing, { 'overrides.mode': 'predictive', _show: '1' });
    expect(predictive.status).toBe(200);
    const predictiveHtml = await predictive.text();
    expect(predictiveHtml).toContain('Target abandon rate (%)');
    expect(predictiveHtml).toContain('Optimise for');
    expect(predictiveHtml).not.toContain('Calls per ready agent');
    expect((await stores.campaigns.groups.get(groupId))?.overrides).toEqual({});
    const bad3 = await ui.post(toPacing, { 'overrides.mode': 'progressive', 'overrides.pacing.linesPerAgent': '0' });
    expect(bad3.status).toBe(422);
    expect(errorOf(await bad3.text(), 'overrides.pacing.linesPerAgent')).toMatchObject({ invalid: true, linked: true });
    const bad3b = await ui.post(toPacing, {
      'overrides.mode': 'predictive',
      'overrides.pacing.targetAbandonRate': '60',
      'overrides.pacing.optimize.method': 'abandonRate',
    });
    expect(bad3b.status).toBe(422);
    expect(errorOf(await bad3b.text(), 'overrides.pacing.targetAbandonRate').invalid).toBe(true);
    const ok3 = await ui.post(toPacing, {
      'overrides.mode': 'predictive',
      'overrides.pacing.targetAbandonRate': '3',
      'overrides.pacing.optimize.method': 'busyFactor',
      'overrides.pacing.optimize.target': '85',
      'overrides.pacing.maxLinesPerAgent': '10',
      'overrides.pacing.maxCallsPerSecond': '',
      'overrides.pacing.maxChannels': '',
    });
    expect(ok3.status).toBe(303);
    expect(ok3.headers.get('location')).toBe(`/campaigns/${groupId}/edit/retry`);
    // Values equal to the profile's are not stored: only the mode and the optimisation.
    expect((await stores.campaigns.groups.get(groupId))?.overrides).toEqual({
      mode: 'predictive',
      pacing: { optimize: { method: 'busyFactor', target: 0.85 } },
    });
    expect(await ui.text(toPacing)).toMatch(
      /id="f-overrides-pacing-optimize-target"[^>]*value="85"|value="85"[^>]*id="f-overrides-pacing-optimize-target"/,
    );

    // Steps 4 and 5: the profile's, shown with where to change them.
    const step4 = await ui.text(`/campaigns/${groupId}/edit/retry`);
    expect(step4).toContain('Retry the same device after 30 min, up to 2 times');
    expect(step4).toContain('These belong to the dialing profile Prog');
    expect(step4).toContain(`href="/campaigns/${groupId}/edit/devices"`);
    const step5 = await ui.text(`/campaigns/${groupId}/edit/devices`);
    expect(step5).toMatch(/<li>Device 2<\/li><li>Device 1<\/li>/);

    // Step 6: required rules locked with the reason; the optional rule attached to the group's own template.
    const step6 = await ui.text(`/campaigns/${groupId}/edit/compliance`);
    expect(step6).toMatch(/<input type="checkbox" checked="" disabled="" aria-describedby="[^"]+"\/> No calls to 512/);
    expect(step6).toContain('Required by House rules: applies to every campaign.');
    expect(step6).toMatch(/name="rule" value="house.two-a-week"\/?>/);
    const ok6 = await ui.post(`/campaigns/${groupId}/edit/compliance`, [['rule', 'house.two-a-week']]);
    expect(ok6.status).toBe(303);
    expect(ok6.headers.get('location')).toBe(`/campaigns/${groupId}/edit/schedule`);
    expect((await stores.campaigns.templates.get(template.id))?.complianceRuleIds).toEqual(['house.two-a-week']);

    // Step 7: the end condition (the group model's only schedule field).
    const ok7 = await ui.post(`/campaigns/${groupId}/edit/schedule`, { completeIfNoMoreRecords: 'false' });
    expect(ok7.status).toBe(303);
    expect(ok7.headers.get('location')).toBe(`/campaigns/${groupId}/review`);
    expect((await stores.campaigns.groups.get(groupId))?.completeIfNoMoreRecords).toBe(false);

    // Step 8: summary sentences and the preflight.
    const review = await ui.text(`/campaigns/${groupId}/review`);
    expect(review).toContain('Step 8 of 8: Review and preflight');
    expect(review).toContain('Calls go to agent group sales.');
    expect(review).toContain('1 retry treatment applies; a record is finished after 10 attempts.');
    expect(review).toContain('Devices are dialed in the order 2 → 1.');
    expect(review).toContain('The group keeps running when no record is left to dial.');
    expect(review).toContain('Two attempts a week: ');
    expect(review).toContain('No calls to 512: ');
    expect(review).toContain('Leads (weight 80)');
    expect(review).toContain('5 dialable now');
    expect(review).toContain('0 suppressed');

    // Step 1 of an existing group: the template is fixed, the name changes; refused names re-render.
    const edit1 = await ui.text(`/campaigns/${groupId}/edit/template`);
    expect(edit1).toContain('A group keeps the template it was created with');
    expect((await ui.post(`/campaigns/${groupId}/edit/template`, { name: '' })).status).toBe(422);
    const renamed = await ui.post(`/campaigns/${groupId}/edit/template`, {
      name: 'Spring 2',
      agentGroupId: 'renewals',
    });
    expect(renamed.status).toBe(303);
    expect(await stores.campaigns.groups.get(groupId)).toMatchObject({ name: 'Spring 2', agentGroupId: 'renewals' });
    expect(profile.id).toBe(template.dialingProfileId);
  });

  it('shows what cannot change while the group is loaded read-only, with the reason, and refuses it', async () => {
    h = await createCampaignHarness({ agents: 1 });
    const { listId, template, stores } = await setUp(h);
    const group = await stores.campaigns.groups.create({ name: 'G', templateId: template.id, lists: [{ listId }] });
    const other = await stores.campaigns.groups.create({ name: 'Other', templateId: template.id, lists: [{ listId }] });
    const ui = await consoleAs(h, h.tenants.a.users.supervisor.email);

    // A template shared by two groups: its optional rules are read-only here, with the reason.
    const shared = await ui.text(`/campaigns/${other.id}/edit/compliance`);
    expect(shared).toContain('The template Sales is used by G');
    expect(shared).toMatch(/name="rule" value="house.two-a-week" disabled=""/);
    expect((await ui.post(`/campaigns/${other.id}/edit/compliance`, [['rule', 'house.two-a-week']])).status).toBe(422);

    expect((await ui.post(`/campaigns/${group.id}/load`, {})).status).toBe(303);
    expect((await stores.campaigns.groups.get(group.id))?.state).toBe('loaded');
    const lists = await ui.text(`/campaigns/${group.id}/edit/lists`);
    expect(lists).toContain('The group is Ready: its lists and weights cannot change until it is stopped and unloaded');
    expect(lists).toMatch(new RegExp(`id="f-weight-${listId}"[^>]*readonly=""`));
    expect(lists).not.toContain('Save and continue');
    const refused = await ui.post(`/campaigns/${group.id}/edit/lists`, { [`weight.${listId}`]: '50' });
    expect(refused.status).toBe(422);
    expect(await refused.text()).toContain('id="error-summary"');
    expect((await stores.campaigns.groups.get(group.id))?.lists).toEqual([{ listId, weight: 100 }]);

    const pacing = await ui.text(`/campaigns/${group.id}/edit/pacing`);
    expect(pacing).toContain('The mode of a loaded group cannot change');
    expect(pacing).toMatch(/<select id="f-overrides-mode"[^>]*disabled=""/);
    // Pacing still changes live.
    const live = await ui.post(`/campaigns/${group.id}/edit/pacing`, {
      'overrides.mode': 'progressive',
      'overrides.pacing.linesPerAgent': '2',
    });
    expect(live.status).toBe(303);
    expect((await stores.campaigns.groups.get(group.id))?.overrides).toEqual({ pacing: { linesPerAgent: 2 } });
    expect((await ui.post(`/campaigns/${group.id}/edit/pacing`, { 'overrides.mode': 'predictive' })).status).toBe(422);

    const agents = await ui.post(`/campaigns/${group.id}/edit/template`, { name: 'G', agentGroupId: 'other' });
    expect(agents.status).toBe(422);
    expect(await agents.text()).toContain('its agent group cannot change');
    const compliance = await ui.text(`/campaigns/${group.id}/edit/compliance`);
    expect(compliance).toContain('its optional rules cannot change');

    // The review of a loaded group has no launch buttons; the live view links to the wizard.
    const review = await ui.text(`/campaigns/${group.id}/review`);
    expect(review).not.toContain('Load and start');
    expect(await ui.text(`/campaigns/${group.id}`)).toContain(`href="/campaigns/${group.id}/edit/template"`);
  });
});
