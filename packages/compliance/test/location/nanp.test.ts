import { describe, expect, it } from 'vitest';
import { phone, summary } from './helpers.js';

describe('NANP split-zone area codes resolve at exchange level', () => {
  it.each([
    // [number, place, zones]
    ['+19288710123', 'Window Rock AZ (Navajo Nation, observes DST) 928-871', ['America/Denver', 'America/Phoenix']],
    ['+19287740123', 'Flagstaff AZ (no DST) 928-774', ['America/Phoenix']],
    ['+18504320123', 'Pensacola FL (Central) 850-432', ['America/Chicago']],
    ['+18502220123', 'Tallahassee FL (Eastern) 850-222', ['America/New_York']],
    ['+12198380123', 'Highland IN, Lake County (Central) 219-838', ['America/Chicago']],
    ['+18124240123', 'Evansville IN (Central) 812-424', ['America/Chicago']],
    ['+18123360123', 'Bloomington IN (Eastern) 812-336', ['America/New_York']],
    ['+12704430123', 'Paducah KY (Central) 270-443', ['America/Chicago']],
    ['+14237560123', 'Chattanooga TN (Eastern) 423-756', ['America/New_York']],
    ['+16152550123', 'Nashville TN (Central) 615', ['America/Chicago']],
    ['+15418890123', 'Ontario OR, Malheur County (Mountain) 541-889', ['America/Denver']],
    ['+15412250123', 'Bend OR (Pacific) 541-225', ['America/Los_Angeles']],
    ['+19155330123', 'El Paso TX (Mountain) 915', ['America/Denver']],
    ['+19067740123', 'Iron Mountain MI (Central) 906-774', ['America/Chicago']],
    ['+19062250123', 'Marquette MI (Eastern) 906-225', ['America/New_York']],
    ['+17012250123', 'Dickinson ND (Mountain) 701-225', ['America/Denver']],
    ['+16053940123', 'Rapid City SD (Mountain) 605-394', ['America/Denver']],
    ['+13086320123', 'Scottsbluff NE (Mountain) 308-632', ['America/Denver']],
    ['+14025550123', 'Omaha NE (Central) 402', ['America/Chicago']],
    ['+17858990123', 'Goodland KS (Mountain) 785-899', ['America/Denver']],
    ['+17852320123', 'Topeka KS (Central) 785-232', ['America/Chicago']],
  ])('%s (%s)', (e164, _place, zones) => {
    const where = phone(e164);
    expect([...where.timeZones].sort()).toEqual([...zones].sort());
    expect(where.status).toBe(zones.length === 1 ? 'resolved' : 'ambiguous');
  });

  it('names the exchange key that decided, or the area code when the exchange has no entry', () => {
    const navajo = phone('+19288710123');
    expect(navajo.candidates.map((c) => [c.source, c.detail, c.region])).toEqual([
      ['phone-exchange', 'NPA-NXX 928-871', 'AZ'],
      ['phone-exchange', 'NPA-NXX 928-871', 'AZ'],
    ]);
    const pensacola = phone('+18504320123');
    expect(pensacola.candidates[0]).toMatchObject({ source: 'phone-exchange', detail: 'NPA-NXX 850-43x' });
    const tallahassee = phone('+18502220123');
    expect(tallahassee.candidates[0]).toMatchObject({ source: 'phone-area-code', detail: 'NPA 850', region: 'FL' });
  });

  it('ND and SD area codes without exchange data keep both of their zones (never one "state zone")', () => {
    // 701/605 default to {Denver, North_Dakota/Center} in Google's map.
    const unknownExchange = phone('+17019990123');
    expect(unknownExchange.timeZones.length).toBeGreaterThan(1);
    expect(unknownExchange.status).toBe('ambiguous');
  });
});

