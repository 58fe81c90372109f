import type { ContactList, SuppressionList } from '@outpace/core';
import { describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './support/harness.js';
import { body, type Caller, listAreaSnapshot, multipart, upload } from './support/lists.js';

/** The path prefixes of the list area (this suite walks every operation under them). */
const PREFIXES = [
  '/api/v1/lists',
  '/api/v1/contacts',
  '/api/v1/imports',
  '/api/v1/suppression-lists',
  '/api/v1/list-rules',
  '/api/v1/spec-files',
  '/api/v1/data-mappings',
  '/api/v1/labels',
];

interface Operation {
  method: string;
  path: string;
  json: boolean;
  multipart: boolean;
}

async function operations(h: Harness): Promise<Operation[]> {
  const doc = (await (await h.app.request('/api/v1/openapi.json')).json()) as {
    paths: Record<string, Record<string, { requestBody?: { content?: Record<string, unknown> } }>>;
  };
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    if (!PREFIXES.some((p) => path === p || path.startsWith(`${p}/`))) continue;
    for (const [method, op] of Object.entries(methods)) {
      const content = op.requestBody?.content ?? {};
      ops.push({
        method: method.toUpperCase(),
        path,
        json: 'application/json' in content,
        multipart: 'multipart/form-data' in content,
      });
    }
  }
  return ops;
}

/** Tenant A with one of every list-area resource. */
async function seedTenantA(h: Harness, admin: Caller) {
  const post = async <T>(path: string, json: unknown) => {
    const res = await admin.call(path, { method: 'POST', json });
    expect(res.status, `${path}: ${await res.clone().text()}`).toBeLessThan(300);
    return body<T>(res);
  };
  const labels = await post<{ id: string }>('/api/v1/labels', { name: 'L', labels: { other1: 'Balance' } });
  const list = await post<ContactList>('/api/v1/lists', { name: 'A list', labelSchemaId: labels.id });
  const { contact } = await post<{ contact: { id: string } }>(`/api/v1/lists/${list.id}/contacts`, {
    fields: { ClientID: 'A-1', FirstName: 'Ada', Device1: '2125550123', Balance: '10' },
  });
  const supp = await post<SuppressionList>('/api/v1/suppression-lists', { name: 'A DNC' });
  await post(`/api/v1/suppression-lists/${supp.id}/entries`, { entries: [{ value: '2125550123' }] });
  const rule = await post<{ id: string }>('/api/v1/list-rules', {
    kind: 'selection',
    name: 'A rule',
    selection: { conditionSets: [{ conditions: [{ field: 'clientId', operator: 'equal', value: 'A-1' }] }] },
  });
  const spec = await post<{ id: string }>('/api/v1/spec-files', { name: 'A spec', text: 'Device1:s/<CSV>/$1/' });
  const mapping = await post<{ id: string }>('/api/v1/data-mappings', {
    name: 'A mapping',
    fields: [{ target: 'Device1', column: 1 }],
  });
  const res = await upload(
    admin,
    `/api/v1/lists/${list.id}/imports`,
    { uploadMode: 'APPEND_ONLY' },
    {
      content: 'ClientID,Device1\r\nA-2,2125550124\r\n',
    },
  );
  expect(res.status).toBe(202);
  const job = await body<{ id: string }>(res);
  const { importTracker } = await import('../src/services/imports-tracker.js');
  await importTracker(h.deps).whenIdle();
  return { list, contact, supp, rule, spec, mapping, labels, job };
}

type Seed = Awaited<ReturnType<typeof seedTenantA>>;

/** The path of an operation with tenant A's ids filled in. */
function fill(path: string, a: Seed): string {
  const id = path.startsWith('/api/v1/lists')
    ? a.list.id
    : path.startsWith('/api/v1/suppression-lists')
      ? a.supp.id
      : path.startsWith('/api/v1/list-rules')
        ? a.rule.id
        : path.startsWith('/api/v1/spec-files')
          ? a.spec.id
          : path.startsWith('/api/v1/data-mappings')
            ? a.mapping.id
            : path.startsWith('/api/v1/labels')
              ? a.labels.id
              : a.job.id;
  let filled = path.replace('{id}', id).replace('{contactId}', a.contact.id);
  if (path.endsWith('/count')) filled += `?listId=${a.list.id}`;
  return filled;
}

