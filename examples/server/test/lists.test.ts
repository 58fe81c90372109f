import type { Contact, ContactList } from '@outpace/core';
import { describe, expect, it } from 'vitest';
import { createHarness } from './support/harness.js';
import { body } from './support/lists.js';

type Page<T> = { items: T[]; nextCursor: string | null };

describe('contact lists', () => {
  it('creates an empty list, pages and filters by name, edits and deletes it, auditing each change', async () => {
    const h = await createHarness();
    const admin = await h.login(h.tenants.a.users.admin.email);
    const created = await admin.call('/api/v1/lists', {
      method: 'POST',
      json: { name: 'Spring leads', description: 'From the fair', callerId: '+12125550100' },
    });
    expect(created.status).toBe(201);
    const list = await body<ContactList>(created);
    expect(list.id).toMatch(/^lst_/);
    expect(list).toMatchObject({ name: 'Spring leads', size: 0, callerId: '+12125550100', useCustomTimeZones: true });
    expect(await h.store.forTenant(h.tenants.a.id).lists.get(list.id)).toMatchObject({ name: 'Spring leads' });

    for (const name of ['Autumn leads', 'Winter renewals']) {
      expect((await admin.call('/api/v1/lists', { method: 'POST', json: { name } })).status).toBe(201);
    }
    const first = await body<Page<ContactList>>(await admin.call('/api/v1/lists?limit=2'));
    expect(first.items).toHaveLength(2);
    expect(first.nextCursor).not.toBeNull();
    const second = await body<Page<ContactList>>(await admin.call(`/api/v1/lists?limit=2&after=${first.nextCursor}`));
    expect(second.items).toHaveLength(1);
    expect(new Set([...first.items, ...second.items].map((l) => l.name)).size).toBe(3);
    const leads = await body<Page<ContactList>>(await admin.call('/api/v1/lists?name=LEADS'));
    expect(leads.items.map((l) => l.name).sort()).toEqual(['Autumn leads', 'Spring leads']);

    const patched = await admin.call(`/api/v1/lists/${list.id}`, {
      method: 'PATCH',
      json: { name: 'Spring leads 2026' },
    });
    expect(patched.status).toBe(200);
    expect(await body(patched)).toMatchObject({ name: 'Spring leads 2026', description: 'From the fair' });
    expect((await admin.call(`/api/v1/lists/${list.id}`).then(body)).name).toBe('Spring leads 2026');

    const deleted = await admin.call(`/api/v1/lists/${list.id}`, { method: 'DELETE' });
    expect(deleted.status).toBe(200);
    expect(await h.store.forTenant(h.tenants.a.id).lists.get(list.id)).toBeUndefined();
    expect((await admin.call(`/api/v1/lists/${list.id}`)).status).toBe(404);
    expect((await admin.call(`/api/v1/lists/${list.id}`, { method: 'DELETE' })).status).toBe(404);

    const audit = await h.identity.forTenant(h.tenants.a.id).listAudit({ action: 'list' });
    expect(audit.items.map((e) => e.action).sort()).toEqual([
      'list.create',
      'list.create',
      'list.create',
      'list.delete',
      'list.update',
    ]);
    expect(audit.items.every((e) => e.actor.id === h.tenants.a.users.admin.id)).toBe(true);
  });

  it('refuses an unknown labeling schema and unknown patch keys', async () => {
    const h = await createHarness();
    const admin = await h.login(h.tenants.a.users.admin.email);
    const res = await admin.call('/api/v1/lists', { method: 'POST', json: { name: 'X', labelSchemaId: 'lbl_nope' } });
    expect(res.status).toBe(404);
    expect((await body<{ error: { code: string } }>(res)).error.code).toBe('LABEL_SCHEMA_NOT_FOUND');
    const list = await body<ContactList>(await admin.call('/api/v1/lists', { method: 'POST', json: { name: 'Y' } }));
    const patch = await admin.call(`/api/v1/lists/${list.id}`, { method: 'PATCH', json: { size: 10 } });
    expect(patch.status).toBe(400);
    expect((await h.store.forTenant(h.tenants.a.id).lists.get(list.id))?.size).toBe(0);
  });
});