describe('zones without DST and half-hour zones', () => {
  it.each([
    ['+16025550123', 'Phoenix AZ', 'America/Phoenix', 'US', 'AZ'],
    ['+18085550123', 'Honolulu HI', 'Pacific/Honolulu', 'US', 'HI'],
    ['+17875550123', 'San Juan PR', 'America/Puerto_Rico', 'PR', 'PR'],
    ['+19395550123', 'PR overlay 939', 'America/Puerto_Rico', 'PR', 'PR'],
    ['+13065550123', 'Regina SK', 'America/Regina', 'CA', 'SK'],
    ['+16395550123', 'SK overlay 639', 'America/Regina', 'CA', 'SK'],
    ['+17097220123', "St. John's NL (UTC-3:30)", 'America/St_Johns', 'CA', 'NL'],
  ])('%s (%s) → %s', (e164, _place, zone, country, region) => {
    const where = phone(e164);
    expect(where.status).toBe('resolved');
    expect(where.timeZones).toEqual([zone]);
    expect(where.candidates[0]).toMatchObject({ country, region });
  });

  it('Labrador exchanges on Atlantic time are not mixed up with the island', () => {
    expect(phone('+17098960123').timeZones).toEqual(['America/Halifax']); // Happy Valley-Goose Bay
  });
});

describe('NANP country detection', () => {
  it.each([
    ['+17875550123', 'PR'],
    ['+14165550123', 'CA'],
    ['+16845550123', 'AS'],
    ['+16715550123', 'GU'],
    ['+13405550123', 'VI'],
    ['+18765550123', 'JM'],
    ['+12425550123', 'BS'],
    ['+18095550123', 'DO'],
    ['+12125550123', 'US'],
  ])('%s is %s', (e164, country) => {
    const where = phone(e164);
    expect(where.candidates.length).toBeGreaterThan(0);
    for (const c of where.candidates) expect(c.country).toBe(country);
  });
});

describe('overlays resolve like the area code they overlay', () => {
  it.each(['212', '646', '917', '332', '347', '718', '929'])('New York City %s → America/New_York, NY', (npa) => {
    expect(summary(phone(`+1${npa}5550123`))).toEqual([`US/NY/America/New_York/phone-area-code`]);
  });
  it.each(['213', '323', '310', '424', '818', '747'])('Los Angeles %s → America/Los_Angeles, CA', (npa) => {
    const where = phone(`+1${npa}5550123`);
    expect(where.timeZones).toEqual(['America/Los_Angeles']);
    expect(where.candidates[0]?.region).toBe('CA');
  });
});

describe('toll-free and non-geographic numbers are unresolved, never defaulted', () => {
  it.each([
    ['800', 'TOLL_FREE'],
    ['833', 'TOLL_FREE'],
    ['844', 'TOLL_FREE'],
    ['855', 'TOLL_FREE'],
    ['866', 'TOLL_FREE'],
    ['877', 'TOLL_FREE'],
    ['888', 'TOLL_FREE'],
    ['900', 'PREMIUM_RATE'],
    ['500', 'PERSONAL_NUMBER'],
    ['533', 'PERSONAL_NUMBER'],
    ['700', 'CARRIER_SERVICES'],
    ['710', 'US_GOVERNMENT'],
    ['456', 'INTERNATIONAL_INBOUND'],
  ])('+1 %s (%s)', (npa, type) => {
    const where = phone(`+1${npa}5550123`);
    expect(where.status).toBe('unresolved');
    expect(where.timeZones).toEqual([]);
    expect(where.candidates).toEqual([]);
    expect(where.notes).toEqual([
      { source: 'phone-area-code', reason: 'non-geographic', detail: `NPA ${npa} (${type})` },
    ]);
  });

  it('a toll-free number with a postal code resolves from the postal code alone', () => {
    const where = phone('+18005550123', { postalCode: '10001' });
    expect(where.status).toBe('resolved');
    expect(summary(where)).toEqual(['US/NY/America/New_York/postal-code']);
    expect(where.notes?.[0]?.reason).toBe('non-geographic');
  });

  it('an unassigned area code is unresolved with its own reason', () => {
    const where = phone('+19995550123');
    expect(where.status).toBe('unresolved');
    expect(where.notes).toEqual([{ source: 'phone-area-code', reason: 'unknown-area-code', detail: 'NPA 999' }]);
  });

  it('an exchange starting with 0 or 1 is an invalid number, not a location', () => {
    expect(phone('+12121550123').notes?.[0]?.reason).toBe('invalid-number');
  });
});

