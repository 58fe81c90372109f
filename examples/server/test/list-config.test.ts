import type { ContactList } from '@outpace/core';
import { describe, expect, it } from 'vitest';
import { createHarness } from './support/harness.js';
import { body } from './support/lists.js';

type ErrorBody = { error: { code: string; message: string; details: Record<string, unknown> } };

async function setup() {
  const h = await createHarness();
  const admin = await h.login(h.tenants.a.users.admin.email);
  return { h, admin, store: h.store.forTenant(h.tenants.a.id) };
}

describe('specification files', () => {
  it('stores a spec file that parses, downloads it, replaces and deletes it', async () => {
    const { admin, store } = await setup();
    const text = '# leads\nOption: CSVFieldSeparator |\nClientID:s/<CSV>/$1/\nDevice1:s/<CSV>/$2/\n';
    const res = await admin.call('/api/v1/spec-files', { method: 'POST', json: { name: 'Pipe leads', text } });
    expect(res.status).toBe(201);
    const spec = await body<{ id: string; text: string }>(res);
    expect(spec.id).toMatch(/^spc_/);
    expect((await store.specFiles.get(spec.id))?.text).toBe(text);
    const download = await admin.call(`/api/v1/spec-files/${spec.id}/download`);
    expect(download.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="Pipe_leads.spc"');
    expect(await download.text()).toBe(text);
    const put = await admin.call(`/api/v1/spec-files/${spec.id}`, {
      method: 'PUT',
      json: { name: 'Pipe leads', text: 'Device1:s/<CSV>/$1/\n' },
    });
    expect(put.status).toBe(200);
    expect((await store.specFiles.get(spec.id))?.text).toBe('Device1:s/<CSV>/$1/\n');
    const list = await body<{ items: unknown[] }>(await admin.call('/api/v1/spec-files'));
    expect(list.items).toHaveLength(1);
    expect((await admin.call(`/api/v1/spec-files/${spec.id}`, { method: 'DELETE' })).status).toBe(200);
    expect(await store.specFiles.get(spec.id)).toBeUndefined();
  });

  it('refuses a spec file that does not parse with a 400 naming the line and the reason', async () => {
    const { admin, store } = await setup();
    const res = await admin.call('/api/v1/spec-files', {
      method: 'POST',
      json: { name: 'Bad', text: 'ClientID:s/<CSV>/$1/\nDevice1:s/([0-9/$1/\n' },
    });
    expect(res.status).toBe(400);
    const err = await body<ErrorBody>(res);
    expect(err.error.code).toBe('LIST_SPEC_INVALID');
    expect(err.error.message).toMatch(/line 2/);
    expect(err.error.details.line).toBe(2);
    expect(typeof err.error.details.reason).toBe('string');
    const unknown = await admin.call('/api/v1/spec-files', {
      method: 'POST',
      json: { name: 'Bad', text: 'Shoe:s/<CSV>/$1/' },
    });
    expect((await body<ErrorBody>(unknown)).error.message).toMatch(/line 1: unknown keyword "Shoe"/);
    expect((await store.specFiles.list()).items).toEqual([]);
  });
});

describe('data mappings', () => {
  it('stores, reads, replaces and deletes a mapping; refuses one that does not compile', async () => {
    const { admin, store } = await setup();
    const mapping = {
      name: 'Fixed',
      format: 'fixed',
      hasHeader: false,
      fields: [{ target: 'Device1', start: 1, end: 10 }],
    };
    const res = await admin.call('/api/v1/data-mappings', { method: 'POST', json: mapping });
    expect(res.status).toBe(201);
    const stored = await body<{ id: string }>(res);
    expect(stored.id).toMatch(/^map_/);
    expect(await body(await admin.call(`/api/v1/data-mappings/${stored.id}`))).toMatchObject(mapping);
    const bad = await admin.call(`/api/v1/data-mappings/${stored.id}`, {
      method: 'PUT',
      json: { ...mapping, fields: [{ target: 'Shoe size', start: 1, end: 2 }] },
    });
    expect(bad.status).toBe(400);
    const err = await body<ErrorBody>(bad);
    expect(err.error.code).toBe('LIST_MAPPING_INVALID');
    expect(err.error.message).toMatch(/field 1 \("Shoe size"\)/);
    const delimitedPositions = await admin.call('/api/v1/data-mappings', {
      method: 'POST',
      json: { name: 'x', fields: [{ target: 'Device1', start: 1, end: 10 }] },
    });
    expect(delimitedPositions.status).toBe(400);
    expect((await store.dataMappings.get(stored.id))?.fields).toEqual([
      { target: 'Device1', start: 1, end: 10, join: ' ' },
    ]);
    const ok = await admin.call(`/api/v1/data-mappings/${stored.id}`, {
      method: 'PUT',
      json: { ...mapping, name: 'Fixed 2' },
    });
    expect(ok.status).toBe(200);
    expect((await admin.call(`/api/v1/data-mappings/${stored.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await store.dataMappings.list()).items).toEqual([]);
    expect((await admin.call(`/api/v1/data-mappings/${stored.id}`)).status).toBe(404);
  });
});

describe('labeling schemas', () => {
  it('validates labels, maps import headers to labelled Other fields, and refuses deleting a schema in use', async () => {
    const { h, admin, store } = await setup();
    const clash = await admin.call('/api/v1/labels', {
      method: 'POST',
      json: { name: 'Bad', labels: { other1: 'Balance', other2: 'balance', other3: 'FirstName' } },
    });
    expect(clash.status).toBe(400);
    const issues = (await body<ErrorBody>(clash)).error.details.issues as { path: string; message: string }[];
    expect(issues.map((i) => i.path)).toEqual(['labels.other2', 'labels.other3']);
    expect((await store.labels.list()).items).toEqual([]);

    const labels = await body<{ id: string }>(
      await admin.call('/api/v1/labels', {
        method: 'POST',
        json: { name: 'Collections', labels: { other21: 'Balance' } },
      }),
    );
    expect(labels.id).toMatch(/^lbl_/);
    const list = await body<ContactList>(
      await admin.call('/api/v1/lists', { method: 'POST', json: { name: 'Debts', labelSchemaId: labels.id } }),
    );
    const added = await admin.call(`/api/v1/lists/${list.id}/contacts`, {
      method: 'POST',
      json: { fields: { ClientID: 'D1', Device1: '2125550100', Balance: '1200.50' } },
    });
    expect(added.status).toBe(201);
    expect((await store.contacts.getByClientId(list.id, 'D1'))?.others).toEqual({ other21: '1200.50' });
    const exported = await (await admin.call(`/api/v1/lists/${list.id}/export?deviceDetails=false`)).text();
    expect(exported.split('\r\n')[0]).toBe(
      'ClientID,FirstName,LastName,Company,PostalCode,State,Country,TimeZone,Device1,Balance',
    );

    const inUse = await admin.call(`/api/v1/labels/${labels.id}`, { method: 'DELETE' });
    expect(inUse.status).toBe(409);
    expect((await body<ErrorBody>(inUse)).error.code).toBe('LABEL_SCHEMA_IN_USE');
    const renamed = await admin.call(`/api/v1/labels/${labels.id}`, {
      method: 'PUT',
      json: { name: 'Collections', labels: { other21: 'Amount due' } },
    });
    expect(renamed.status).toBe(200);
    expect((await store.labels.get(labels.id))?.labels).toEqual({ other21: 'Amount due' });
    await admin.call(`/api/v1/lists/${list.id}`, { method: 'DELETE' });
    expect((await admin.call(`/api/v1/labels/${labels.id}`, { method: 'DELETE' })).status).toBe(200);
    expect(await store.labels.get(labels.id)).toBeUndefined();
    const audit = await h.identity.forTenant(h.tenants.a.id).listAudit({ action: 'labels' });
    expect(audit.items.map((e) => e.action).sort()).toEqual(['labels.create', 'labels.delete', 'labels.update']);
  });
});
