import { describe, expect, it } from 'vitest';
import { createFakeStores, type FakeStores } from '../../test/fake-stores.js';
import { OutpaceError } from '../errors.js';
import type { ContactStore } from '../ports/stores.js';
import { compileSelection } from '../rules/evaluate.js';
import type { Contact } from '../schemas/contact.js';
import type { Selection } from '../schemas/list-rule.js';
import { csvCell, exportContacts, exportSuppressionList } from './export.js';
import { importContacts } from './import-contacts.js';
import { importSuppressionList } from './import-suppression.js';

/** `stream` over the fake stores' contacts, in id order, as a store would. */
function streamOf(fake: FakeStores): Pick<ContactStore, 'stream'> {
  return {
    stream(listId, options) {
      return (async function* () {
        if (fake.allLists().every((l) => l.id !== listId)) {
          throw new OutpaceError('LIST_NOT_FOUND', `Contact list "${listId}" does not exist.`);
        }
        const selected = options?.selection ? compileSelection(options.selection) : () => true;
        const contacts = [...fake.contactsOf(listId)].sort((a, b) => (a.id < b.id ? -1 : 1));
        for (const contact of contacts) if (selected(contact)) yield contact;
      })();
    },
  };
}

async function text(csv: AsyncIterable<string>): Promise<string> {
  let all = '';
  for await (const chunk of csv) all += chunk;
  return all;
}

const file = (...lines: string[]) => Buffer.from(`${lines.join('\n')}\n`, 'utf8');

async function importCsv(input: Buffer | string, labels?: Record<string, string>) {
  const stores = createFakeStores();
  const result = await importContacts({
    stores,
    input: typeof input === 'string' ? Buffer.from(input, 'utf8') : input,
    fileName: 'list.csv',
    settings: { defaultCountry: 'US' },
    ...(labels ? { labels } : {}),
  });
  const list = result.lists[0]!;
  return { stores, list, contacts: stores.contactsOf(list.id) };
}

/** What must survive an export and re-import: everything but ids, times and raw device text. */
function comparable(contacts: Contact[]) {
  return contacts
    .map(({ id: _i, listId: _l, createdAt: _c, updatedAt: _u, devices, ...rest }) => ({
      ...rest,
      devices: devices.map(({ raw: _raw, ...device }) => device),
    }))
    .sort((a, b) => String(a.clientId).localeCompare(String(b.clientId)));
}

describe('csvCell', () => {
  it('neutralises cells a spreadsheet would run as formulas', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell('+cmd|/C calc!A0')).toBe("'+cmd|/C calc!A0");
    expect(csvCell('-2+3+cmd|x')).toBe("'-2+3+cmd|x");
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('\tinjected')).toBe("'\tinjected");
    expect(csvCell('\rinjected')).toBe(`"'\rinjected"`);
  });

  it('leaves plain numbers and phone numbers alone, so they stay numbers and importable', () => {
    for (const safe of ['-20', '+3.5', '-.5', '+12125550123', '+12125550123 x42', '12', 'Acme']) {
      expect(csvCell(safe)).toBe(safe);
    }
    expect(csvCell('=1', ',', false)).toBe('=1');
  });

  it('quotes delimiters, quotes and line breaks', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
    expect(csvCell('a;b', ';')).toBe('"a;b"');
    expect(csvCell('a;b')).toBe('a;b');
  });
});