/** A valid body for each write, so a refusal can only come from the tenant check or the input under test. */
function validBody(op: Operation): unknown {
  const p = op.path;
  if (p.endsWith('/contacts/remove')) return { clientIds: ['A-1'] };
  if (p.endsWith('/contacts/{contactId}')) return { fields: { ClientID: 'A-1', Device1: '2125550199' } };
  if (p.endsWith('/contacts')) return { fields: { ClientID: 'B-1', Device1: '2125550199' } };
  if (p.endsWith('/entries/remove')) return { values: ['2125550123'] };
  if (p.endsWith('/entries')) return { entries: [{ value: '2125550177' }] };
  if (p.endsWith('/duplicate')) return { name: 'copy' };
  if (p === '/api/v1/suppression-lists/search' || p === '/api/v1/suppression-lists/lookup')
    return { device: '2125550123' };
  if (p === '/api/v1/list-rules/preview') return { rule: { kind: 'selection', name: 'x', selection: {} } };
  if (p.startsWith('/api/v1/list-rules')) return { kind: 'selection', name: 'changed', selection: {} };
  if (p.startsWith('/api/v1/spec-files')) return { name: 'changed', text: 'Device1:s/<CSV>/$2/' };
  if (p.startsWith('/api/v1/data-mappings')) return { name: 'changed', fields: [{ target: 'Device1', column: 2 }] };
  if (p.startsWith('/api/v1/labels')) return { name: 'changed', labels: { other2: 'Other name' } };
  if (p.startsWith('/api/v1/suppression-lists')) return op.method === 'PATCH' ? { name: 'changed' } : { name: 'New' };
  if (p.startsWith('/api/v1/lists')) return op.method === 'PATCH' ? { name: 'changed' } : { name: 'New' };
  return {};
}

function send(caller: Caller, op: Operation, path: string, json: unknown): Promise<Response> {
  if (op.multipart) {
    const form = multipart({}, { content: 'ClientID,Device1\r\nZ-1,2125550100\r\n' });
    return caller.call(path, { method: op.method, headers: { 'content-type': form.contentType }, body: form.body });
  }
  return caller.call(path, {
    method: op.method,
    json: op.method === 'GET' || op.method === 'DELETE' ? undefined : json,
  });
}

describe('tenant isolation of the list area', () => {
  it("gives tenant B a 404 for every one of tenant A's ids, and leaves A's data unchanged", async () => {
    const h = await createHarness();
    const a = await h.login(h.tenants.a.users.admin.email);
    const b = await h.login(h.tenants.b.users.admin.email);
    const seed = await seedTenantA(h, a);
    const before = await listAreaSnapshot(h, h.tenants.a.id);
    const ops = (await operations(h)).filter((op) => op.path.includes('{'));
    expect(ops.length).toBeGreaterThan(35);
    for (const op of ops) {
      const res = await send(b, op, fill(op.path, seed), validBody(op));
      const text = await res.text();
      expect(res.status, `${op.method} ${op.path}: ${text}`).toBe(404);
      expect(text).not.toContain('A list');
    }
    // Searches across lists find nothing of A's.
    expect((await body<{ items: unknown[] }>(await b.call('/api/v1/contacts/search?clientId=A-1'))).items).toEqual([]);
    const search = await b.call('/api/v1/suppression-lists/search', { method: 'POST', json: { device: '2125550123' } });
    expect((await body<{ matches: unknown[] }>(search)).matches).toEqual([]);
    const lookup = await b.call('/api/v1/suppression-lists/lookup', {
      method: 'POST',
      json: { device: '2125550123', listIds: [seed.supp.id] },
    });
    expect((await body<{ suppressed: boolean }>(lookup)).suppressed).toBe(false);
    // Tenant B's own listings hold nothing of A's.
    for (const path of PREFIXES.filter((p) => p !== '/api/v1/contacts')) {
      expect((await body<{ items: unknown[] }>(await b.call(path))).items, path).toEqual([]);
    }
    // And B's count of its own rule over A's list is a 404 too.
    const bRule = await body<{ id: string }>(
      await b.call('/api/v1/list-rules', { method: 'POST', json: { kind: 'selection', name: 'B', selection: {} } }),
    );
    expect(
      (await b.call(`/api/v1/list-rules/${bRule.id}/count?listId=${seed.list.id}`, { method: 'POST' })).status,
    ).toBe(404);
    expect(await listAreaSnapshot(h, h.tenants.a.id)).toBe(before);
  });
});

