import { describe, expect, it } from 'vitest';
import { isOutpaceError } from '../errors.js';
import type { NewContact } from '../schemas/contact.js';
import type { Device } from '../schemas/device.js';
import type { ConditionInput, SelectionInput } from '../schemas/list-rule.js';
import { compileSelection } from './evaluate.js';

function device(index: number, value: string, extra: Partial<Device> = {}): Device {
  return { index, type: 'home', value, ...extra };
}

function contact(fields: Partial<NewContact> = {}): NewContact {
  return { others: {}, devices: [], location: {}, ...fields };
}

const nyc = device(1, '+12125550123', {
  countryCallingCode: '1',
  countryIso: 'US',
  areaCode: '212',
  exchange: '555',
  region: 'NY',
  timeZone: 'America/New_York',
});
const london = device(3, '+442071234567', {
  countryCallingCode: '44',
  countryIso: 'GB',
  areaCode: '20',
  region: 'ENG',
  timeZone: 'Europe/London',
});

function matches(condition: ConditionInput, subject: NewContact): boolean {
  return compileSelection({ conditionSets: [{ conditions: [condition] }] })(subject);
}

describe('compileSelection: structure', () => {
  const fl = { field: 'state', operator: 'equal', value: 'FL' } as const;
  const rich = { field: 'other1', type: 'numeric', operator: 'greaterThan', value: 100 } as const;

  it('selects everything when there are no condition sets', () => {
    expect(compileSelection({})(contact())).toBe(true);
    expect(compileSelection({ conditionSets: [] })(contact({ state: 'TX' }))).toBe(true);
  });

  it('ANDs the conditions of a set', () => {
    const select = compileSelection({ conditionSets: [{ conditions: [fl, rich] }] });
    expect(select(contact({ state: 'FL', others: { other1: '150' } }))).toBe(true);
    expect(select(contact({ state: 'FL', others: { other1: '50' } }))).toBe(false);
    expect(select(contact({ state: 'GA', others: { other1: '150' } }))).toBe(false);
  });

  it('ORs the sets', () => {
    const select = compileSelection({ conditionSets: [{ conditions: [fl] }, { conditions: [rich] }] });
    expect(select(contact({ state: 'FL' }))).toBe(true);
    expect(select(contact({ state: 'GA', others: { other1: '101' } }))).toBe(true);
    expect(select(contact({ state: 'GA', others: { other1: '99' } }))).toBe(false);
  });

  it('refuses an invalid selection with LIST_RULE_INVALID and every issue', () => {
    const bad: SelectionInput = {
      conditionSets: [
        {
          conditions: [
            { field: 'other1', type: 'numeric', operator: 'greaterThan', value: 'ten' },
            { field: 'device', type: 'countryCode', operator: 'equal', value: 'U-S' },
          ],
        },
      ],
    };
    try {
      compileSelection(bad);
      expect.unreachable();
    } catch (error) {
      expect(isOutpaceError(error, 'LIST_RULE_INVALID')).toBe(true);
      const issues = (error as { details: { issues: { path: unknown[] }[] } }).details.issues;
      expect(issues.map((i) => i.path)).toEqual([
        ['conditionSets', 0, 'conditions', 0, 'value'],
        ['conditionSets', 0, 'conditions', 1, 'value'],
      ]);
    }
  });
});