describe('contacts of a list', () => {
  const setup = async () => {
    const h = await createHarness();
    const admin = await h.login(h.tenants.a.users.admin.email);
    const list = await body<ContactList>(await admin.call('/api/v1/lists', { method: 'POST', json: { name: 'Main' } }));
    return { h, admin, list };
  };

  it('adds a contact normalised like an import: E.164 devices, location, warnings for a bad second device', async () => {
    const { h, admin, list } = await setup();
    const res = await admin.call(`/api/v1/lists/${list.id}/contacts`, {
      method: 'POST',
      json: {
        fields: {
          ClientID: 'C-1',
          FirstName: 'Ada',
          LastName: 'Lovelace',
          Device1: '(212) 555-0123',
          Device2: '12',
          Other3: 'gold',
        },
      },
    });
    expect(res.status).toBe(201);
    const out = await body<{
      contact: Contact;
      created: boolean;
      warnings: { code: string; field: string; message: string }[];
    }>(res);
    expect(out.created).toBe(true);
    expect(out.contact.id).toMatch(/^con_/);
    expect(out.contact.devices).toHaveLength(1);
    expect(out.contact.devices[0]).toMatchObject({
      index: 1,
      value: '+12125550123',
      areaCode: '212',
      timeZone: 'America/New_York',
    });
    expect(out.contact.devices[0]).not.toHaveProperty('raw');
    expect(out.contact.others).toEqual({ other3: 'gold' });
    expect(out.warnings).toHaveLength(1);
    expect(out.warnings[0]).toMatchObject({ code: 'DEVICE_INVALID', field: 'Device2' });
    expect(out.warnings[0]?.message).not.toMatch(/line/i);
    const stored = await h.store.forTenant(h.tenants.a.id).contacts.getByClientId(list.id, 'C-1');
    expect(stored?.devices[0]?.value).toBe('+12125550123');
    expect((await h.store.forTenant(h.tenants.a.id).lists.get(list.id))?.size).toBe(1);
  });

  it('APPEND_ONLY refuses an existing ClientID with 409; APPEND_AND_UPDATE replaces the contact and keeps its id', async () => {
    const { h, admin, list } = await setup();
    const add = (uploadMode: string, device: string) =>
      admin.call(`/api/v1/lists/${list.id}/contacts`, {
        method: 'POST',
        json: { uploadMode, fields: { ClientID: 'C-1', Device1: device } },
      });
    const first = await body<{ contact: Contact }>(await add('APPEND_ONLY', '2125550123'));
    const dup = await add('APPEND_ONLY', '2125550199');
    expect(dup.status).toBe(409);
    expect((await body<{ error: { code: string } }>(dup)).error.code).toBe('CLIENT_ID_EXISTS');
    const updated = await add('APPEND_AND_UPDATE', '+1 646 555 0100');
    expect(updated.status).toBe(200);
    const out = await body<{ contact: Contact; created: boolean }>(updated);
    expect(out.created).toBe(false);
    expect(out.contact.id).toBe(first.contact.id);
    const stored = await h.store.forTenant(h.tenants.a.id).contacts.get(list.id, first.contact.id);
    expect(stored?.devices.map((d) => d.value)).toEqual(['+16465550100']);
  });

  it('refuses a contact an import would reject, and unknown fields, storing nothing', async () => {
    const { h, admin, list } = await setup();
    const noDevice = await admin.call(`/api/v1/lists/${list.id}/contacts`, {
      method: 'POST',
      json: { fields: { ClientID: 'C-9', Device1: 'not a phone' } },
    });
    expect(noDevice.status).toBe(400);
    const err = await body<{ error: { code: string; message: string; details: { issues: { code: string }[] } } }>(
      noDevice,
    );
    expect(err.error.code).toBe('CONTACT_INVALID');
    expect(err.error.details.issues.map((i) => i.code)).toContain('NO_DIALABLE_DEVICE');
    expect(err.error.message).toMatch(/^The contact has no valid phone number/);
    const unknown = await admin.call(`/api/v1/lists/${list.id}/contacts`, {
      method: 'POST',
      json: { fields: { ClientID: 'C-9', Device1: '2125550123', Shoe: '42' } },
    });
    expect(unknown.status).toBe(400);
    expect((await body<{ error: { code: string } }>(unknown)).error.code).toBe('CONTACT_FIELD_UNKNOWN');
    expect(await h.store.forTenant(h.tenants.a.id).contacts.count(list.id)).toBe(0);
  });

  it('gets, replaces, lists with a selection (keyset-paged) and permanently removes contacts', async () => {
    const { h, admin, list } = await setup();
    for (let i = 0; i < 5; i++) {
      const res = await admin.call(`/api/v1/lists/${list.id}/contacts`, {
        method: 'POST',
        json: { fields: { ClientID: `C-${i}`, State: i % 2 === 0 ? 'FL' : 'NY', Device1: `212555010${i}` } },
      });
      expect(res.status).toBe(201);
    }
    const page1 = await body<Page<Contact>>(await admin.call(`/api/v1/lists/${list.id}/contacts?limit=2`));
    expect(page1.items).toHaveLength(2);
    const page2 = await body<Page<Contact>>(
      await admin.call(`/api/v1/lists/${list.id}/contacts?limit=2&after=${encodeURIComponent(page1.nextCursor!)}`),
    );
    expect(page2.items[0]!.id > page1.items[1]!.id).toBe(true);
    const selection = { conditionSets: [{ conditions: [{ field: 'state', operator: 'equal', value: 'fl' }] }] };
    const florida = await body<Page<Contact>>(
      await admin.call(`/api/v1/lists/${list.id}/contacts?selection=${encodeURIComponent(JSON.stringify(selection))}`),
    );
    expect(florida.items.map((c) => c.clientId).sort()).toEqual(['C-0', 'C-2', 'C-4']);

    const target = florida.items[0]!;
    const one = await admin.call(`/api/v1/lists/${list.id}/contacts/${target.id}`);
    expect(await body<Contact>(one)).toMatchObject({ id: target.id, clientId: target.clientId });
    const replaced = await admin.call(`/api/v1/lists/${list.id}/contacts/${target.id}`, {
      method: 'PUT',
      json: { fields: { ClientID: target.clientId!, FirstName: 'Grace', Device1: '646-555-0199' } },
    });
    expect(replaced.status).toBe(200);
    const stored = await h.store.forTenant(h.tenants.a.id).contacts.get(list.id, target.id);
    expect(stored).toMatchObject({ firstName: 'Grace', devices: [{ value: '+16465550199' }] });
    expect(stored?.state).toBeUndefined();

    const removed = await admin.call(`/api/v1/lists/${list.id}/contacts/remove`, {
      method: 'POST',
      json: { clientIds: ['C-1', 'C-404'], contactIds: [target.id] },
    });
    expect(await body(removed)).toEqual({ removed: 2, notFound: ['C-404'] });
    const remaining = await h.store.forTenant(h.tenants.a.id).contacts.list(list.id);
    expect(remaining.items).toHaveLength(3);
    const del = await admin.call(`/api/v1/lists/${list.id}/contacts/${remaining.items[0]!.id}`, { method: 'DELETE' });
    expect(del.status).toBe(200);
    expect(await h.store.forTenant(h.tenants.a.id).contacts.count(list.id)).toBe(2);
    expect((await admin.call(`/api/v1/lists/${list.id}/contacts/${target.id}`)).status).toBe(404);
    const audit = await h.identity.forTenant(h.tenants.a.id).listAudit({ action: 'contact' });
    expect(audit.items.filter((e) => e.action === 'contact.remove')).toHaveLength(2);
  });

  it('searches contacts across lists by ClientID, by device in any phone format and by name', async () => {
    const { h, admin, list } = await setup();
    const other = await body<ContactList>(
      await admin.call('/api/v1/lists', { method: 'POST', json: { name: 'Other' } }),
    );
    for (const [l, id, name, phone] of [
      [list.id, 'A-1', 'Ada', '2125550123'],
      [other.id, 'B-1', 'Adam', '+1 212 555 0123'],
      [other.id, 'B-2', 'Bea', '6465550100'],
    ] as const) {
      await admin.call(`/api/v1/lists/${l}/contacts`, {
        method: 'POST',
        json: { fields: { ClientID: id, FirstName: name, Device1: phone } },
      });
    }
    const byDevice = await body<{ items: (Contact & { listName: string })[]; device: string }>(
      await admin.call(`/api/v1/contacts/search?device=${encodeURIComponent('(212) 555-0123')}`),
    );
    expect(byDevice.device).toBe('+12125550123');
    expect(byDevice.items.map((c) => `${c.listName}/${c.clientId}`).sort()).toEqual(['Main/A-1', 'Other/B-1']);
    const byClientId = await body<{ items: Contact[] }>(await admin.call('/api/v1/contacts/search?clientId=B-2'));
    expect(byClientId.items.map((c) => c.firstName)).toEqual(['Bea']);
    const byName = await body<{ items: Contact[] }>(await admin.call('/api/v1/contacts/search?name=ad'));
    expect(byName.items.map((c) => c.clientId).sort()).toEqual(['A-1', 'B-1']);
    const bad = await admin.call('/api/v1/contacts/search?device=12');
    expect(bad.status).toBe(400);
    expect((await body<{ error: { code: string } }>(bad)).error.code).toBe('DEVICE_INVALID');
    expect((await admin.call('/api/v1/contacts/search')).status).toBe(400);
    // Tenant B sees none of it.
    const b = await h.login(h.tenants.b.users.admin.email);
    expect((await body<{ items: Contact[] }>(await b.call('/api/v1/contacts/search?clientId=A-1'))).items).toEqual([]);
  });
});
