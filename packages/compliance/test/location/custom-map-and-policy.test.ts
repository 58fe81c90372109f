import { isOutpaceError } from '@outpace/core';
import { describe, expect, it } from 'vitest';
import { applyLocationPolicy, createLocationResolver } from '../../src/index.js';
import { resolver, summary } from './helpers.js';

const tenant = createLocationResolver({
  customTimeZones: [
    { countryCode: '1', areaCode: '800', timeZone: 'America/New_York' },
    { countryCode: '1', areaCode: '212', timeZone: 'America/Chicago' },
    { countryCode: '1', areaCode: '212555', timeZone: 'America/Denver' },
    { countryCode: '44', areaCode: '20', timeZone: 'Europe/Dublin' },
  ],
});
const nanp = (e164: string, useCustomMap?: boolean) =>
  tenant.resolve({ phone: { e164, countryCallingCode: '1' }, useCustomMap });

describe("a tenant's custom time-zone map", () => {
  it('wins over the system data for the phone number, with its own provenance', () => {
    expect(nanp('+12123450123').candidates).toEqual([
      { country: 'US', region: 'NY', timeZone: 'America/Chicago', source: 'custom-map', detail: 'custom map +1 212' },
    ]);
  });

  it('the longest matching area code wins', () => {
    expect(nanp('+12125550123').timeZones).toEqual(['America/Denver']);
  });

  it('can place toll-free numbers (the tenant decides, the row says so)', () => {
    expect(summary(nanp('+18005550123'))).toEqual(['US/-/America/New_York/custom-map']);
  });

  it('is skipped when the query turns it off', () => {
    expect(nanp('+12123450123', false).timeZones).toEqual(['America/New_York']);
    expect(nanp('+18005550123', false).status).toBe('unresolved');
  });

  it('works for other countries with the national number prefix', () => {
    const london = tenant.resolve({ phone: { e164: '+442079460123', countryCallingCode: '44' } });
    expect(summary(london)).toEqual(['GB/-/Europe/Dublin/custom-map']);
  });

  it('leaves postal-code candidates alone', () => {
    const where = tenant.resolve({ phone: { e164: '+12123450123', countryCallingCode: '1' }, postalCode: '90210' });
    expect(summary(where)).toEqual(['US/NY/America/Chicago/custom-map', 'US/CA/America/Los_Angeles/postal-code']);
  });

  it('is recorded in the data versions', () => {
    expect(tenant.dataVersions['custom-map']).toMatch(/^4 entries, sha256 [0-9a-f]{12}$/);
    expect(resolver.dataVersions['custom-map']).toBeUndefined();
    expect(tenant.customTimeZoneCount).toBe(4);
  });

  it.each([
    [[{ countryCode: '1', areaCode: '800', timeZone: 'Mars/Olympus' }], 'customTimeZones.0.timeZone'],
    [[{ countryCode: '+1', areaCode: '800', timeZone: 'America/New_York' }], 'customTimeZones.0.countryCode'],
    [[{ countryCode: '1', areaCode: '8OO', timeZone: 'America/New_York' }], 'customTimeZones.0.areaCode'],
    [
      [
        { countryCode: '1', areaCode: '800', timeZone: 'America/New_York' },
        { countryCode: '1', areaCode: '800', timeZone: 'America/Chicago' },
      ],
      'customTimeZones.1',
    ],
  ])('rejects an invalid map (%j)', (customTimeZones, path) => {
    try {
      createLocationResolver({ customTimeZones });
      expect.unreachable();
    } catch (error) {
      expect(isOutpaceError(error, 'COMPLIANCE_OPTIONS_INVALID')).toBe(true);
      expect((error as Error).message).toContain(`option ${path} is invalid`);
    }
  });

  it('rejects unknown options', () => {
    expect(() => createLocationResolver({ customTimezones: [] } as never)).toThrow(/option \(root\) is invalid/);
  });
});

describe('applyLocationPolicy', () => {
  const both = resolver.resolve({
    phone: { e164: '+12125550123', countryCallingCode: '1' },
    postalCode: '90210',
  });
  const tollFreeWithZip = resolver.resolve({
    phone: { e164: '+18005550123', countryCallingCode: '1' },
    postalCode: '90210',
  });
  const phoneOnly = resolver.resolve({ phone: { e164: '+12125550123', countryCallingCode: '1' } });

  it('strict (the default) keeps the union', () => {
    expect(applyLocationPolicy(both)).toBe(both);
    expect(applyLocationPolicy(both, 'strict').timeZones).toEqual(['America/New_York', 'America/Los_Angeles']);
  });

  it('postal-first keeps the postal candidates when there are any', () => {
    const chosen = applyLocationPolicy(both, 'postal-first');
    expect(summary(chosen)).toEqual(['US/CA/America/Los_Angeles/postal-code']);
    expect(chosen.status).toBe('resolved');
    expect(chosen.dataVersions).toBe(both.dataVersions);
    expect(applyLocationPolicy(phoneOnly, 'postal-first')).toBe(phoneOnly);
  });

  it('phone-first keeps the phone candidates, falling back to the postal code for a toll-free number', () => {
    expect(summary(applyLocationPolicy(both, 'phone-first'))).toEqual(['US/NY/America/New_York/phone-area-code']);
    const fallback = applyLocationPolicy(tollFreeWithZip, 'phone-first');
    expect(summary(fallback)).toEqual(['US/CA/America/Los_Angeles/postal-code']);
    expect(fallback.notes?.[0]?.reason).toBe('non-geographic');
  });

  it('returns the same object for the same input (cached)', () => {
    expect(applyLocationPolicy(both, 'phone-first')).toBe(applyLocationPolicy(both, 'phone-first'));
  });

  it('rejects an unknown policy', () => {
    expect(() => applyLocationPolicy(both, 'loose' as never)).toThrow(/Unknown location policy "loose"/);
  });
});

describe('resolvers share their system tables but not their answers', () => {
  it('a tenant with a custom map and one without each get their own data versions for the same number', () => {
    const q = { phone: { e164: '+13125550123', countryCallingCode: '1' } };
    const a = tenant.resolve(q);
    const b = resolver.resolve(q);
    const c = createLocationResolver().resolve(q);
    expect(a.dataVersions).toBe(tenant.dataVersions);
    expect(b.dataVersions).toBe(resolver.dataVersions);
    expect(c.dataVersions['custom-map']).toBeUndefined();
    expect(a.candidates).toEqual(b.candidates);
  });

  it('merged answers are cached per pair of inputs and stay correct', () => {
    const q1 = { phone: { e164: '+13125550123', countryCallingCode: '1' }, postalCode: '98101' };
    const q2 = { phone: { e164: '+13125550123', countryCallingCode: '1' }, postalCode: '10001' };
    const first = resolver.resolve(q1);
    expect(resolver.resolve({ ...q1 })).toBe(first);
    expect(resolver.resolve(q2).timeZones).toEqual(['America/Chicago', 'America/New_York']);
    expect(first.timeZones).toEqual(['America/Chicago', 'America/Los_Angeles']);
    const uncached = createLocationResolver({ cacheSize: 0 });
    expect(uncached.resolve(q1)).toEqual(first);
    expect(uncached.resolve(q1)).not.toBe(uncached.resolve(q1));
  });
});