describe('exportContacts', () => {
  const source = file(
    'ClientID,FirstName,LastName,Company,Device1,Device3,Other1,Other2,Other21,zip,State',
    'C1,Ann,Lee,"Acme, Inc.",(212) 555-0123 x42,ann@example.com,-20,=cmd|x,gold,10001,NY',
    'C2,Bob,"Ray ""Jr""",,+1 415 555 0199,,7,,,,CA',
  );

  it('writes keyword headers, devices in E.164 with extensions, labelled Other fields and device details', async () => {
    const { stores, list } = await importCsv(source, { other21: 'Tier' });
    const csv = await text(
      exportContacts({ contacts: streamOf(stores), listId: list.id, labels: { other21: 'Tier' } }),
    );
    const [header, ann, bob, end] = csv.split('\r\n');
    expect(header).toBe(
      'ClientID,FirstName,LastName,Company,PostalCode,State,Country,TimeZone,Device1,Device3,Other1,Other2,Tier,' +
        'Device1 Type,Device1 Country,Device1 Region,Device1 Time Zone,Device3 Type,Device3 Country,Device3 Region,Device3 Time Zone',
    );
    const stored = stores.contactsOf(list.id).find((c) => c.clientId === 'C1')!;
    const d1 = stored.devices.find((d) => d.index === 1)!;
    expect(ann).toBe(
      `C1,Ann,Lee,"Acme, Inc.",10001,NY,,,+12125550123 x42,ann@example.com,-20,'=cmd|x,gold,` +
        `home,US,${d1.region ?? ''},${d1.timeZone ?? ''},email,,,`,
    );
    expect(bob?.startsWith('C2,Bob,"Ray ""Jr""",,,CA,,,+14155550199,,7,,,home,US,')).toBe(true);
    expect(end).toBe('');
  });

  it('round-trips through the header-row importer with the same labels', async () => {
    const labels = { other21: 'Tier', other3: 'Due date' };
    const original = await importCsv(
      file(
        'ClientID,FirstName,LastName,Company,Device1,Device2,Device3,Other1,Tier,Due date,zip,State,Country,TimeZone,OriginalRecord',
        'C1,Zoë,"O\'Brien, Jr",Łódź & Co,(212) 555-0123 x42,,ann@example.com,-20,gold,2026-04-01,10001,NY,US,America/New_York,"a,b"',
        'C2,Bob,Ray,,+1 415 555 0199,1-204-555-0123,,"multi\nline",,,,CA,US,,',
        'C3,,,"say ""hi""",3055550100,,,,,,33101,FL,US,,',
      ),
      labels,
    );
    expect(original.contacts).toHaveLength(3);
    const csv = await text(exportContacts({ contacts: streamOf(original.stores), listId: original.list.id, labels }));
    const again = await importCsv(csv, labels);
    expect(comparable(again.contacts)).toEqual(comparable(original.contacts));
  });

  it('exports only what a selection selects, and only the columns asked for', async () => {
    const { stores, list } = await importCsv(source);
    const selection = { conditionSets: [{ conditions: [{ field: 'state', operator: 'equal', value: 'ca' }] }] };
    const csv = await text(
      exportContacts({
        contacts: streamOf(stores),
        listId: list.id,
        selection,
        columns: { devices: [1], others: ['other1'] },
        deviceDetails: false,
        delimiter: ';',
        lineEnding: '\n',
      }),
    );
    expect(csv).toBe(
      'ClientID;FirstName;LastName;Company;PostalCode;State;Country;TimeZone;Device1;Other1\nC2;Bob;"Ray ""Jr""";;;CA;;;+14155550199;7\n',
    );
  });

  it('names a column OtherN when its label would import as a keyword or clash', async () => {
    const { stores, list } = await importCsv(source);
    const csv = await text(
      exportContacts({
        contacts: streamOf(stores),
        listId: list.id,
        labels: { other1: 'Company', other2: 'Score', other21: 'score' },
        deviceDetails: false,
      }),
    );
    expect(csv.split('\r\n')[0]).toBe(
      'ClientID,FirstName,LastName,Company,PostalCode,State,Country,TimeZone,Device1,Device3,Other1,Score,Other21',
    );
  });

  it('neutralises labels used as headers', async () => {
    const { stores, list } = await importCsv(source);
    const csv = await text(
      exportContacts({
        contacts: streamOf(stores),
        listId: list.id,
        labels: { other21: '=Tier' },
        deviceDetails: false,
      }),
    );
    expect(csv.split('\r\n')[0]?.endsWith(",'=Tier")).toBe(true);
  });

  it('refuses bad options, unknown lists, invalid selections and contacts that gained a column mid-export', async () => {
    const { stores, list } = await importCsv(source);
    expect(() => exportContacts({ contacts: {} as never, listId: list.id })).toThrow(/contact store/);
    await expect(text(exportContacts({ contacts: streamOf(stores), listId: 'lst_missing' }))).rejects.toMatchObject({
      code: 'LIST_NOT_FOUND',
    });
    expect(() =>
      exportContacts({
        contacts: streamOf(stores),
        listId: list.id,
        selection: { conditionSets: [{ conditions: [] }] },
      }),
    ).toThrow(expect.objectContaining({ code: 'LIST_RULE_INVALID' }));

    let pass = 0;
    const growing: Pick<ContactStore, 'stream'> = {
      stream(listId, options) {
        pass++;
        const inner = streamOf(stores).stream(listId, options);
        return (async function* () {
          yield* inner;
          if (pass === 2) {
            const late = { ...stores.contactsOf(list.id)[0]!, id: 'con_late', others: { other77: 'new' } };
            yield late;
          }
        })();
      },
    };
    await expect(text(exportContacts({ contacts: growing, listId: list.id }))).rejects.toMatchObject({
      code: 'LIST_EXPORT_CHANGED',
    });
  });

  it('streams large lists in chunks', async () => {
    const contacts: Contact[] = Array.from({ length: 1200 }, (_, i) => ({
      id: `con_${String(i).padStart(5, '0')}`,
      listId: 'lst_big',
      clientId: `C${i}`,
      others: {},
      devices: [{ index: 1, type: 'home', value: `+1212555${String(i).padStart(4, '0')}` }],
      location: {},
      createdAt: 0,
      updatedAt: 0,
    }));
    const store: Pick<ContactStore, 'stream'> = {
      stream: (_listId, options) =>
        (async function* () {
          const selected = options?.selection ? compileSelection(options.selection as Selection) : () => true;
          yield* contacts.filter(selected);
        })(),
    };
    const chunks: string[] = [];
    for await (const chunk of exportContacts({ contacts: store, listId: 'lst_big', deviceDetails: false }))
      chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(2);
    expect(chunks.join('').split('\r\n')).toHaveLength(1202);
  });
});

