import { describe, expect, it } from 'vitest';
import { isOutpaceError } from '../errors.js';
import { normalizeEmail } from './normalize-email.js';
import { createPhoneNormalizer, normalizePhone, splitExtension } from './normalize-phone.js';

describe('normalizePhone', () => {
  const us = createPhoneNormalizer({ defaultCountry: 'US' });

  it('normalises NANP numbers in every common format to E.164 with NPA and NXX', () => {
    for (const raw of [
      '2125550123',
      '(212) 555-0123',
      '212.555.0123',
      '1-212-555-0123',
      '+1 212 555 0123',
      ' 212 555 0123 ',
    ]) {
      expect(us.normalize(raw)).toEqual({
        valid: true,
        e164: '+12125550123',
        countryCallingCode: '1',
        countryIso: 'US',
        areaCode: '212',
        exchange: '555',
      });
    }
  });

  it('keeps extensions apart', () => {
    for (const [raw, ext] of [
      ['212-555-0123 x45', '45'],
      ['(212) 555-0123 ext. 123', '123'],
      ['2125550123#7', '7'],
      ['212 555 0123 extension 9', '9'],
      ['+1 212 555 0123;ext=88', '88'],
    ] as const) {
      expect(us.normalize(raw)).toMatchObject({ valid: true, e164: '+12125550123', extension: ext });
    }
    expect(splitExtension('212 555 0123')).toEqual({ number: '212 555 0123' });
  });

  it('gives Canadian and Caribbean numbers their own region', () => {
    expect(us.normalize('204 555 0123')).toMatchObject({ e164: '+12045550123', countryIso: 'CA' });
    expect(us.normalize('787-555-0123')).toMatchObject({ countryIso: 'PR' });
    expect(us.normalize('876 555 0123')).toMatchObject({ countryIso: 'JM' });
  });

  it('rejects invalid NANP numbers with a reason', () => {
    expect(us.normalize('211-555-0123')).toEqual({ valid: false, reason: 'INVALID' }); // N11 area code
    expect(us.normalize('123-555-0123')).toEqual({ valid: false, reason: 'INVALID' });
    expect(us.normalize('5550')).toEqual({ valid: false, reason: 'TOO_SHORT' });
    expect(us.normalize('')).toEqual({ valid: false, reason: 'EMPTY' });
    expect(us.normalize('not a phone')).toMatchObject({ valid: false });
  });

  it('uses the default country for national formats elsewhere and libphonenumber for other plans', () => {
    expect(normalizePhone('020 7551 8700', { defaultCountry: 'GB' })).toMatchObject({
      valid: true,
      e164: '+442075518700',
      countryCallingCode: '44',
      countryIso: 'GB',
      areaCode: '20',
    });
    expect(us.normalize('+44 20 7551 8700')).toMatchObject({ valid: true, countryIso: 'GB' });
    expect(us.normalize('011 44 20 7551 8700')).toMatchObject({ valid: true, e164: '+442075518700' });
    // A UK national number read by a US tenant is not dialable as written.
    expect(us.normalize('020 7551 8700').valid).toBe(false);
  });

  it('gives the same answers with and without the fast path', () => {
    const slow = createPhoneNormalizer({ defaultCountry: 'US', fastPath: false });
    for (const raw of [
      '(212) 555-0123',
      '1 204 555 0123',
      '+1 900 555 0123',
      '211-555-0123',
      '+44 20 7551 8700',
      '800-555-0199',
    ]) {
      const a = us.normalize(raw);
      const b = slow.normalize(raw);
      expect(a.valid).toBe(b.valid);
      if (a.valid && b.valid) expect([a.e164, a.countryIso]).toEqual([b.e164, b.countryIso]);
    }
  });

  it('refuses an unknown default country', () => {
    try {
      createPhoneNormalizer({ defaultCountry: 'ZZ' });
      expect.unreachable();
    } catch (error) {
      expect(isOutpaceError(error, 'VALIDATION_FAILED')).toBe(true);
      expect((error as Error).message).toContain('ZZ');
    }
  });
});

describe('normalizeEmail', () => {
  it('lower-cases and validates addresses', () => {
    expect(normalizeEmail(' Jane.Doe@Example.COM ')).toBe('jane.doe@example.com');
    expect(normalizeEmail('mailto:a@b.io')).toBe('a@b.io');
    expect(normalizeEmail('no-at-sign.com')).toBeUndefined();
    expect(normalizeEmail('a@b')).toBeUndefined();
    expect(normalizeEmail('a b@c.com')).toBeUndefined();
    expect(normalizeEmail(`${'a'.repeat(130)}@c.com`)).toBeUndefined();
  });
});
