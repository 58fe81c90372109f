import type { Contact, ContactList, ImportJob } from '@outpace/core';
import { describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './support/harness.js';
import { body, type Caller, importAndWait, listAreaSnapshot, multipart, upload, waitForJob } from './support/lists.js';

type Page<T> = { items: T[]; nextCursor: string | null };
type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };

const MESSY = [
  'ClientID,FirstName,LastName,Device1,Device2,Other1',
  'C1,Ada,Lovelace,(212) 555-0123,,=HYPERLINK("http://evil.example")',
  'C2,Bob,Nophone,12345,,',
  'C3,Cy,Warn,646.555.0100,not a phone,plain',
  'C1,Dup,Licate,2125550124,,',
  'C5,Too,Few',
  '"C6,Broken,Quote,2125550125,,',
].join('\r\n');

async function setup() {
  const h = await createHarness();
  const admin = await h.login(h.tenants.a.users.admin.email);
  return { h, admin };
}

async function contactsOf(h: Harness, listId: string): Promise<Contact[]> {
  // Ids order contacts by creation time; the harness clock stands still, so sort by ClientID.
  const items = (await h.store.forTenant(h.tenants.a.id).contacts.list(listId, { limit: 1000 })).items;
  return items.sort((a, b) => (a.clientId ?? '').localeCompare(b.clientId ?? ''));
}

async function newList(admin: Caller, csv: string, name = 'Base'): Promise<{ job: ImportJob; list: ContactList }> {
  const job = await importAndWait(admin, '/api/v1/lists/imports', { name }, { content: csv });
  expect(job.state).toBe('completed');
  const list = await body<ContactList>(await admin.call(`/api/v1/lists/${job.listIds[0]}`));
  return { job, list };
}