describe('compileSelection: string conditions', () => {
  const c = contact({
    firstName: '  Ana María ',
    lastName: 'O_Brien',
    company: '50% Off Ltd',
    others: { other7: 'Gold' },
  });

  it('compares trimmed values case-insensitively', () => {
    expect(matches({ field: 'firstName', operator: 'equal', value: 'ana maría' }, c)).toBe(true);
    expect(matches({ field: 'firstName', operator: 'equal', value: ' ANA MARÍA ' }, c)).toBe(true);
    expect(matches({ field: 'firstName', operator: 'equal', value: 'Ana' }, c)).toBe(false);
    expect(matches({ field: 'firstName', operator: 'notEqual', value: 'Ana' }, c)).toBe(true);
    expect(matches({ field: 'other7', operator: 'equal', value: 'GOLD' }, c)).toBe(true);
  });

  it('reads a missing field as the empty string', () => {
    expect(matches({ field: 'company', operator: 'isEmpty' }, contact())).toBe(true);
    expect(matches({ field: 'other9', operator: 'notEqual', value: 'x' }, c)).toBe(true);
    expect(matches({ field: 'other9', operator: 'equal', value: '' }, c)).toBe(true);
    expect(matches({ field: 'postalCode', operator: 'notIn', value: ['10001'] }, c)).toBe(true);
  });

  it('treats whitespace-only values as empty', () => {
    expect(matches({ field: 'company', operator: 'isEmpty' }, contact({ company: '   ' }))).toBe(true);
    expect(matches({ field: 'company', operator: 'isNotEmpty' }, contact({ company: '   ' }))).toBe(false);
    expect(matches({ field: 'company', operator: 'isNotEmpty' }, c)).toBe(true);
  });

  it('implements LIKE with %, _ and backslash escapes over the whole value', () => {
    expect(matches({ field: 'firstName', operator: 'like', value: 'ana%' }, c)).toBe(true);
    expect(matches({ field: 'firstName', operator: 'like', value: 'ana' }, c)).toBe(false);
    expect(matches({ field: 'firstName', operator: 'like', value: '%MAR_A' }, c)).toBe(true);
    expect(matches({ field: 'firstName', operator: 'like', value: '_na%' }, c)).toBe(true);
    expect(matches({ field: 'firstName', operator: 'like', value: '__na%' }, c)).toBe(false);
    expect(matches({ field: 'lastName', operator: 'like', value: 'o\\_brien' }, c)).toBe(true);
    expect(matches({ field: 'lastName', operator: 'like', value: 'o\\_b%' }, contact({ lastName: 'OXBrien' }))).toBe(
      false,
    );
    expect(matches({ field: 'company', operator: 'like', value: '50\\%%' }, c)).toBe(true);
    expect(matches({ field: 'company', operator: 'like', value: '50\\%%' }, contact({ company: '500 Ltd' }))).toBe(
      false,
    );
    expect(matches({ field: 'firstName', operator: 'notLike', value: 'b%' }, c)).toBe(true);
    expect(matches({ field: 'company', operator: 'like', value: '(.*)' }, contact({ company: '(.*)' }))).toBe(true);
    // A hyphen or slash is an ordinary character, as in SQL LIKE.
    expect(
      matches({ field: 'postalCode', operator: 'like', value: '10001-%' }, contact({ postalCode: '10001-1234' })),
    ).toBe(true);
    expect(matches({ field: 'company', operator: 'like', value: 'a/b' }, contact({ company: 'A/B' }))).toBe(true);
  });

  it('tests membership with in / notIn', () => {
    expect(matches({ field: 'other7', operator: 'in', value: ['silver', 'GOLD'] }, c)).toBe(true);
    expect(matches({ field: 'other7', operator: 'notIn', value: ['silver', 'GOLD'] }, c)).toBe(false);
    expect(matches({ field: 'other7', operator: 'in', value: ['silver'] }, c)).toBe(false);
    expect(matches({ field: 'postalCode', operator: 'in', value: [10001] }, contact({ postalCode: '10001' }))).toBe(
      true,
    );
  });

  it('tests substrings with contains / notContains', () => {
    expect(matches({ field: 'company', operator: 'contains', value: 'OFF' }, c)).toBe(true);
    expect(matches({ field: 'company', operator: 'notContains', value: 'OFF' }, c)).toBe(false);
    expect(matches({ field: 'company', operator: 'contains', value: 'on' }, c)).toBe(false);
  });

  it('reads the explicit time-zone field, not the derived location', () => {
    const subject = contact({ location: { timeZone: 'America/Chicago' } });
    expect(matches({ field: 'timeZone', operator: 'isEmpty' }, subject)).toBe(true);
    expect(
      matches(
        { field: 'timeZone', operator: 'equal', value: 'america/chicago' },
        contact({ timeZone: 'America/Chicago' }),
      ),
    ).toBe(true);
  });
});

describe('compileSelection: numeric conditions', () => {
  const balance = (value: string) => contact({ others: { other2: value } });

  it('compares numbers, not strings', () => {
    expect(matches({ field: 'other2', type: 'numeric', operator: 'greaterThan', value: 100 }, balance('1000'))).toBe(
      true,
    );
    expect(matches({ field: 'other2', type: 'numeric', operator: 'lessThan', value: '9' }, balance('10'))).toBe(false);
    expect(matches({ field: 'other2', type: 'numeric', operator: 'equal', value: '100' }, balance(' 100.00 '))).toBe(
      true,
    );
    expect(
      matches({ field: 'other2', type: 'numeric', operator: 'lessThanOrEqual', value: -2.5 }, balance('-2.5')),
    ).toBe(true);
    expect(matches({ field: 'other2', type: 'numeric', operator: 'greaterThanOrEqual', value: 0 }, balance('.5'))).toBe(
      true,
    );
    expect(matches({ field: 'other2', type: 'numeric', operator: 'notEqual', value: 1 }, balance('+2'))).toBe(true);
  });

  it('never matches an empty or non-numeric value, not even with notEqual', () => {
    for (const value of ['', '  ', 'n/a', '1,000', '0x10', '1e3', 'Infinity']) {
      for (const operator of ['equal', 'notEqual', 'lessThan', 'greaterThan'] as const) {
        expect(matches({ field: 'other2', type: 'numeric', operator, value: 16 }, balance(value))).toBe(false);
      }
    }
  });

  it('tests emptiness as strings do', () => {
    expect(matches({ field: 'other2', type: 'numeric', operator: 'isEmpty' }, balance(' '))).toBe(true);
    expect(matches({ field: 'other2', type: 'numeric', operator: 'isEmpty' }, balance('n/a'))).toBe(false);
    expect(matches({ field: 'other2', type: 'numeric', operator: 'isNotEmpty' }, balance('n/a'))).toBe(true);
    expect(matches({ field: 'other2', type: 'numeric', operator: 'isEmpty' }, contact())).toBe(true);
  });
});

