import { describe, expect, it } from 'vitest';
import { createFakeStores } from '../../test/fake-stores.js';
import { createManualClock } from '../ports/clock.js';
import type { LocationResolver } from '../ports/location-resolver.js';
import { importContacts } from './import-contacts.js';
import type { ImportProgress } from './import-options.js';

const csv = (...lines: string[]) => Buffer.from(`${lines.join('\n')}\n`, 'utf8');

describe('importContacts: header files', () => {
  it('stores contacts with normalised devices, indexes, default location and counters', async () => {
    const stores = createFakeStores();
    const result = await importContacts({
      stores,
      input: csv(
        'ClientID,First Name,lname,Company,Device1,cellPhone,workemail,Other3,zip,State',
        'C1,Ann,Lee,Acme,(212) 555-0123,+1 415 555 0199,Ann.Lee@Example.com,gold,10001,NY',
        'C2,Bob,Ray,,1-204-555-0123 x12,,,,,',
      ),
      fileName: 'leads.csv',
      settings: { defaultCountry: 'US', defaultTimeZone: 'America/Chicago', defaultRegion: 'IL' },
    });
    expect(result.counters).toMatchObject({
      processedLines: 2,
      acceptedLines: 2,
      rejectedLines: 0,
      insertedRecords: 2,
      totalLines: 2,
    });
    expect(result.input).toMatchObject({ container: 'none', format: 'delimited', encoding: 'utf-8', delimiter: ',' });
    const list = stores.listByName('leads')!;
    expect(result.lists.map((l) => l.id)).toEqual([list.id]);
    const [ann, bob] = stores.contactsOf(list.id);
    expect(ann).toMatchObject({
      clientId: 'C1',
      firstName: 'Ann',
      lastName: 'Lee',
      company: 'Acme',
      postalCode: '10001',
      state: 'NY',
      others: { other3: 'gold' },
      location: { timeZone: 'America/Chicago', source: 'default', region: 'IL' },
    });
    expect(ann!.devices).toEqual([
      {
        index: 1,
        type: 'home',
        value: '+12125550123',
        countryCallingCode: '1',
        countryIso: 'US',
        international: false,
        areaCode: '212',
        exchange: '555',
        timeZone: 'America/Chicago',
        timeZoneSource: 'default',
        region: 'IL',
      },
      expect.objectContaining({ index: 2, type: 'email', value: 'ann.lee@example.com' }),
      expect.objectContaining({ index: 3, type: 'mobile', value: '+14155550199' }),
    ]);
    expect(bob!.devices).toEqual([
      expect.objectContaining({
        index: 1,
        value: '+12045550123',
        countryIso: 'CA',
        international: true,
        extension: '12',
      }),
    ]);
    expect(bob!.company).toBeUndefined();
  });

  it('rejects lines with every issue and keeps the original text; warnings keep the line', async () => {
    const stores = createFakeStores();
    const result = await importContacts({
      stores,
      input: csv(
        'ClientID,FirstName,Device1,Device2',
        'A1,Ann,2125550123,555', // second device invalid: warning
        `A2,${'x'.repeat(70)},abc,`, // name too long AND no dialable device
        'A3,Cy,911,',
        'A4,Di,3125550123', // too few fields
        'A5,Ed,3125550124,,,', // extra empty fields are fine
        ',,,',
      ),
      fileName: 'x.csv',
    });
    expect(result.counters).toMatchObject({ processedLines: 6, acceptedLines: 2, rejectedLines: 4, warningLines: 1 });
    const byLine = new Map(result.reports.map((r) => [r.line, r]));
    expect(byLine.get(2)).toMatchObject({
      rejected: false,
      raw: null,
      issues: [{ code: 'DEVICE_INVALID', field: 'Device2', severity: 'warning', value: '555' }],
    });
    expect(byLine.get(3)!.rejected).toBe(true);
    expect(byLine.get(3)!.raw).toBe(`A2,${'x'.repeat(70)},abc,`);
    expect(byLine.get(3)!.issues.map((i) => i.code)).toEqual([
      'FIELD_TOO_LONG',
      'DEVICE_INVALID',
      'NO_DIALABLE_DEVICE',
    ]);
    expect(byLine.get(3)!.issues[0]!.message).toMatch(/FirstName on line 3 has 70 characters .* limit is 64/);
    expect(byLine.get(4)!.issues.map((i) => i.code)).toEqual(['DEVICE_INVALID', 'NO_DIALABLE_DEVICE']);
    expect(byLine.get(5)!.issues).toEqual([expect.objectContaining({ code: 'ROW_FIELD_COUNT', severity: 'error' })]);
    expect(byLine.get(7)!.issues).toEqual([expect.objectContaining({ code: 'ROW_EMPTY' })]);
    const list = stores.listByName('x')!;
    expect(stores.contactsOf(list.id).map((c) => c.clientId)).toEqual(['A1', 'A5']);
  });

  it('recovers after a broken quote: only that line is rejected', async () => {
    const stores = createFakeStores();
    const result = await importContacts({
      stores,
      input: csv(
        'ClientID,FirstName,Device1',
        'B1,"Ann,2125550101',
        'B2,Bob,2125550102',
        'B3,"Cy ""the"" Third",2125550103',
        'B4,"Multi',
        'line name",2125550104',
        'B5,"Di"x,2125550105',
        'B6,Ed,2125550106',
      ),
      fileName: 'q.csv',
    });
    const list = stores.listByName('q')!;
    const stored = stores.contactsOf(list.id);
    expect(stored.map((c) => c.clientId)).toEqual(['B2', 'B3', 'B4', 'B6']);
    expect(stored[1]!.firstName).toBe('Cy "the" Third');
    expect(stored[2]!.firstName).toBe('Multi\nline name');
    const rejects = result.reports.filter((r) => r.rejected);
    expect(rejects.map((r) => [r.line, r.issues[0]!.code])).toEqual([
      [2, 'ROW_MALFORMED'],
      [7, 'ROW_MALFORMED'],
    ]);
    expect(rejects[0]!.raw).toBe('B1,"Ann,2125550101');
  });

  it('detects pipe, tab, semicolon and colon delimiters', async () => {
    for (const d of ['|', '\t', ';', ':']) {
      const stores = createFakeStores();
      const result = await importContacts({
        stores,
        input: csv(['ClientID', 'Device1', 'Other1'].join(d), ['K1', '212-555-0123', 'a'].join(d)),
        fileName: 'd.txt',
      });
      expect(result.input.delimiter).toBe(d);
      expect(stores.contactsOf(result.lists[0]!.id)[0]).toMatchObject({ clientId: 'K1', others: { other1: 'a' } });
    }
  });

  it('maps label names, NameFirstLast and ignores unknown columns', async () => {
    const stores = createFakeStores();
    const result = await importContacts({
      stores,
      input: csv('NameFirstLast,Balance,Notes,Device1', 'Mary Ann Smith,120.50,call later,2125550123'),
      labels: { other21: 'Balance' },
      fileName: 'l.csv',
    });
    expect(result.mapping.unmappedColumns).toEqual(['Notes']);
    expect(stores.contactsOf(result.lists[0]!.id)[0]).toMatchObject({
      firstName: 'Mary Ann',
      lastName: 'Smith',
      others: { other21: '120.50' },
    });
  });

  it('imports a header-less file of devices', async () => {
    const stores = createFakeStores();
    const result = await importContacts({
      stores,
      input: csv('2125550123', '"(415) 555-0199"', '2125550123'),
      fileName: 'd.csv',
    });
    expect(result.mapping.headerless).toBe(true);
    expect(stores.contactsOf(result.lists[0]!.id).map((c) => c.devices[0]!.value)).toEqual([
      '+12125550123',
      '+14155550199',
      '+12125550123',
    ]);
  });

  it('fails before reading data when the header names nothing known', async () => {
    const stores = createFakeStores();
    await expect(importContacts({ stores, input: csv('a,b', '1,2'), fileName: 'h.csv' })).rejects.toMatchObject({
      code: 'LIST_MAPPING_INVALID',
      details: { line: 1 },
    });
    expect(stores.allLists()).toEqual([]);
  });
});