describe('contact imports', () => {
  it('imports a messy file: 202 with the job, then the right counts, stored rows and rejects artifacts', async () => {
    const { h, admin } = await setup();
    const res = await upload(
      admin,
      '/api/v1/lists/imports',
      { name: 'Fair leads', callerId: '+12125550100' },
      {
        content: MESSY,
        fileName: 'fair.csv',
      },
    );
    expect(res.status).toBe(202);
    const accepted = await body<ImportJob>(res);
    expect(accepted.id).toMatch(/^job_/);
    expect(res.headers.get('location')).toBe(`/api/v1/imports/${accepted.id}`);
    expect(accepted).toMatchObject({ kind: 'contacts', uploadMode: 'CREATE', fileName: 'fair.csv' });

    const job = await waitForJob(admin, accepted.id);
    expect(job).toMatchObject({
      state: 'completed',
      totalLines: 6,
      processedLines: 6,
      acceptedLines: 2,
      rejectedLines: 4,
      insertedRecords: 2,
      warningLines: 1,
    });
    expect(job.listIds).toHaveLength(1);
    const list = await h.store.forTenant(h.tenants.a.id).lists.get(job.listIds[0]!);
    expect(list).toMatchObject({ name: 'Fair leads', callerId: '+12125550100', size: 2 });
    const stored = await contactsOf(h, list!.id);
    expect(stored.map((c) => [c.clientId, c.devices.map((d) => d.value)])).toEqual([
      ['C1', ['+12125550123']],
      ['C3', ['+16465550100']],
    ]);

    const rejects = await admin.call(`/api/v1/imports/${job.id}/artifacts/rejects`);
    expect(rejects.status).toBe(200);
    expect(rejects.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(rejects.headers.get('content-disposition')).toBe('attachment; filename="fair-rejects.csv"');
    expect(await rejects.text()).toBe(
      ['C2,Bob,Nophone,12345,,', 'C1,Dup,Licate,2125550124,,', 'C5,Too,Few', '"C6,Broken,Quote,2125550125,,', ''].join(
        '\r\n',
      ),
    );
    const messages = (await (await admin.call(`/api/v1/imports/${job.id}/artifacts/messages`)).text())
      .trim()
      .split('\n');
    const codes = messages.map((m) => m.split('\t').slice(0, 3).join(' '));
    expect(codes).toEqual([
      'Line 3 warning DEVICE_INVALID',
      'Line 3 error NO_DIALABLE_DEVICE',
      'Line 4 warning DEVICE_INVALID',
      'Line 5 error CLIENT_ID_DUPLICATE',
      'Line 6 error ROW_FIELD_COUNT',
      'Line 7 error ROW_MALFORMED',
    ]);

    const page = await body<Page<{ line: number; rejected: boolean; raw: string | null }>>(
      await admin.call(`/api/v1/imports/${job.id}/reports?limit=2`),
    );
    expect(page.items.map((r) => [r.line, r.rejected])).toEqual([
      [3, true],
      [4, false],
    ]);
    const rest = await body<Page<{ line: number }>>(
      await admin.call(`/api/v1/imports/${job.id}/reports?limit=10&after=${encodeURIComponent(page.nextCursor!)}`),
    );
    expect(rest.items.map((r) => r.line)).toEqual([5, 6, 7]);
    const rejectedOnly = await body<Page<{ line: number }>>(
      await admin.call(`/api/v1/imports/${job.id}/reports?rejectedOnly=true`),
    );
    expect(rejectedOnly.items.map((r) => r.line)).toEqual([3, 5, 6, 7]);

    const perList = await body<Page<ImportJob>>(await admin.call(`/api/v1/lists/${list!.id}/imports`));
    expect(perList.items.map((j) => j.id)).toEqual([job.id]);
    const all = await body<Page<ImportJob>>(await admin.call('/api/v1/imports?kind=contacts'));
    expect(all.items.map((j) => j.id)).toEqual([job.id]);
    const audit = await h.identity.forTenant(h.tenants.a.id).listAudit({ action: 'list.import' });
    expect(audit.items[0]?.target).toEqual({ type: 'importJob', id: job.id });
  });

  it('a dry run answers 200 with the counts and stores nothing, not even a job', async () => {
    const { h, admin } = await setup();
    const res = await upload(admin, '/api/v1/lists/imports', { name: 'Dry', dryRun: 'true' }, { content: MESSY });
    expect(res.status).toBe(200);
    const dry = await body<{
      dryRun: boolean;
      counters: Record<string, number>;
      targets: { name: string; contacts: number }[];
      reports: { line: number }[];
      input: { delimiter: string };
      mapping: { header: string[] };
    }>(res);
    expect(dry.dryRun).toBe(true);
    expect(dry.counters).toMatchObject({ processedLines: 6, acceptedLines: 2, rejectedLines: 4, insertedRecords: 0 });
    expect(dry.targets).toEqual([{ name: 'Dry', contacts: 2 }]);
    expect(dry.reports.map((r) => r.line)).toEqual([3, 4, 5, 6, 7]);
    expect(dry.input.delimiter).toBe(',');
    expect(dry.mapping.header).toEqual(['ClientID', 'FirstName', 'LastName', 'Device1', 'Device2', 'Other1']);
    expect((await h.store.forTenant(h.tenants.a.id).lists.list()).items).toEqual([]);
    expect((await h.store.forTenant(h.tenants.a.id).importJobs.list()).items).toEqual([]);
  });

  it('APPEND_ONLY, APPEND_AND_UPDATE and FLUSH_APPEND load an existing list as their modes say', async () => {
    const { h, admin } = await setup();
    const { list } = await newList(admin, 'ClientID,FirstName,Device1\r\nA,Ann,2125550101\r\nB,Ben,2125550102\r\n');
    const path = `/api/v1/lists/${list.id}/imports`;
    // Job ids sort by creation time: let time pass between imports.
    h.clock.advance(1000);
    const appendOnly = await importAndWait(
      admin,
      path,
      { uploadMode: 'APPEND_ONLY' },
      {
        content: 'ClientID,FirstName,Device1\r\nB,Bart,2125550199\r\nC,Cat,2125550103\r\n',
      },
    );
    expect(appendOnly).toMatchObject({ state: 'completed', acceptedLines: 1, rejectedLines: 1, insertedRecords: 1 });
    const reports = await body<Page<{ issues: { code: string }[] }>>(
      await admin.call(`/api/v1/imports/${appendOnly.id}/reports`),
    );
    expect(reports.items[0]?.issues.map((i) => i.code)).toEqual(['CLIENT_ID_EXISTS']);
    expect((await contactsOf(h, list.id)).map((c) => `${c.clientId}:${c.firstName}`).sort()).toEqual([
      'A:Ann',
      'B:Ben',
      'C:Cat',
    ]);

    const before = (await contactsOf(h, list.id)).find((c) => c.clientId === 'B')!;
    h.clock.advance(1000);
    const upsert = await importAndWait(
      admin,
      path,
      { uploadMode: 'APPEND_AND_UPDATE' },
      {
        content: 'ClientID,FirstName,Device1\r\nB,Bart,2125550199\r\nD,Dan,2125550104\r\n',
      },
    );
    expect(upsert).toMatchObject({ state: 'completed', acceptedLines: 2, insertedRecords: 1, updatedRecords: 1 });
    const after = await contactsOf(h, list.id);
    expect(after.map((c) => `${c.clientId}:${c.firstName}`).sort()).toEqual(['A:Ann', 'B:Bart', 'C:Cat', 'D:Dan']);
    expect(after.find((c) => c.clientId === 'B')?.id).toBe(before.id);

    h.clock.advance(1000);
    const flush = await importAndWait(
      admin,
      path,
      { uploadMode: 'FLUSH_APPEND' },
      {
        content: 'ClientID,FirstName,Device1\r\nZ,Zed,2125550126\r\n',
      },
    );
    expect(flush).toMatchObject({ state: 'completed', insertedRecords: 1, deletedRecords: 4 });
    expect((await contactsOf(h, list.id)).map((c) => c.clientId)).toEqual(['Z']);
    expect((await h.store.forTenant(h.tenants.a.id).lists.get(list.id))?.size).toBe(1);
    const jobs = await body<Page<ImportJob>>(await admin.call(`/api/v1/lists/${list.id}/imports`));
    expect(jobs.items.map((j) => j.uploadMode)).toEqual(['CREATE', 'APPEND_ONLY', 'APPEND_AND_UPDATE', 'FLUSH_APPEND']);
  });

  it('maps by a stored spec file or data mapping, splits by an upload rule and filters by a selection rule', async () => {
    const { h, admin } = await setup();
    const spec = await body<{ id: string }>(
      await admin.call('/api/v1/spec-files', {
        method: 'POST',
        json: { name: 'Pipes', text: 'Option: CSVFieldSeparator |\nClientID:s/<CSV>/$1/\nDevice1:s/<CSV>/$2/\n' },
      }),
    );
    const bySpec = await importAndWait(
      admin,
      '/api/v1/lists/imports',
      { name: 'Spec', specFileId: spec.id },
      {
        content: 'S1|2125550101\nS2|2125550102\n',
        fileName: 'pipes.txt',
      },
    );
    expect(bySpec).toMatchObject({ state: 'completed', acceptedLines: 2 });
    expect((await contactsOf(h, bySpec.listIds[0]!)).map((c) => c.devices[0]?.value)).toEqual([
      '+12125550101',
      '+12125550102',
    ]);

    const mapping = await body<{ id: string }>(
      await admin.call('/api/v1/data-mappings', {
        method: 'POST',
        json: {
          name: 'Fixed',
          format: 'fixed',
          hasHeader: false,
          fields: [
            { target: 'ClientID', start: 1, end: 3 },
            { target: 'Device1', start: 4, end: 13 },
          ],
        },
      }),
    );
    const byMapping = await importAndWait(
      admin,
      '/api/v1/lists/imports',
      { dataMappingId: mapping.id },
      {
        content: 'M012125550111\nM022125550112\n',
        fileName: 'fixed.dat',
      },
    );
    expect(byMapping.state).toBe('completed');
    expect((await h.store.forTenant(h.tenants.a.id).lists.get(byMapping.listIds[0]!))?.name).toBe('fixed');
    expect((await contactsOf(h, byMapping.listIds[0]!)).map((c) => c.clientId)).toEqual(['M01', 'M02']);

    const rule = await body<{ id: string }>(
      await admin.call('/api/v1/list-rules', {
        method: 'POST',
        json: { kind: 'upload', name: 'Pairs', split: { by: 'quantity', size: 2 }, outputName: '{name}_%d' },
      }),
    );
    const rows = Array.from({ length: 5 }, (_, i) => `R${i},212555012${i}`).join('\r\n');
    const split = await importAndWait(
      admin,
      '/api/v1/lists/imports',
      { name: 'Wave', uploadRuleId: rule.id },
      {
        content: `ClientID,Device1\r\n${rows}\r\n`,
      },
    );
    expect(split.listIds).toHaveLength(3);
    const names = await Promise.all(split.listIds.map((id) => h.store.forTenant(h.tenants.a.id).lists.get(id)));
    expect(names.map((l) => [l?.name, l?.size]).sort()).toEqual([
      ['Wave_1', 2],
      ['Wave_2', 2],
      ['Wave_3', 1],
    ]);

    const selection = await body<{ id: string }>(
      await admin.call('/api/v1/list-rules', {
        method: 'POST',
        json: {
          kind: 'selection',
          name: 'Manhattan',
          selection: {
            conditionSets: [{ conditions: [{ field: 'device', type: 'areaCode', operator: 'equal', value: '212' }] }],
          },
        },
      }),
    );
    const filtered = await importAndWait(
      admin,
      '/api/v1/lists/imports',
      { name: 'NYC', selectionRuleId: selection.id },
      {
        content: 'ClientID,Device1\r\nN1,2125550101\r\nN2,6465550102\r\n',
      },
    );
    expect(filtered).toMatchObject({ acceptedLines: 1, rejectedLines: 1 });
    expect((await contactsOf(h, filtered.listIds[0]!)).map((c) => c.clientId)).toEqual(['N1']);
    const filteredOut = await body<Page<{ issues: { code: string }[] }>>(
      await admin.call(`/api/v1/imports/${filtered.id}/reports`),
    );
    expect(filteredOut.items[0]?.issues.map((i) => i.code)).toEqual(['FILTERED_OUT']);

    const wrongKind = await upload(admin, '/api/v1/lists/imports', { uploadRuleId: selection.id }, { content: rows });
    expect(wrongKind.status).toBe(400);
    expect((await body<ErrorBody>(wrongKind)).error.code).toBe('LIST_RULE_KIND_INVALID');
  });

  it('reads a Windows-1252 file when told its encoding', async () => {
    const { h, admin } = await setup();
    const bytes = Buffer.from('ClientID,FirstName,Device1\r\nE1,Ren\xe9e,2125550101\r\n', 'latin1');
    const job = await importAndWait(admin, '/api/v1/lists/imports', { encoding: 'windows-1252' }, { content: bytes });
    expect((await contactsOf(h, job.listIds[0]!))[0]?.firstName).toBe('Renée');
  });

  it('exports a list as CSV with a selection, neutralising formulas', async () => {
    const { h, admin } = await setup();
    const { list } = await newList(admin, MESSY, 'Export me');
    const selection = { conditionSets: [{ conditions: [{ field: 'clientId', operator: 'equal', value: 'C1' }] }] };
    const res = await admin.call(
      `/api/v1/lists/${list.id}/export?deviceDetails=false&selection=${encodeURIComponent(JSON.stringify(selection))}`,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="Export_me.csv"');
    const lines = (await res.text()).trim().split('\r\n');
    expect(lines[0]).toBe('ClientID,FirstName,LastName,Company,PostalCode,State,Country,TimeZone,Device1,Other1');
    expect(lines.slice(1)).toEqual([`C1,Ada,Lovelace,,,,,,+12125550123,"'=HYPERLINK(""http://evil.example"")"`]);

    const rule = await body<{ id: string }>(
      await admin.call('/api/v1/list-rules', {
        method: 'POST',
        json: {
          kind: 'selection',
          name: 'C3',
          selection: { conditionSets: [{ conditions: [{ field: 'clientId', operator: 'equal', value: 'C3' }] }] },
        },
      }),
    );
    const byRule = await admin.call(`/api/v1/lists/${list.id}/export?selectionRuleId=${rule.id}&delimiter=semicolon`);
    const ruleLines = (await byRule.text()).trim().split('\r\n');
    expect(ruleLines).toHaveLength(2);
    expect(ruleLines[1]?.startsWith('C3;Cy;Warn;;;;;;+16465550100;plain')).toBe(true);

    const bad = await admin.call(
      `/api/v1/lists/${list.id}/export?selection=${encodeURIComponent(JSON.stringify({ conditionSets: [{ conditions: [{ field: 'other1', type: 'numeric', operator: 'greaterThan', value: 'ten' }] }] }))}`,
    );
    expect(bad.status).toBe(400);
    const err = await body<ErrorBody & { error: { details: { issues: { path: string }[] } } }>(bad);
    expect(err.error.code).toBe('LIST_RULE_INVALID');
    expect(err.error.details.issues[0]?.path).toBe('selection.conditionSets.0.conditions.0.value');
    expect((await admin.call(`/api/v1/lists/${list.id}/export?selection=%7Bnope`)).status).toBe(400);
    expect((await admin.call('/api/v1/lists/lst_missing/export')).status).toBe(404);
    const audit = await h.identity.forTenant(h.tenants.a.id).listAudit({ action: 'list.export' });
    expect(audit.items).toHaveLength(2);
  });
});

describe('broken and refused uploads change nothing', () => {
  const CSV = `ClientID,Device1\r\n${Array.from({ length: 3000 }, (_, i) => `X${i},212555${String(1000 + i).padStart(4, '0')}`).join('\r\n')}\r\n`;

  async function withList() {
    const { h, admin } = await setup();
    const { list } = await newList(admin, 'ClientID,Device1\r\nA,2125550101\r\n');
    const path = `/api/v1/lists/${list.id}/imports`;
    const snapshot = () => listAreaSnapshot(h, h.tenants.a.id);
    return { h, admin, list, path, before: await snapshot(), snapshot };
  }

  it('a truncated form (missing end, cut mid-file) is a 400 UPLOAD_INCOMPLETE; the job records it', async () => {
    const { h, admin, list, path, before, snapshot } = await withList();
    const { body: full, contentType } = multipart({ uploadMode: 'FLUSH_APPEND' }, { content: CSV });
    for (const cut of [8, 30, full.length / 2]) {
      const res = await admin.call(path, {
        method: 'POST',
        headers: { 'content-type': contentType },
        body: full.subarray(0, full.length - cut),
      });
      expect(res.status).toBe(400);
      expect((await body<ErrorBody>(res)).error.code).toBe('UPLOAD_INCOMPLETE');
    }
    expect(await snapshot()).toBe(before);
    const jobs = await body<Page<ImportJob>>(await admin.call(`/api/v1/lists/${list.id}/imports`));
    const failed = jobs.items.filter((j) => j.uploadMode === 'FLUSH_APPEND');
    expect(failed).toHaveLength(3);
    for (const j of failed) {
      expect(j.state === 'failed' || j.state === 'aborted').toBe(true);
      expect(j.error?.code).toMatch(/UPLOAD_INCOMPLETE|LIST_IMPORT_ABORTED/);
    }
    expect(await h.store.forTenant(h.tenants.a.id).contacts.count(list.id)).toBe(1);
  });

  it('a client that goes away mid-upload is a 400 and nothing is stored', async () => {
    const { admin, path, before, snapshot } = await withList();
    const { body: full, contentType } = multipart({ uploadMode: 'FLUSH_APPEND' }, { content: CSV });
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(full.subarray(0, 20_000));
        setTimeout(() => controller.error(new Error('socket hang up')), 20);
      },
    });
    const res = await admin.call(path, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(400);
    const err = await body<ErrorBody>(res);
    expect(err.error.code).toBe('UPLOAD_INCOMPLETE');
    expect(err.error.message).toMatch(/socket hang up/);
    expect(await snapshot()).toBe(before);
  });

  it('an upload over the limit is a 413, streamed (no length) or declared', async () => {
    const { h, admin, path, before, snapshot } = await withList();
    h.deps.http.maxUploadBytes = 16 * 1024;
    const { body: full, contentType } = multipart({ uploadMode: 'FLUSH_APPEND' }, { content: CSV });
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < full.length; i += 4096) controller.enqueue(full.subarray(i, i + 4096));
        controller.close();
      },
    });
    const streamed = await admin.call(path, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(streamed.status).toBe(413);
    expect((await body<ErrorBody>(streamed)).error.code).toBe('PAYLOAD_TOO_LARGE');
    const declared = await admin.call(path, {
      method: 'POST',
      headers: { 'content-type': contentType, 'content-length': String(full.length) },
      body: full,
    });
    expect(declared.status).toBe(413);
    expect(await snapshot()).toBe(before);
  });

  it('refuses bad forms before reading the file: 4xx naming the problem', async () => {
    const { h, admin, list, path, before, snapshot } = await withList();
    h.clock.advance(1000);
    const boundary = 'b0undary';
    const fieldAfterFile = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\n${CSV}\r\n--${boundary}\r\nContent-Disposition: form-data; name="uploadMode"\r\n\r\nFLUSH_APPEND\r\n--${boundary}--\r\n`,
    );
    const cases: [string, Promise<Response>, number, string][] = [
      [
        'field after file',
        admin.call(path, {
          method: 'POST',
          headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
          body: fieldAfterFile,
        }),
        400,
        'UPLOAD_FIELD_AFTER_FILE',
      ],
      ['no file', upload(admin, path, { uploadMode: 'FLUSH_APPEND' }), 400, 'UPLOAD_FILE_MISSING'],
      [
        'JSON instead of a form',
        admin.call(path, { method: 'POST', json: { uploadMode: 'FLUSH_APPEND' } }),
        415,
        'UNSUPPORTED_MEDIA_TYPE',
      ],
      [
        'no boundary',
        admin.call(path, { method: 'POST', headers: { 'content-type': 'multipart/form-data' }, body: CSV }),
        400,
        'UPLOAD_MALFORMED',
      ],
      [
        'unknown field',
        upload(admin, path, { uploadMode: 'FLUSH_APPEND', colour: 'red' }, { content: CSV }),
        400,
        'VALIDATION_FAILED',
      ],
      ['bad mode', upload(admin, path, { uploadMode: 'MERGE' }, { content: CSV }), 400, 'VALIDATION_FAILED'],
      [
        'CREATE into a list',
        upload(admin, path, { uploadMode: 'CREATE' }, { content: CSV }),
        400,
        'LIST_UPLOAD_MODE_INVALID',
      ],
      ['name on append', upload(admin, path, { name: 'New name' }, { content: CSV }), 400, 'VALIDATION_FAILED'],
      ['bad encoding', upload(admin, path, { encoding: 'ebcdic' }, { content: CSV }), 400, 'VALIDATION_FAILED'],
      ['bad dry-run flag', upload(admin, path, { dryRun: 'maybe' }, { content: CSV }), 400, 'VALIDATION_FAILED'],
      [
        'two mappings',
        upload(admin, path, { spec: 'Device1:s/<CSV>/$1/', dataMappingId: 'map_x' }, { content: CSV }),
        400,
        'VALIDATION_FAILED',
      ],
      [
        'bad inline spec',
        upload(admin, path, { spec: 'Device1:s/<CSV>/$1/\nnonsense here' }, { content: CSV }),
        400,
        'LIST_SPEC_INVALID',
      ],
      [
        'unknown spec file',
        upload(admin, path, { specFileId: 'spc_missing' }, { content: CSV }),
        404,
        'SPEC_FILE_NOT_FOUND',
      ],
      ['unknown list', upload(admin, '/api/v1/lists/lst_missing/imports', {}, { content: CSV }), 404, 'LIST_NOT_FOUND'],
      [
        'repeated field',
        upload(admin, path, {}, { content: CSV }).then(() =>
          admin.call(path, {
            method: 'POST',
            headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
            body: Buffer.from(
              `--${boundary}\r\nContent-Disposition: form-data; name="uploadMode"\r\n\r\nAPPEND_ONLY\r\n--${boundary}\r\nContent-Disposition: form-data; name="uploadMode"\r\n\r\nFLUSH_APPEND\r\n--${boundary}--\r\n`,
            ),
          }),
        ),
        400,
        'UPLOAD_FIELD_REPEATED',
      ],
    ];
    for (const [what, pending, status, code] of cases) {
      const res = await pending;
      const err = await body<ErrorBody>(res);
      expect(res.status, what).toBe(status);
      expect(err.error.code, what).toBe(code);
    }
    // The one valid upload in the cases (APPEND_ONLY of 3,000 new contacts) is the only change.
    const jobs = await body<Page<ImportJob>>(await admin.call(`/api/v1/lists/${list.id}/imports`));
    expect(jobs.items.map((j) => j.uploadMode)).toEqual(['CREATE', 'APPEND_ONLY']);
    await waitForJob(admin, jobs.items[1]!.id);
    expect(await snapshot()).not.toBe(before);
  });

  it('refuses to delete a list while an import loads it (409), then the import completes', async () => {
    const { h, admin, list, path } = await withList();
    const { body: full, contentType } = multipart({ uploadMode: 'APPEND_ONLY' }, { content: CSV });
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(full.subarray(0, 1000));
        await gate;
        controller.enqueue(full.subarray(1000));
        controller.close();
      },
    });
    const pending = admin.call(path, {
      method: 'POST',
      headers: { 'content-type': contentType },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    let jobs: Page<ImportJob> = { items: [], nextCursor: null };
    for (let i = 0; i < 200 && jobs.items.length < 2; i++) {
      await new Promise((r) => setTimeout(r, 5));
      jobs = await body<Page<ImportJob>>(await admin.call(`/api/v1/lists/${list.id}/imports`));
    }
    expect(jobs.items).toHaveLength(2);
    const refused = await admin.call(`/api/v1/lists/${list.id}`, { method: 'DELETE' });
    expect(refused.status).toBe(409);
    expect((await body<ErrorBody>(refused)).error.code).toBe('LIST_IMPORT_RUNNING');
    release();
    const res = await pending;
    expect(res.status).toBe(202);
    const job = await waitForJob(admin, (await body<ImportJob>(res)).id);
    expect(job).toMatchObject({ state: 'completed', insertedRecords: 3000 });
    expect(await h.store.forTenant(h.tenants.a.id).contacts.count(list.id)).toBe(3001);
    expect((await admin.call(`/api/v1/lists/${list.id}`, { method: 'DELETE' })).status).toBe(200);
  });
});

describe('import preview', () => {
  it('shows the first rows as the import would build them and stores nothing, reading only what it shows', async () => {
    const { h, admin } = await setup();
    const before = await listAreaSnapshot(h, h.tenants.a.id);
    const rows = Array.from(
      { length: 30_000 },
      (_, i) => `P${i};Ren\xe9e;212555${String(1000 + (i % 9000)).padStart(4, '0')}`,
    );
    const bytes = Buffer.from(`ClientID;FirstName;Device1\r\n${rows.join('\r\n')}\r\n`, 'latin1');
    const res = await upload(admin, '/api/v1/lists/imports/preview', { rows: '2' }, { content: bytes });
    expect(res.status).toBe(200);
    const preview = await body<{
      input: { encoding: string; delimiter: string };
      mapping: { header: string[]; fields: { target: string }[] };
      rows: {
        line: number;
        accepted: boolean;
        contact: { firstName: string; devices: { value: string }[] };
        timeZones: { of: string; timeZone: string; source: string }[];
      }[];
    }>(res);
    expect(preview.input).toMatchObject({ encoding: 'windows-1252', delimiter: ';' });
    expect(preview.mapping.header).toEqual(['ClientID', 'FirstName', 'Device1']);
    expect(preview.rows.map((r) => r.line)).toEqual([2, 3]);
    expect(preview.rows[0]?.contact.firstName).toBe('Renée');
    expect(preview.rows[0]?.contact.devices[0]?.value).toBe('+12125551000');
    expect(preview.rows[0]?.timeZones.find((t) => t.of === 'device1')).toMatchObject({ timeZone: 'America/New_York' });
    // It answers from the first chunks (core reads 256 KiB at a time), while the rest has not even been sent.
    const form = multipart({ rows: '3' }, { content: bytes });
    let finish!: () => void;
    const stream = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(form.body.subarray(0, 300_000));
        await new Promise<void>((r) => {
          finish = r;
        });
        controller.enqueue(form.body.subarray(300_000));
        controller.close();
      },
    });
    const early = await admin.call('/api/v1/lists/imports/preview', {
      method: 'POST',
      headers: { 'content-type': form.contentType },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(early.status).toBe(200);
    expect((await body<{ rows: unknown[] }>(early)).rows).toHaveLength(3);
    finish();
    const bad = await upload(admin, '/api/v1/lists/imports/preview', { rows: '500' }, { content: bytes });
    expect(bad.status).toBe(400);
    expect(await listAreaSnapshot(h, h.tenants.a.id)).toBe(before);
    expect((await h.store.forTenant(h.tenants.a.id).importJobs.list()).items).toEqual([]);
  });
});