describe('compileSelection: devices', () => {
  const both = contact({ devices: [nyc, london] });

  it('reads deviceN by index, whatever its position in the chain', () => {
    expect(matches({ field: 'device3', type: 'areaCode', operator: 'equal', value: '20' }, both)).toBe(true);
    expect(matches({ field: 'device1', type: 'areaCode', operator: 'equal', value: '20' }, both)).toBe(false);
    expect(matches({ field: 'device1', operator: 'equal', value: '+12125550123' }, both)).toBe(true);
  });

  it('reads every attribute of an absent deviceN as empty', () => {
    expect(matches({ field: 'device2', operator: 'isEmpty' }, both)).toBe(true);
    expect(matches({ field: 'device2', type: 'areaCode', operator: 'isEmpty' }, both)).toBe(true);
    expect(matches({ field: 'device2', type: 'timeZone', operator: 'notEqual', value: 'x' }, both)).toBe(true);
    expect(matches({ field: 'device2', type: 'countryCode', operator: 'isEmpty' }, both)).toBe(true);
    expect(matches({ field: 'device2', type: 'numeric', operator: 'notEqual', value: 1 }, both)).toBe(false);
  });

  it('maps device-derived types to their attributes', () => {
    expect(matches({ field: 'device1', type: 'exchange', operator: 'equal', value: '555' }, both)).toBe(true);
    expect(matches({ field: 'device1', type: 'stateCode', operator: 'in', value: ['ny', 'nj'] }, both)).toBe(true);
    expect(matches({ field: 'device3', type: 'timeZone', operator: 'equal', value: 'Europe/London' }, both)).toBe(true);
  });

  it('compares country codes by calling code (digits) or ISO code (letters)', () => {
    expect(matches({ field: 'device1', type: 'countryCode', operator: 'equal', value: '+1' }, both)).toBe(true);
    expect(matches({ field: 'device1', type: 'countryCode', operator: 'equal', value: '1' }, both)).toBe(true);
    expect(matches({ field: 'device1', type: 'countryCode', operator: 'equal', value: 'us' }, both)).toBe(true);
    expect(matches({ field: 'device1', type: 'countryCode', operator: 'equal', value: 44 }, both)).toBe(false);
    expect(matches({ field: 'device3', type: 'countryCode', operator: 'in', value: ['CA', '44'] }, both)).toBe(true);
    expect(matches({ field: 'device3', type: 'countryCode', operator: 'notIn', value: ['CA', '44'] }, both)).toBe(
      false,
    );
    expect(matches({ field: 'device3', type: 'countryCode', operator: 'notEqual', value: 'US' }, both)).toBe(true);
    expect(matches({ field: 'device1', type: 'countryCode', operator: 'isNotEmpty' }, both)).toBe(true);
  });

  it('treats `device` as "any device", negative operators included', () => {
    expect(matches({ field: 'device', type: 'areaCode', operator: 'in', value: ['212', '646'] }, both)).toBe(true);
    expect(matches({ field: 'device', type: 'areaCode', operator: 'equal', value: '646' }, both)).toBe(false);
    // notEqual: the London device's area code differs from 212, so the contact matches.
    expect(matches({ field: 'device', type: 'areaCode', operator: 'notEqual', value: '212' }, both)).toBe(true);
    expect(
      matches({ field: 'device', type: 'areaCode', operator: 'notEqual', value: '212' }, contact({ devices: [nyc] })),
    ).toBe(false);
    expect(matches({ field: 'device', type: 'exchange', operator: 'isEmpty' }, both)).toBe(true);
  });

  it('never matches `device` on a contact without devices, not even isEmpty', () => {
    const none = contact();
    expect(matches({ field: 'device', operator: 'isEmpty' }, none)).toBe(false);
    expect(matches({ field: 'device', operator: 'notEqual', value: 'x' }, none)).toBe(false);
    expect(matches({ field: 'device1', operator: 'isEmpty' }, none)).toBe(true);
  });

  it('matches email devices by their address', () => {
    const mail = contact({ devices: [device(2, 'ana@example.com', { type: 'email' })] });
    expect(matches({ field: 'device', operator: 'like', value: '%@EXAMPLE.com' }, mail)).toBe(true);
  });
});
