import type { Contact, Device, NewContact } from '@outpace/core';
import { foldValue } from '@outpace/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSqliteDialect } from '../sqlite/dialect.js';
import { ALL_CONTACT_COLUMNS, contactRow, decodeContact, FOLDED_COLUMN, likelyCase } from './contact-rows.js';

const dialect = createSqliteDialect({ durable: false });
const KEYS = { tenantId: 'ten_1', dataId: 'seg_1', id: 'con_1', createdAt: 1, updatedAt: 2 };

/** A contact row as the store reads it back: column name to value. */
function roundTrip(contact: NewContact): { contact: Contact; doc: Record<string, unknown> } {
  const values = contactRow(dialect, KEYS, contact);
  const row = Object.fromEntries(ALL_CONTACT_COLUMNS.map((c, i) => [c.name, values[i]]));
  return { contact: decodeContact(row, 'lst_1', 0), doc: JSON.parse(String(row.doc)) };
}

/** What `decodeContact` gives for `contact`: the same data, keyed to the row. */
function expected(contact: NewContact): Contact {
  return {
    ...contact,
    id: 'con_1',
    listId: 'lst_1',
    others: contact.others ?? {},
    location: contact.location ?? {},
    createdAt: 1,
    updatedAt: 2,
  } as Contact;
}

const nanp = (index: number, value: string, timeZone = 'America/New_York'): Device => ({
  index,
  type: 'home',
  value,
  areaCode: value.slice(2, 5),
  exchange: value.slice(5, 8),
  countryCallingCode: '1',
  countryIso: 'US',
  region: 'NY',
  timeZone,
  timeZoneSource: 'phone-area-code',
});

describe('contact rows', () => {
  it('restores the usual case of names, codes and time zones', () => {
    expect(likelyCase('america/port_of_spain', 'words')).toBe('America/Port_Of_Spain');
    expect(likelyCase("mary-ann o'neil", 'words')).toBe("Mary-Ann O'Neil");
    expect(likelyCase('ünal', 'words')).toBe('Ünal');
    expect(likelyCase('us-la', 'upper')).toBe('US-LA');
    expect(likelyCase('acme', 'same')).toBe('acme');
  });

  it('keeps only the originals that differ from their usual case, and reads every one back', () => {
    const contact: NewContact = {
      clientId: 'C1',
      firstName: 'Lena',
      lastName: 'McDonald', // not the usual case: kept
      company: 'acme', // lower case as written: kept, since the document measures against the usual case
      state: 'NY',
      others: { other1: 'Gold', other2: '12' },
      devices: [nanp(1, '+12125550100'), nanp(2, '+14155550100', 'America/Los_Angeles')],
      location: { timeZone: 'America/New_York', source: 'default' },
    };
    const { contact: read, doc } = roundTrip(contact);
    expect(read).toEqual(expected(contact));
    expect(doc.k).toBe(1);
    expect(doc.f).toEqual({ lastName: 'McDonald', company: 'acme' });
    expect(doc.o).toEqual({ other1: 'Gold' });
    // Zones, ISO codes and regions in their usual case are not repeated in the document.
    expect(doc.d).toEqual([
      { t: 'home', s: 'phone-area-code' },
      { t: 'home', s: 'phone-area-code' },
    ]);
  });

  it('measures against the folded value when that keeps fewer originals', () => {
    const contact: NewContact = {
      firstName: 'ann',
      lastName: 'lee',
      company: 'Acme',
      others: {},
      devices: [],
      location: {},
    };
    const { contact: read, doc } = roundTrip(contact);
    expect(read).toEqual(expected(contact));
    expect(doc.k).toBeUndefined();
    expect(doc.f).toEqual({ company: 'Acme' });
  });

  it('reads documents written before the usual-case rule (no k: missing originals are the folded value)', () => {
    const values = contactRow(dialect, KEYS, {
      firstName: 'ann',
      others: {},
      location: {},
      devices: [{ ...nanp(1, '+12125550100'), countryIso: 'us', region: 'ny', timeZone: 'america/new_york' }],
    });
    const row = Object.fromEntries(ALL_CONTACT_COLUMNS.map((c, i) => [c.name, values[i]]));
    row.doc = JSON.stringify({ d: [{ t: 'home', s: 'phone-area-code' }] });
    const read = decodeContact(row, 'lst_1', 0);
    expect(read.firstName).toBe('ann');
    expect(read.devices[0]).toMatchObject({ countryIso: 'us', region: 'ny', timeZone: 'america/new_york' });
  });

  it('gives back every contact exactly, whatever the case and white space of its values', () => {
    // Values built from letters whose case matters, separators the word rule reacts to, and white space.
    const text = fc
      .array(
        fc.constantFrom('a', 'B', 'ü', 'Ü', 'ß', 'İ', 'σ', 'Σ', '-', '/', '_', "'", ' ', '\t', '1', 'x', 'Q', '.'),
        {
          minLength: 1,
          maxLength: 8,
        },
      )
      .map((chars) => chars.join(''));
    const optional = fc.option(text, { nil: undefined });
    const device = fc.record({ value: text, zone: text, iso: text, region: optional });
    const contact = fc.record({
      firstName: optional,
      lastName: optional,
      company: optional,
      postalCode: optional,
      state: optional,
      country: optional,
      timeZone: optional,
      other: optional,
      devices: fc.array(device, { maxLength: 3 }),
    });
    fc.assert(
      fc.property(contact, (c) => {
        const input: NewContact = {
          others: c.other === undefined ? {} : { other1: c.other },
          location: {},
          devices: c.devices.map((d, i) => ({
            index: i + 1,
            type: 'mobile',
            value: d.value,
            countryIso: d.iso,
            timeZone: d.zone,
            ...(d.region === undefined ? {} : { region: d.region }),
          })),
        };
        // Every contact field with a folded column but the ClientID, whose column keeps the original.
        for (const field of Object.keys(FOLDED_COLUMN)) {
          const value = (c as Record<string, unknown>)[field];
          if (field !== 'clientId' && typeof value === 'string') (input as Record<string, unknown>)[field] = value;
        }
        const { contact: read } = roundTrip(input);
        expect(read).toEqual(expected(input));
        // The folded columns still hold the folded values selection rules compare.
        const values = contactRow(dialect, KEYS, input);
        const column = ALL_CONTACT_COLUMNS.findIndex((col) => col.name === 'f_first_name');
        expect(values[column]).toBe(input.firstName === undefined ? null : foldValue(input.firstName));
      }),
      { numRuns: 500 },
    );
  });
});
