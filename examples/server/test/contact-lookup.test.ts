import type { Contact } from '@outpace/core';
import { describe, expect, it } from 'vitest';
import { createHarness } from './support/harness.js';
import { body, importAndWait } from './support/lists.js';

describe('contact lookup by ClientID', () => {
  it('finds the contact of a list by its ClientID, 404s an unknown one, and hides other tenants’ lists', async () => {
    const h = await createHarness();
    const admin = await h.login(h.tenants.a.users.admin.email);
    const job = await importAndWait(
      admin,
      '/api/v1/lists/imports',
      { name: 'Lookup' },
      {
        fileName: 'lookup.csv',
        content: 'ClientID,FirstName,Device1\nC-1,Ana,(212) 555-0101\nC-2,Ben,(415) 555-0102\n',
      },
    );
    expect(job.state).toBe('completed');
    const listId = job.listIds[0]!;

    const found = await admin.call(`/api/v1/lists/${listId}/contacts/by-client-id/C-2`);
    expect(found.status).toBe(200);
    const contact = await body<Contact>(found);
    expect(contact).toMatchObject({ clientId: 'C-2', listId, firstName: 'Ben' });
    expect(contact.devices[0]?.value).toBe('+14155550102');

    const missing = await admin.call(`/api/v1/lists/${listId}/contacts/by-client-id/C-9`);
    expect(missing.status).toBe(404);
    expect((await body<{ error: { code: string; message: string } }>(missing)).error).toMatchObject({
      code: 'CONTACT_NOT_FOUND',
      message: expect.stringContaining('"C-9"'),
    });

    const other = await h.login(h.tenants.b.users.analyst.email);
    const hidden = await other.call(`/api/v1/lists/${listId}/contacts/by-client-id/C-2`);
    expect(hidden.status).toBe(404);
    expect((await body<{ error: { code: string } }>(hidden)).error.code).toBe('LIST_NOT_FOUND');
  });
});