describe('bad input on every list-area route changes nothing', () => {
  it('malformed JSON, wrong types and oversized bodies get a clear 4xx', async () => {
    const h = await createHarness();
    const a = await h.login(h.tenants.a.users.admin.email);
    const seed = await seedTenantA(h, a);
    const before = await listAreaSnapshot(h, h.tenants.a.id);
    const ops = (await operations(h)).filter((op) => op.json);
    expect(ops.length).toBeGreaterThan(20);
    const big = JSON.stringify({ name: 'x'.repeat(h.deps.http.maxJsonBytes + 10) });
    for (const op of ops) {
      const path = fill(op.path, seed);
      const what = `${op.method} ${op.path}`;
      const malformed = await a.call(path, {
        method: op.method,
        headers: { 'content-type': 'application/json' },
        body: '{"name": ',
      });
      expect(malformed.status, what).toBe(400);
      expect((await body<{ error: { code: string } }>(malformed)).error.code, what).toBe('INVALID_JSON');
      const wrongType = await a.call(path, { method: op.method, json: ['not', 'an', 'object'] });
      expect(wrongType.status, what).toBe(400);
      const error = (await body<{ error: { code: string; message: string } }>(wrongType)).error;
      expect(error.code, what).toMatch(/VALIDATION_FAILED|LIST_RULE_INVALID/);
      expect(error.message.length, what).toBeGreaterThan(10);
      const oversized = await a.call(path, {
        method: op.method,
        headers: { 'content-type': 'application/json', 'content-length': String(big.length) },
        body: big,
      });
      expect(oversized.status, what).toBe(413);
      const notJson = await a.call(path, {
        method: op.method,
        headers: { 'content-type': 'text/plain' },
        body: 'hello',
      });
      expect(notJson.status, what).toBe(415);
    }
    const queries: [string, string][] = [
      ['/api/v1/lists?limit=abc', 'VALIDATION_FAILED'],
      ['/api/v1/lists?limit=5000', 'VALIDATION_FAILED'],
      [`/api/v1/lists/${seed.list.id}/contacts?selection=%7Bbroken`, 'INVALID_JSON'],
      [`/api/v1/lists/${seed.list.id}/contacts?after=garbage`, 'VALIDATION_FAILED'],
      [`/api/v1/lists/${seed.list.id}/export?delimiter=space`, 'VALIDATION_FAILED'],
      [`/api/v1/imports/${seed.job.id}/reports?rejectedOnly=maybe`, 'VALIDATION_FAILED'],
      ['/api/v1/imports?kind=people', 'VALIDATION_FAILED'],
      ['/api/v1/contacts/search?limit=0&clientId=A-1', 'VALIDATION_FAILED'],
      ['/api/v1/list-rules?kind=weird', 'VALIDATION_FAILED'],
    ];
    for (const [path, code] of queries) {
      const res = await a.call(path);
      expect(res.status, path).toBe(400);
      expect((await body<{ error: { code: string } }>(res)).error.code, path).toBe(code);
    }
    expect(await listAreaSnapshot(h, h.tenants.a.id)).toBe(before);
  });
});