describe('Canada', () => {
  it.each([
    ['+14165550123', 'ON', 'America/Toronto'],
    ['+16135550123', 'ON', 'America/Toronto'],
    ['+15145550123', 'QC', 'America/Toronto'],
    ['+16045550123', 'BC', 'America/Vancouver'],
    ['+14035550123', 'AB', 'America/Edmonton'],
    ['+12045550123', 'MB', 'America/Winnipeg'],
    ['+15065550123', 'NB', 'America/Halifax'],
    ['+19023670123', 'PE', 'America/Halifax'], // Charlottetown exchange of the shared NS/PE code
    ['+18679790123', 'NU', 'America/Toronto'], // Iqaluit (Eastern)
    ['+18678730123', 'NT', 'America/Edmonton'], // Yellowknife
    ['+18673930123', 'YT', 'America/Whitehorse'], // Whitehorse (override)
  ])('%s → %s %s', (e164, region, zone) => {
    const where = phone(e164);
    expect(where.timeZones).toEqual([zone]);
    expect(where.candidates.every((c) => c.country === 'CA' && c.region === region)).toBe(true);
  });

  it('an exchange of the shared NS/PE code without its own entry gives both provinces', () => {
    const where = phone('+19029990123');
    expect(summary(where).sort()).toEqual([
      'CA/NS/America/Halifax/phone-area-code',
      'CA/PE/America/Halifax/phone-area-code',
    ]);
    expect(where.status).toBe('ambiguous');
  });
});

describe('the United Kingdom and the Crown Dependencies (the parsed region decides)', () => {
  it.each([
    ['+441481256789', 'GG', 'Europe/Guernsey'],
    ['+441534712345', 'JE', 'Europe/Jersey'],
    ['+441624612345', 'IM', 'Europe/Isle_of_Man'],
    ['+442079460123', 'GB', 'Europe/London'],
    ['+447781123456', 'GG', 'Europe/Guernsey'], // Guernsey mobile inside the UK mobile range
    ['+447400123456', 'GB', 'Europe/London'],
  ])('%s → %s %s', (e164, country, zone) => {
    const where = phone(e164);
    expect(where.status).toBe('resolved');
    expect(where.timeZones).toEqual([zone]);
    expect(where.candidates[0]?.country).toBe(country);
  });
});

describe('other countries', () => {
  it('a single-zone country resolves from the calling code', () => {
    expect(summary(phone('+4930123456'))).toEqual(['DE/-/Europe/Berlin/phone-country']);
  });
  it('a non-geographic number in a country with several zones is unresolved', () => {
    // Australian 1800 numbers (freephone) say nothing about the caller's zone.
    const where = phone('+611800123456');
    expect(where.status).toBe('unresolved');
    expect(where.notes?.[0]).toMatchObject({ reason: 'non-geographic' });
  });
  it('a geographic number in a multi-zone country uses its prefix, keeping every zone the prefix spans', () => {
    expect(phone('+61292345678').timeZones).toEqual(['Australia/Sydney']);
    // Australia's 08 covers Western and South Australia: both zones stay candidates.
    expect([...phone('+61892345678').timeZones].sort()).toEqual(['Australia/Adelaide', 'Australia/Perth']);
  });
  it('an invalid number is unresolved', () => {
    expect(phone('+447700900123').notes?.[0]?.reason).toBe('invalid-number');
  });
});
