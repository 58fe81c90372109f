import type { ContactList } from '@outpace/core';
import { describe, expect, it } from 'vitest';
import { createHarness } from './support/harness.js';
import { body } from './support/lists.js';

type Rule = { id: string; kind: string; name: string; sentence: string; selection?: unknown };
type ErrorBody = { error: { code: string; message: string; details: { issues: { path: string; message: string }[] } } };

const FLORIDA_GOLD = {
  conditionSets: [
    {
      conditions: [
        { field: 'state', operator: 'equal', value: 'FL' },
        { field: 'other3', type: 'numeric', operator: 'greaterThan', value: 100 },
      ],
    },
    { conditions: [{ field: 'device', type: 'areaCode', operator: 'in', value: ['212', '646'] }] },
  ],
};

async function setup() {
  const h = await createHarness();
  const admin = await h.login(h.tenants.a.users.admin.email);
  const analyst = await h.login(h.tenants.a.users.analyst.email);
  return { h, admin, analyst };
}

describe('list rules', () => {
  it('creates a selection rule with its plain-language sentence, edits, duplicates and deletes it', async () => {
    const { h, admin } = await setup();
    const res = await admin.call('/api/v1/list-rules', {
      method: 'POST',
      json: { kind: 'selection', name: 'Florida gold', selection: FLORIDA_GOLD },
    });
    expect(res.status).toBe(201);
    const rule = await body<Rule>(res);
    expect(rule.id).toMatch(/^rul_/);
    expect(rule.sentence).toBe(
      "Contacts whose state is FL and whose Other3 is greater than 100, or whose any device's area code is one of 212, 646",
    );
    const labels = await body<{ id: string }>(
      await admin.call('/api/v1/labels', {
        method: 'POST',
        json: { name: 'Collections', labels: { other3: 'Balance' } },
      }),
    );
    const labelled = await body<Rule>(await admin.call(`/api/v1/list-rules/${rule.id}?labelSchemaId=${labels.id}`));
    expect(labelled.sentence).toContain('whose Balance is greater than 100');

    const edited = await admin.call(`/api/v1/list-rules/${rule.id}`, {
      method: 'PUT',
      json: {
        kind: 'selection',
        name: 'Florida',
        selection: { conditionSets: [{ conditions: [{ field: 'state', operator: 'equal', value: 'FL' }] }] },
      },
    });
    expect(edited.status).toBe(200);
    expect((await body<Rule>(edited)).sentence).toBe('Contacts whose state is FL');
    expect((await h.store.forTenant(h.tenants.a.id).listRules.get(rule.id))?.name).toBe('Florida');

    const copy = await admin.call(`/api/v1/list-rules/${rule.id}/duplicate`, { method: 'POST' });
    expect(copy.status).toBe(201);
    const duplicate = await body<Rule>(copy);
    expect(duplicate.id).not.toBe(rule.id);
    expect(duplicate).toMatchObject({
      name: 'Florida (copy)',
      kind: 'selection',
      sentence: 'Contacts whose state is FL',
    });
    const named = await body<Rule>(
      await admin.call(`/api/v1/list-rules/${rule.id}/duplicate`, { method: 'POST', json: { name: 'Florida B' } }),
    );
    expect(named.name).toBe('Florida B');
    const all = await body<{ items: Rule[] }>(await admin.call('/api/v1/list-rules?kind=selection'));
    expect(all.items.map((r) => r.name).sort()).toEqual(['Florida', 'Florida (copy)', 'Florida B']);

    expect((await admin.call(`/api/v1/list-rules/${duplicate.id}`, { method: 'DELETE' })).status).toBe(200);
    expect(await h.store.forTenant(h.tenants.a.id).listRules.get(duplicate.id)).toBeUndefined();
    expect((await admin.call(`/api/v1/list-rules/${duplicate.id}`)).status).toBe(404);
    const audit = await h.identity.forTenant(h.tenants.a.id).listAudit({ action: 'listRule' });
    expect(audit.items.map((e) => e.action).sort()).toEqual([
      'listRule.create',
      'listRule.delete',
      'listRule.duplicate',
      'listRule.duplicate',
      'listRule.update',
    ]);
  });

  it("reports every invalid condition with its path and core's message, storing nothing", async () => {
    const { h, admin } = await setup();
    const res = await admin.call('/api/v1/list-rules', {
      method: 'POST',
      json: {
        kind: 'selection',
        name: 'Broken',
        selection: {
          conditionSets: [
            {
              conditions: [
                { field: 'other1', type: 'numeric', operator: 'greaterThan', value: '1e3' },
                { field: 'state', operator: 'in', value: [] },
                { field: 'lastName', type: 'areaCode', operator: 'equal', value: '212' },
              ],
            },
          ],
        },
      },
    });
    expect(res.status).toBe(400);
    const err = await body<ErrorBody>(res);
    expect(err.error.code).toBe('LIST_RULE_INVALID');
    const paths = err.error.details.issues.map((i) => i.path);
    expect(paths).toContain('selection.conditionSets.0.conditions.0.value');
    expect(paths).toContain('selection.conditionSets.0.conditions.1.value');
    expect(paths).toContain('selection.conditionSets.0.conditions.2.type');
    expect(err.error.details.issues.find((i) => i.path.endsWith('2.type'))?.message).toMatch(/reads a device/);
    const noName = await admin.call('/api/v1/list-rules', {
      method: 'POST',
      json: { kind: 'selection', selection: {} },
    });
    expect(noName.status).toBe(400);
    expect((await body<ErrorBody>(noName)).error.details.issues.map((i) => i.path)).toEqual(['name']);
    const badKind = await admin.call('/api/v1/list-rules', { method: 'POST', json: { kind: 'magic', name: 'x' } });
    expect(badKind.status).toBe(400);
    expect((await body<ErrorBody>(badKind)).error.message).toMatch(/Unknown rule kind/);
    expect((await h.store.forTenant(h.tenants.a.id).listRules.list()).items).toEqual([]);
  });

  it('counts the contacts a rule selects in a list (live), and previews an unsaved rule', async () => {
    const { admin, analyst } = await setup();
    const list = await body<ContactList>(await admin.call('/api/v1/lists', { method: 'POST', json: { name: 'L' } }));
    for (const [id, state, other3, phone] of [
      ['A', 'FL', '150', '3055550100'],
      ['B', 'FL', '50', '3055550101'],
      ['C', 'NY', '0', '2125550102'],
      ['D', 'TX', '500', '5125550103'],
    ]) {
      const res = await admin.call(`/api/v1/lists/${list.id}/contacts`, {
        method: 'POST',
        json: { fields: { ClientID: id!, State: state!, Other3: other3!, Device1: phone! } },
      });
      expect(res.status).toBe(201);
    }
    const rule = await body<Rule>(
      await admin.call('/api/v1/list-rules', {
        method: 'POST',
        json: { kind: 'selection', name: 'FG', selection: FLORIDA_GOLD },
      }),
    );
    // Counting is a read: the analyst may do it.
    const count = await analyst.call(`/api/v1/list-rules/${rule.id}/count?listId=${list.id}`, { method: 'POST' });
    expect(count.status).toBe(200);
    expect(await body(count)).toEqual({
      ruleId: rule.id,
      listId: list.id,
      count: 2,
      total: 4,
      sentence: rule.sentence,
    });
    expect((await admin.call(`/api/v1/list-rules/${rule.id}/count`, { method: 'POST' })).status).toBe(400);
    expect(
      (await admin.call(`/api/v1/list-rules/${rule.id}/count?listId=lst_missing`, { method: 'POST' })).status,
    ).toBe(404);

    const preview = await body<{ valid: boolean; sentence: string; count: number; total: number }>(
      await analyst.call('/api/v1/list-rules/preview', {
        method: 'POST',
        json: {
          listId: list.id,
          rule: {
            kind: 'selection',
            name: 'draft',
            selection: { conditionSets: [{ conditions: [{ field: 'state', operator: 'notEqual', value: 'fl' }] }] },
          },
        },
      }),
    );
    expect(preview).toEqual({
      valid: true,
      issues: [],
      sentence: 'Contacts whose state is not fl',
      count: 2,
      total: 4,
    });
    const invalid = await body<{ valid: boolean; issues: { path: string }[] }>(
      await analyst.call('/api/v1/list-rules/preview', {
        method: 'POST',
        json: {
          rule: {
            kind: 'selection',
            name: 'draft',
            selection: { conditionSets: [{ conditions: [{ field: 'nope', operator: 'equal', value: 1 }] }] },
          },
        },
      }),
    );
    expect(invalid.valid).toBe(false);
    expect(invalid.issues[0]?.path).toBe('selection.conditionSets.0.conditions.0.field');
    // Analysts cannot change rules.
    expect(
      (
        await analyst.call('/api/v1/list-rules', {
          method: 'POST',
          json: { kind: 'selection', name: 'x', selection: {} },
        })
      ).status,
    ).toBe(403);
  });

  it('describes upload rules and refuses suppression rules where contacts are selected', async () => {
    const { admin } = await setup();
    const upload = await body<Rule>(
      await admin.call('/api/v1/list-rules', {
        method: 'POST',
        json: {
          kind: 'upload',
          name: 'By region',
          split: { by: 'percent', percents: [30, 30] },
          filter: { conditionSets: [{ conditions: [{ field: 'country', operator: 'equal', value: 'US' }] }] },
        },
      }),
    );
    expect(upload.sentence).toBe(
      'Keeps contacts whose country is US, then splits the upload into lists of 30%, 30% of the contacts, and the rest into a last list.',
    );
    const supp = await body<Rule>(
      await admin.call('/api/v1/list-rules', {
        method: 'POST',
        json: {
          kind: 'selection_suppression',
          name: 'Windowed',
          selection: { conditionSets: [{ conditions: [{ field: 'from', operator: 'isNotEmpty' }] }] },
        },
      }),
    );
    const list = await body<ContactList>(await admin.call('/api/v1/lists', { method: 'POST', json: { name: 'L' } }));
    const res = await admin.call(`/api/v1/lists/${list.id}/contacts?selectionRuleId=${supp.id}`);
    expect(res.status).toBe(400);
    expect((await body<ErrorBody>(res)).error.code).toBe('LIST_RULE_KIND_INVALID');
    const count = await admin.call(`/api/v1/list-rules/${supp.id}/count?listId=${list.id}`, { method: 'POST' });
    expect(count.status).toBe(400);
  });
});
