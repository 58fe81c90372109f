import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { describe, expect, it } from 'vitest';
import { createFakeStores } from '../../test/fake-stores.js';
import { isPremiumRate, type NormalizedPhone, normalizePhone } from '../phone/normalize-phone.js';
import { importContacts } from './import-contacts.js';
import { previewImport } from './preview-import.js';

const csv = (...lines: string[]) => Buffer.from(`${lines.join('\n')}\n`, 'utf8');

describe('DEVICE_NOT_DIALABLE: premium-rate numbers', () => {
  it('drops premium-rate devices with a warning; a line left without a device is rejected', async () => {
    const stores = createFakeStores();
    const result = await importContacts({
      stores,
      input: csv(
        'ClientID,FirstName,Device1,Device2',
        'P1,Ann,(900) 234-5678,212-555-0123', // NANP 900 (fast path) dropped, 212 kept
        'P2,Bob,+44 909 879 0000,', // UK 09 (libphonenumber path): nothing left
        'P3,Cy,+44 20 7551 8700,+1 800 555 0100', // ordinary and toll-free numbers are dialable
      ),
      fileName: 'premium.csv',
    });
    expect(result.counters).toMatchObject({ processedLines: 3, acceptedLines: 2, rejectedLines: 1, warningLines: 1 });
    const byLine = new Map(result.reports.map((r) => [r.line, r]));
    expect(byLine.get(2)).toMatchObject({
      rejected: false,
      issues: [{ code: 'DEVICE_NOT_DIALABLE', field: 'Device1', severity: 'warning', value: '(900) 234-5678' }],
    });
    expect(byLine.get(2)!.issues[0]!.message).toMatch(
      /Device1 .* on line 2 is a premium-rate number \(\+19002345678\)/,
    );
    expect(byLine.get(3)).toMatchObject({ rejected: true, raw: 'P2,Bob,+44 909 879 0000,' });
    expect(byLine.get(3)!.issues.map((i) => i.code)).toEqual(['DEVICE_NOT_DIALABLE', 'NO_DIALABLE_DEVICE']);
    expect(byLine.has(4)).toBe(false);
    const stored = stores.contactsOf(stores.listByName('premium')!.id);
    expect(stored.map((c) => [c.clientId, c.devices.map((d) => [d.index, d.value])])).toEqual([
      ['P1', [[2, '+12125550123']]],
      [
        'P3',
        [
          [1, '+442075518700'],
          [2, '+18005550100'],
        ],
      ],
    ]);
  });

  it('keeps premium-rate devices with allowPremiumRate', async () => {
    const stores = createFakeStores();
    const result = await importContacts({
      stores,
      input: csv('ClientID,Device1', 'P1,900-234-5678', 'P2,+44 909 879 0000'),
      fileName: 'allowed.csv',
      allowPremiumRate: true,
    });
    expect(result.counters).toMatchObject({ acceptedLines: 2, rejectedLines: 0, warningLines: 0 });
    const stored = stores.contactsOf(stores.listByName('allowed')!.id);
    expect(stored.map((c) => c.devices[0]!.value)).toEqual(['+19002345678', '+449098790000']);
  });

  it('the NANP shortcut agrees with libphonenumber-js on every NANP region', () => {
    // Every valid number of every NANP area code seen in the fast-path table, 900 included.
    let random = 7;
    const next = () => {
      random = (random * 1_103_515_245 + 12_345) % 2_147_483_648;
      return random / 2_147_483_648;
    };
    let premium = 0;
    let checked = 0;
    for (let npa = 200; npa <= 999; npa++) {
      for (let k = 0; k < 25; k++) {
        const nxx = 200 + Math.floor(next() * 800);
        const line = String(Math.floor(next() * 10_000)).padStart(4, '0');
        const raw = `+1${npa}${nxx}${line}`;
        const phone = normalizePhone(raw);
        if (!phone.valid) continue;
        checked++;
        const expected = parsePhoneNumberFromString(raw)?.getType() === 'PREMIUM_RATE';
        if (expected) premium++;
        expect([raw, isPremiumRate(phone)]).toEqual([raw, expected]);
      }
    }
    // The exchange-level premium ranges of Barbados and the Cayman Islands, and their neighbours.
    for (const raw of ['+12469761234', '+13459765711', '+12462345678', '+13459495711', '+19002345678']) {
      const phone = normalizePhone(raw) as NormalizedPhone;
      expect([raw, phone.valid]).toEqual([raw, true]);
      const expected = parsePhoneNumberFromString(raw)?.getType() === 'PREMIUM_RATE';
      expect([raw, isPremiumRate(phone)]).toEqual([raw, expected]);
      if (expected) premium++;
    }
    expect(isPremiumRate(normalizePhone('+13459765711') as NormalizedPhone)).toBe(true);
    expect(checked).toBeGreaterThan(5000);
    expect(premium).toBeGreaterThan(0);
  });

  it('asks libphonenumber-js outside North America', () => {
    const cases: [string, boolean][] = [
      ['+33 8 99 12 34 56', true],
      ['+44 909 879 0000', true],
      ['+44 20 7551 8700', false],
      ['+33 1 42 68 53 00', false],
    ];
    for (const [raw, expected] of cases) {
      const phone = normalizePhone(raw) as NormalizedPhone;
      expect([raw, phone.valid]).toEqual([raw, true]);
      expect([raw, isPremiumRate(phone)]).toEqual([raw, expected]);
    }
  });
});

