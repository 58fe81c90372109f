import { isOutpaceError, type LocationQuery } from '@outpace/core';
import { describe, expect, it } from 'vitest';
import { resolver } from './helpers.js';

function rejection(query: unknown): { field: unknown; message: string } {
  try {
    resolver.resolve(query as LocationQuery);
  } catch (error) {
    if (!isOutpaceError(error, 'LOCATION_QUERY_INVALID')) throw error;
    return { field: error.details?.field, message: error.message };
  }
  throw new Error('expected LOCATION_QUERY_INVALID');
}

describe('invalid queries are rejected with the field, the value and the fix', () => {
  it.each([
    [null, '(query)'],
    [{ phone: { e164: '2125550123', countryCallingCode: '1' } }, 'phone.e164'],
    [{ phone: { e164: '+1 212 555 0123', countryCallingCode: '1' } }, 'phone.e164'],
    [{ phone: { e164: '+1212555012', countryCallingCode: '1' } }, 'phone.e164'],
    [{ phone: { e164: '+12125550123', countryCallingCode: '44' } }, 'phone.countryCallingCode'],
    [{ phone: { e164: '+12125550123' } }, 'phone.countryCallingCode'],
    [{ phone: '+12125550123' }, 'phone'],
    [{ timeZone: 'EST5EDT-ish' }, 'timeZone'],
    [{ timeZone: '+05:00' }, 'timeZone'],
    [{ country: 'United States' }, 'country'],
    [{ state: 'Florida', country: 'US' }, 'state'],
    [{ postalCode: 'x'.repeat(40) }, 'postalCode'],
  ])('%j → %s', (query, field) => {
    const { field: got, message } = rejection(query);
    expect(got).toBe(field);
    expect(message).toContain(`"${field}"`);
    expect(message).toMatch(/: (use|pass|a \+1)/);
  });

  it('empty strings count as absent, as in list files', () => {
    const where = resolver.resolve({ postalCode: '', state: '', country: '', timeZone: '' });
    expect(where.status).toBe('unresolved');
    expect(where.candidates).toEqual([]);
  });
});