describe('exportSuppressionList', () => {
  it('writes values and windows, and re-imports to the same entries', async () => {
    const stores = createFakeStores();
    const imported = await importSuppressionList({
      stores,
      input: file('Device1,From,Till', '(212) 555-0100,,', '+1 415 555 0199,2026-03-01T00:00:00Z,2026-04-01T00:00:00Z'),
      fileName: 'dnc.csv',
      settings: { defaultCountry: 'US' },
    });
    const listId = imported.list!.id;
    const suppression = {
      getList: (id: string) => stores.suppression.getList(id),
      streamEntries: (id: string) =>
        (async function* () {
          yield* [...stores.entriesOf(id)].sort((a, b) => (a.value < b.value ? -1 : 1));
        })(),
    };
    const csv = await text(exportSuppressionList({ suppression, listId }));
    expect(csv).toBe(
      'Device1,From,Till\r\n+12125550100,,\r\n+14155550199,2026-03-01T00:00:00.000Z,2026-04-01T00:00:00.000Z\r\n',
    );
    const again = createFakeStores();
    const reimported = await importSuppressionList({ stores: again, input: Buffer.from(csv), fileName: 'dnc2.csv' });
    const strip = (entries: { value: string; from?: number | undefined; till?: number | undefined }[]) =>
      entries.map(({ value, from, till }) => ({ value, from, till })).sort((a, b) => a.value.localeCompare(b.value));
    expect(strip(again.entriesOf(reimported.list!.id))).toEqual(strip(stores.entriesOf(listId)));
  });

  it('writes ClientID lists and neutralises formula-like ClientIDs', async () => {
    const suppression = {
      getList: async () => ({ type: 'clientId' }) as never,
      streamEntries: () =>
        (async function* () {
          yield { value: '=2+5', listId: 'sup_1', createdAt: 0 };
          yield { value: 'C-1', listId: 'sup_1', createdAt: 0 };
        })(),
    };
    const csv = await text(exportSuppressionList({ suppression, listId: 'sup_1' }));
    expect(csv).toBe("ClientID,From,Till\r\n'=2+5,,\r\nC-1,,\r\n");
    const missing = { ...suppression, getList: async () => undefined };
    await expect(text(exportSuppressionList({ suppression: missing, listId: 'sup_x' }))).rejects.toMatchObject({
      code: 'SUPPRESSION_LIST_NOT_FOUND',
    });
  });
});
