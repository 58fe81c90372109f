import type { ImportJob, SuppressionList } from '@outpace/core';
import { describe, expect, it } from 'vitest';
import { createHarness } from './support/harness.js';
import { body, importAndWait, listAreaSnapshot, upload } from './support/lists.js';

type Page<T> = { items: T[]; nextCursor: string | null };
type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };
type Match = { listId: string; listName: string; value: string; type: string };

async function setup() {
  const h = await createHarness();
  const admin = await h.login(h.tenants.a.users.admin.email);
  const create = async (json: Record<string, unknown>) => {
    const res = await admin.call('/api/v1/suppression-lists', { method: 'POST', json });
    expect(res.status).toBe(201);
    return body<SuppressionList>(res);
  };
  const values = async (listId: string) =>
    (await h.store.forTenant(h.tenants.a.id).suppression.listEntries(listId, { limit: 1000 })).items.map(
      (e) => e.value,
    );
  return { h, admin, create, values };
}

describe('suppression lists', () => {
  it('creates, lists, edits (not its type) and deletes a list, auditing each change', async () => {
    const { h, admin, create } = await setup();
    const list = await create({ name: 'Internal DNC', channels: ['voice', 'sms'], required: true });
    expect(list.id).toMatch(/^sup_/);
    expect(list).toMatchObject({ type: 'device', required: true, size: 0, expirationDays: -1 });
    const page = await body<Page<SuppressionList>>(await admin.call('/api/v1/suppression-lists'));
    expect(page.items.map((l) => l.name)).toEqual(['Internal DNC']);
    const patched = await admin.call(`/api/v1/suppression-lists/${list.id}`, {
      method: 'PATCH',
      json: { name: 'DNC', expirationDays: 30 },
    });
    expect(patched.status).toBe(200);
    expect(await h.store.forTenant(h.tenants.a.id).suppression.getList(list.id)).toMatchObject({
      name: 'DNC',
      expirationDays: 30,
    });
    const retype = await admin.call(`/api/v1/suppression-lists/${list.id}`, {
      method: 'PATCH',
      json: { type: 'clientId' },
    });
    expect(retype.status).toBe(400);
    expect((await body<ErrorBody>(retype)).error.code).toBe('SUPPRESSION_TYPE_IMMUTABLE');
    expect((await h.store.forTenant(h.tenants.a.id).suppression.getList(list.id))?.type).toBe('device');
    expect((await admin.call(`/api/v1/suppression-lists/${list.id}`, { method: 'DELETE' })).status).toBe(200);
    expect(await h.store.forTenant(h.tenants.a.id).suppression.getList(list.id)).toBeUndefined();
    expect((await admin.call(`/api/v1/suppression-lists/${list.id}`)).status).toBe(404);
    const audit = await h.identity.forTenant(h.tenants.a.id).listAudit({ action: 'suppressionList' });
    expect(audit.items.map((e) => e.action).sort()).toEqual([
      'suppressionList.create',
      'suppressionList.delete',
      'suppressionList.update',
    ]);
  });

  it('adds entries normalised like imports, rejects duplicates, pages, removes and exports them', async () => {
    const { h, admin, create, values } = await setup();
    const list = await create({ name: 'DNC' });
    const add = await admin.call(`/api/v1/suppression-lists/${list.id}/entries`, {
      method: 'POST',
      json: {
        entries: [
          { value: '(212) 555-0123' },
          { value: '+1 646 555 0100', from: '2026-12-01T00:00:00Z', till: 1798761600000 },
          { value: 'Someone@Example.COM' },
        ],
      },
    });
    expect(add.status).toBe(200);
    expect(await body(add)).toEqual({ added: 3, rejected: [] });
    expect((await values(list.id)).sort()).toEqual(['+12125550123', '+16465550100', 'someone@example.com']);
    const dup = await body<{ added: number; rejected: { value: string; code: string }[] }>(
      await admin.call(`/api/v1/suppression-lists/${list.id}/entries`, {
        method: 'POST',
        json: { entries: [{ value: '212.555.0123' }, { value: '2125550199' }] },
      }),
    );
    expect(dup.added).toBe(1);
    expect(dup.rejected).toMatchObject([{ value: '+12125550123', code: 'SUPPRESSION_DUPLICATE' }]);

    const invalid = await admin.call(`/api/v1/suppression-lists/${list.id}/entries`, {
      method: 'POST',
      json: { entries: [{ value: '2125550777' }, { value: '12' }] },
    });
    expect(invalid.status).toBe(400);
    const err = await body<ErrorBody>(invalid);
    expect(err.error.code).toBe('DEVICE_INVALID');
    expect(err.error.details?.field).toBe('entries.1.value');
    expect(await values(list.id)).not.toContain('+12125550777');
    const window = await admin.call(`/api/v1/suppression-lists/${list.id}/entries`, {
      method: 'POST',
      json: { entries: [{ value: '2125550778', from: 200, till: 100 }] },
    });
    expect(window.status).toBe(400);

    const first = await body<Page<{ value: string }>>(
      await admin.call(`/api/v1/suppression-lists/${list.id}/entries?limit=2`),
    );
    const rest = await body<Page<{ value: string }>>(
      await admin.call(
        `/api/v1/suppression-lists/${list.id}/entries?limit=10&after=${encodeURIComponent(first.nextCursor!)}`,
      ),
    );
    expect([...first.items, ...rest.items]).toHaveLength(4);

    const csv = await admin.call(`/api/v1/suppression-lists/${list.id}/export`);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trim().split('\r\n');
    expect(lines[0]).toBe('Device1,From,Till');
    expect(lines).toContain('+16465550100,2026-12-01T00:00:00.000Z,2027-01-01T00:00:00.000Z');
    expect(lines).toHaveLength(5);

    const removed = await admin.call(`/api/v1/suppression-lists/${list.id}/entries/remove`, {
      method: 'POST',
      json: { values: ['212-555-0123', 'SOMEONE@example.com'] },
    });
    expect(await body(removed)).toEqual({ removed: 2 });
    expect((await values(list.id)).sort()).toEqual(['+12125550199', '+16465550100']);
    expect((await h.store.forTenant(h.tenants.a.id).suppression.getList(list.id))?.size).toBe(2);
  });

  it('searches an entry across lists and looks up suppression for a channel at an instant', async () => {
    const { admin, create } = await setup();
    const voice = await create({ name: 'Voice DNC' });
    const sms = await create({ name: 'SMS opt-out', channels: ['sms'], required: true });
    const clients = await create({ name: 'Closed accounts', type: 'clientId' });
    const windowed = await create({ name: 'Holiday' });
    const add = (id: string, entries: unknown[]) =>
      admin.call(`/api/v1/suppression-lists/${id}/entries`, { method: 'POST', json: { entries } });
    await add(voice.id, [{ value: '2125550123' }]);
    await add(sms.id, [{ value: '+12125550123' }]);
    await add(clients.id, [{ value: 'ACC-42' }]);
    await add(windowed.id, [{ value: '6465550100', from: '2026-12-24T00:00:00Z', till: '2026-12-27T00:00:00Z' }]);

    const search = await body<{ matches: Match[]; device: string }>(
      await admin.call('/api/v1/suppression-lists/search', { method: 'POST', json: { device: '212 555 0123' } }),
    );
    expect(search.device).toBe('+12125550123');
    expect(search.matches.map((m) => m.listName).sort()).toEqual(['SMS opt-out', 'Voice DNC']);
    const byClient = await body<{ matches: Match[] }>(
      await admin.call('/api/v1/suppression-lists/search', { method: 'POST', json: { clientId: 'ACC-42' } }),
    );
    expect(byClient.matches.map((m) => m.listId)).toEqual([clients.id]);
    const none = await admin.call('/api/v1/suppression-lists/search', { method: 'POST', json: {} });
    expect(none.status).toBe(400);

    const lookup = async (json: Record<string, unknown>) =>
      body<{ suppressed: boolean; matches: Match[] }>(
        await admin.call('/api/v1/suppression-lists/lookup', { method: 'POST', json }),
      );
    // Voice: only lists with the voice channel (required SMS list does not apply to voice).
    expect(
      (await lookup({ device: '(212) 555-0123', channel: 'voice', listIds: [voice.id] })).matches.map((m) => m.listId),
    ).toEqual([voice.id]);
    expect((await lookup({ device: '(212) 555-0123', channel: 'sms' })).matches.map((m) => m.listId)).toEqual([sms.id]);
    // Without listIds every list of the channel applies.
    expect((await lookup({ device: '(212) 555-0123', channel: 'voice' })).matches.map((m) => m.listId)).toEqual([
      voice.id,
    ]);
    expect((await lookup({ device: '(212) 555-0123', channel: 'email' })).suppressed).toBe(false);
    // A window suppresses only inside it.
    const inside = await lookup({ device: '6465550100', listIds: [windowed.id], at: '2026-12-25T12:00:00Z' });
    expect(inside.suppressed).toBe(true);
    const after = await lookup({ device: '6465550100', listIds: [windowed.id], at: '2026-12-28T12:00:00Z' });
    expect(after.suppressed).toBe(false);
    expect((await lookup({ clientId: 'ACC-42', listIds: [clients.id] })).suppressed).toBe(true);
    const bad = await admin.call('/api/v1/suppression-lists/lookup', {
      method: 'POST',
      json: { channel: 'fax', device: '1' },
    });
    expect(bad.status).toBe(400);
  });

  it('imports CREATE, APPEND_ONLY and FLUSH_APPEND uploads with per-line rejects, and a dry run', async () => {
    const { h, admin, values } = await setup();
    const created = await importAndWait(
      admin,
      '/api/v1/suppression-lists/imports',
      { name: 'Imported DNC', channels: 'voice,sms' },
      { content: 'phone\n2125550101\n(212) 555-0102\nnot-a-number\n2125550101\n', fileName: 'dnc.txt' },
    );
    expect(created).toMatchObject({ kind: 'suppression', state: 'completed', acceptedLines: 2, rejectedLines: 2 });
    const listId = created.listIds[0]!;
    expect(await h.store.forTenant(h.tenants.a.id).suppression.getList(listId)).toMatchObject({
      name: 'Imported DNC',
      channels: ['voice', 'sms'],
      size: 2,
    });
    const rejects = await (await admin.call(`/api/v1/imports/${created.id}/artifacts/rejects`)).text();
    expect(rejects).toBe('not-a-number\r\n2125550101\r\n');

    h.clock.advance(1000);
    const appended = await importAndWait(
      admin,
      `/api/v1/suppression-lists/${listId}/imports`,
      {},
      {
        content: '2125550102\n2125550103\n',
      },
    );
    expect(appended).toMatchObject({ uploadMode: 'APPEND_ONLY', acceptedLines: 1, rejectedLines: 1 });
    expect((await values(listId)).sort()).toEqual(['+12125550101', '+12125550102', '+12125550103']);

    h.clock.advance(1000);
    const flushed = await importAndWait(
      admin,
      `/api/v1/suppression-lists/${listId}/imports`,
      { uploadMode: 'FLUSH_APPEND' },
      {
        content: '6465550100\n',
      },
    );
    expect(flushed).toMatchObject({ uploadMode: 'FLUSH_APPEND', insertedRecords: 1, deletedRecords: 3 });
    expect(await values(listId)).toEqual(['+16465550100']);
    const jobs = await body<Page<ImportJob>>(await admin.call(`/api/v1/suppression-lists/${listId}/imports`));
    expect(jobs.items.map((j) => j.uploadMode)).toEqual(['CREATE', 'APPEND_ONLY', 'FLUSH_APPEND']);

    const before = await listAreaSnapshot(h, h.tenants.a.id);
    const dry = await upload(
      admin,
      `/api/v1/suppression-lists/${listId}/imports`,
      { dryRun: 'true' },
      {
        content: '7185550100\n',
      },
    );
    expect(dry.status).toBe(200);
    expect((await body<{ counters: { acceptedLines: number } }>(dry)).counters.acceptedLines).toBe(1);
    const retype = await upload(
      admin,
      `/api/v1/suppression-lists/${listId}/imports`,
      { type: 'clientId' },
      {
        content: 'X\n',
      },
    );
    expect(retype.status).toBe(400);
    expect((await body<ErrorBody>(retype)).error.code).toBe('LIST_UPLOAD_MODE_INVALID');
    const truncated = await admin.call(`/api/v1/suppression-lists/${listId}/imports`, {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=zz' },
      body: '--zz\r\nContent-Disposition: form-data; name="uploadMode"\r\n\r\nFLUSH_APPEND\r\n--zz\r\nContent-Disposition: form-data; name="file"; filename="x.txt"\r\n\r\n7185550100\n',
    });
    expect(truncated.status).toBe(400);
    expect(await listAreaSnapshot(h, h.tenants.a.id)).toBe(before);
  });
});