describe('importContacts: locations', () => {
  const resolver: LocationResolver = {
    dataVersions: { test: '1' },
    resolve(q) {
      if (q.phone?.areaCode === '312') throw new Error('table broken');
      if (q.phone?.areaCode === '212') {
        return {
          status: 'resolved',
          candidates: [{ country: 'US', region: 'NY', timeZone: 'America/New_York', source: 'phone-exchange' }],
          timeZones: ['America/New_York'],
          dataVersions: {},
        };
      }
      if (q.postalCode === '90210') {
        return {
          status: 'resolved',
          candidates: [{ country: 'US', region: 'CA', timeZone: 'America/Los_Angeles', source: 'postal-code' }],
          timeZones: ['America/Los_Angeles'],
          dataVersions: {},
        };
      }
      return { status: 'unresolved', candidates: [], timeZones: [], dataVersions: {} };
    },
  };

  it('asks the resolver per contact and device, falls back to defaults and on-error zones', async () => {
    const stores = createFakeStores();
    const result = await importContacts({
      stores,
      input: csv(
        'ClientID,Device1,Device2,zip,tz',
        'L1,2125550123,8005550123,90210,',
        'L2,2125550124,,,Europe/London',
        'L3,3125550123,,,Mars/Base',
      ),
      fileName: 'loc.csv',
      settings: { defaultTimeZone: 'America/Denver', onErrorTimeZone: 'Europe/Moscow', defaultRegion: 'CO' },
      locationResolver: resolver,
    });
    const [l1, l2, l3] = stores.contactsOf(result.lists[0]!.id);
    expect(l1!.location).toEqual({
      timeZone: 'America/Los_Angeles',
      source: 'postal-code',
      country: 'US',
      region: 'CA',
    });
    expect(l1!.devices[0]).toMatchObject({
      timeZone: 'America/New_York',
      timeZoneSource: 'phone-exchange',
      region: 'NY',
    });
    expect(l1!.devices[1]).toMatchObject({ timeZone: 'America/Denver', timeZoneSource: 'default', region: 'CO' });
    expect(l2!.timeZone).toBe('Europe/London');
    expect(l2!.location).toEqual({ timeZone: 'Europe/London', source: 'explicit' });
    expect(l3!.location).toEqual({ timeZone: 'Europe/Moscow', source: 'on-error' });
    expect(l3!.devices[0]).toMatchObject({ timeZone: 'Europe/Moscow', timeZoneSource: 'on-error' });
    const warnings = result.reports.find((r) => r.line === 4)!.issues.map((i) => i.code);
    expect(warnings).toEqual(['TIME_ZONE_INVALID', 'LOCATION_FAILED']);
  });
});