describe('CLIENT_ID_MISSING: requireClientId', () => {
  it('rejects lines without a ClientID and stores the others', async () => {
    const stores = createFakeStores();
    const result = await importContacts({
      stores,
      input: csv('ClientID,FirstName,Device1', 'K1,Ann,2125550123', ',Bob,2125550124', '  ,Cy,abc', ',,'),
      fileName: 'keys.csv',
      requireClientId: true,
    });
    expect(result.counters).toMatchObject({ processedLines: 4, acceptedLines: 1, rejectedLines: 3 });
    const byLine = new Map(result.reports.map((r) => [r.line, r]));
    expect(byLine.get(3)).toMatchObject({
      rejected: true,
      raw: ',Bob,2125550124',
      issues: [{ code: 'CLIENT_ID_MISSING', field: 'ClientID', severity: 'error' }],
    });
    expect(byLine.get(3)!.issues[0]!.message).toMatch(/Line 3 has no ClientID/);
    // Every issue of the line is collected.
    expect(byLine.get(4)!.issues.map((i) => i.code)).toEqual([
      'DEVICE_INVALID',
      'CLIENT_ID_MISSING',
      'NO_DIALABLE_DEVICE',
    ]);
    // An empty line stays ROW_EMPTY.
    expect(byLine.get(5)!.issues.map((i) => i.code)).toEqual(['ROW_EMPTY']);
    expect(stores.contactsOf(stores.listByName('keys')!.id).map((c) => c.clientId)).toEqual(['K1']);
  });

  it('without the option a line without ClientID is imported', async () => {
    const stores = createFakeStores();
    const result = await importContacts({
      stores,
      input: csv('ClientID,FirstName,Device1', ',Bob,2125550124'),
      fileName: 'nokey.csv',
    });
    expect(result.counters).toMatchObject({ acceptedLines: 1, rejectedLines: 0 });
    expect(stores.contactsOf(stores.listByName('nokey')!.id)[0]!.clientId).toBeUndefined();
  });

  it('an APPEND_AND_UPDATE without ClientIDs changes nothing once ErrorLimit is reached', async () => {
    const stores = createFakeStores();
    const first = await importContacts({
      stores,
      input: csv('ClientID,FirstName,Device1', 'K1,Ann,2125550123'),
      fileName: 'base.csv',
    });
    const listId = first.lists[0]!.id;
    await expect(
      importContacts({
        stores,
        input: csv('ClientID,FirstName,Device1', 'K1,Anne,2125550123', ',Bob,2125550124'),
        uploadMode: 'APPEND_AND_UPDATE',
        listId,
        requireClientId: true,
        errorLimit: 1,
      }),
    ).rejects.toMatchObject({ code: 'LIST_ERROR_LIMIT' });
    expect(stores.contactsOf(listId).map((c) => [c.clientId, c.firstName])).toEqual([['K1', 'Ann']]);
  });

  it('fails before reading any row when the mapping has no ClientID field', async () => {
    const stores = createFakeStores();
    await expect(
      importContacts({
        stores,
        input: csv('FirstName,Device1', 'Ann,2125550123'),
        fileName: 'nocol.csv',
        requireClientId: true,
      }),
    ).rejects.toMatchObject({ code: 'LIST_MAPPING_INVALID', details: { field: 'ClientID' } });
    expect(stores.listByName('nocol')).toBeUndefined();
  });

  it('previewImport reports the same codes', async () => {
    const preview = await previewImport({
      input: csv('ClientID,Device1', ',2125550123', 'K2,900-234-5678'),
      requireClientId: true,
    });
    expect(preview.rows.map((r) => [r.line, r.accepted, r.issues.map((i) => i.code)])).toEqual([
      [2, false, ['CLIENT_ID_MISSING']],
      [3, false, ['DEVICE_NOT_DIALABLE', 'NO_DIALABLE_DEVICE']],
    ]);
  });
});