describe('importContacts: jobs, progress and dry runs', () => {
  it('records the job with counters, state and reports in line order, and reports progress', async () => {
    const stores = createFakeStores();
    const clock = createManualClock(1_000);
    const events: ImportProgress[] = [];
    const lines = ['ClientID,Device1'];
    for (let i = 0; i < 50; i++) lines.push(`P${i},${i % 10 === 0 ? 'bad' : `212555${String(1000 + i)}`}`);
    const result = await importContacts({
      stores,
      input: csv(...lines),
      fileName: 'p.csv',
      clock,
      batchSize: 7,
      progressIntervalMs: 0,
      onProgress: (p) => events.push(p),
    });
    const job = stores.jobs.get(result.jobId!)!;
    expect(job).toMatchObject({
      kind: 'contacts',
      state: 'completed',
      uploadMode: 'CREATE',
      fileName: 'p.csv',
      processedLines: 50,
      acceptedLines: 45,
      rejectedLines: 5,
      insertedRecords: 45,
      startedAt: 1_000,
      finishedAt: 1_000,
      listIds: [result.lists[0]!.id],
    });
    expect(stores.reportsOf(result.jobId!).map((r) => r.line)).toEqual([2, 12, 22, 32, 42]);
    expect(events.at(-1)).toMatchObject({ done: true, phase: 'done', processedLines: 50, acceptedLines: 45 });
    expect(events.length).toBeGreaterThan(1);
  });

  it('validates everything on a dry run and stores nothing', async () => {
    const stores = createFakeStores();
    const result = await importContacts({
      stores,
      input: csv('ClientID,Device1', 'D1,2125550123', 'D1,2125550124', 'D2,x'),
      fileName: 'dry.csv',
      dryRun: true,
    });
    expect(result.dryRun).toBe(true);
    expect(result.counters).toMatchObject({
      processedLines: 3,
      acceptedLines: 1,
      rejectedLines: 2,
      insertedRecords: 0,
    });
    expect(result.reports.map((r) => r.issues.at(-1)!.code)).toEqual(['CLIENT_ID_DUPLICATE', 'NO_DIALABLE_DEVICE']);
    expect(result.targets).toEqual([{ name: 'dry', contacts: 1 }]);
    expect(stores.allLists()).toEqual([]);
    expect(stores.jobs.size).toBe(0);
  });

  it('validates its options', async () => {
    await expect(importContacts({ stores: createFakeStores(), input: 42 as unknown as string })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(
      importContacts({ stores: createFakeStores(), input: csv('Device1', '2125550123'), encoding: 'ebcdic' }),
    ).rejects.toThrow(/Unknown encoding "ebcdic"/);
  });
});

describe('importContacts: the event loop', () => {
  it('gives the event loop a turn between chunks, so I/O a store started goes on while the file is parsed', async () => {
    const stores = createFakeStores();
    // A store whose writes start work that needs the event loop (as a COPY's data waits on the
    // socket), and notes at each write how much of the earlier work has happened.
    let started = 0;
    let finished = 0;
    const seenAtWrite: number[] = [];
    const beginImport = stores.contacts.beginImport.bind(stores.contacts);
    stores.contacts.beginImport = async (options) => {
      const session = await beginImport(options);
      const write = session.write.bind(session);
      session.write = async (listId, batch) => {
        seenAtWrite.push(finished);
        started++;
        setImmediate(() => finished++);
        return write(listId, batch);
      };
      return session;
    };
    // Every chunk is there at once: without a turn, the pass would go from chunk to chunk by
    // promise callbacks alone.
    // The first chunk is larger than the 64 kB read to detect the encoding; each later one is a batch.
    const sizes = [4500, 100, 100, 100, 100, 100, 100, 100];
    let next = 0;
    const chunks = sizes.map((size, c) => {
      const lines = Array.from({ length: size }, () => {
        const n = next++;
        return `C${n},21255${String(n).padStart(5, '0')}\n`;
      });
      return Buffer.from(`${c === 0 ? 'ClientID,Device1\n' : ''}${lines.join('')}`);
    });
    const input = (async function* () {
      for (const chunk of chunks) yield chunk;
    })();
    const result = await importContacts({ stores, input, fileName: 'loop.csv', batchSize: 100 });
    expect(result.counters.acceptedLines).toBe(next);
    expect(started).toBe(next / 100);
    // By the last write, the work started by the writes of the earlier chunks has run.
    expect(seenAtWrite.at(-1)).toBeGreaterThanOrEqual(45 + 5);
  });
});
