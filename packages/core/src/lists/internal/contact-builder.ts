import { createHash } from 'node:crypto';
import { OutpaceError } from '../../errors.js';
import { FAST_VALID, type FastPathParts, nanpFastPathInto } from '../../phone/internal/nanp-fast-path.js';
import { getNanpTable } from '../../phone/internal/nanp-table.js';
import { normalizeEmail } from '../../phone/normalize-email.js';
import { isPremiumRate, type NormalizedPhone, type PhoneNormalizer } from '../../phone/normalize-phone.js';
import type { LocationResolver, PhoneLocationKey } from '../../ports/location-resolver.js';
import { isValidTimeZone } from '../../schemas/common.js';
import type { ContactLocation, NewContact } from '../../schemas/contact.js';
import type { Device, DeviceType } from '../../schemas/device.js';
import { MAX_DEVICES } from '../../schemas/device.js';
import type { ImportIssue } from '../../schemas/import-job.js';
import type { LocationSource } from '../../schemas/location.js';
import type { TenantSettings } from '../../schemas/tenant.js';
import { deviceTargetInfo, type FieldTarget } from '../keywords.js';
import { compileExtractor, type Extractor } from '../mapping.js';
import type { BoundMapping } from '../mapping-types.js';
import { issue, phoneReason, show } from './issues.js';
import type { RawRecord } from './records.js';

/** What the builders share: normalisers, tenant defaults and the location resolver. */
export interface BuildContext {
  phones: PhoneNormalizer;
  settings: TenantSettings;
  resolver?: LocationResolver | undefined;
  useCustomMap: boolean;
  keepRawDevices: boolean;
  /** The text was decoded as UTF-8, so U+FFFD marks undecodable bytes. */
  utf8: boolean;
  /** Rows may be shorter than the header (spreadsheets omit trailing empty cells). */
  shortRowsOk?: boolean;
  /** Reject a line without a ClientID (`CLIENT_ID_MISSING`). @default false */
  requireClientId?: boolean;
  /** Keep premium-rate numbers as devices instead of dropping them (`DEVICE_NOT_DIALABLE`). @default false */
  allowPremiumRate?: boolean;
}

/** A contact built from a record, or the reasons it was rejected. */
export interface BuiltContact {
  contact: NewContact | undefined;
  /** Every issue found (errors and warnings); undefined when there is none. */
  issues: ImportIssue[] | undefined;
}

interface ScalarField {
  key: 'clientId' | 'firstName' | 'lastName' | 'company' | 'postalCode' | 'state' | 'originalRecord';
  label: string;
  get: Extractor;
  max: number;
}

/** A device column of the mapping. */
export interface DeviceField {
  label: string;
  get: Extractor;
  index: number;
  type: DeviceType;
  email: boolean;
}

const LIMITS: Record<ScalarField['key'], number> = {
  clientId: 64,
  firstName: 64,
  lastName: 64,
  company: 64,
  postalCode: 16,
  state: 8,
  originalRecord: 4096,
};

const EMPTY_OTHERS: Readonly<Record<string, string>> = Object.freeze({});

function trimmed(v: string): string {
  if (v.length === 0) return v;
  const a = v.charCodeAt(0);
  const b = v.charCodeAt(v.length - 1);
  return a <= 32 || b <= 32 || a === 160 || b === 160 ? v.trim() : v;
}

/** Device columns of a bound mapping, in mapping order. */
export function deviceFields(mapping: BoundMapping): DeviceField[] {
  const out: DeviceField[] = [];
  for (const f of mapping.fields) {
    const info = deviceTargetInfo(f.target);
    if (info) out.push({ label: f.label, get: compileExtractor(f.source), ...info });
  }
  return out;
}

/** Normalises one device value; returns the device (without index) or the issue. */
export function normalizeDevice(
  raw: string,
  field: DeviceField,
  line: number,
  ctx: BuildContext,
): string | NormalizedPhone | ImportIssue {
  if (field.email || raw.indexOf('@') >= 0) {
    const email = normalizeEmail(raw);
    if (email === undefined) {
      return issue(
        line,
        field.label,
        'DEVICE_INVALID',
        'warning',
        `${field.label} ${show(raw)} on line ${line} is not a valid email address; write it as name@example.com.`,
        raw,
      );
    }
    return email;
  }
  const phone = ctx.phones.normalize(raw);
  if (!phone.valid) {
    return issue(
      line,
      field.label,
      'DEVICE_INVALID',
      'warning',
      `${field.label} ${show(raw)} on line ${line} is not a valid phone number for ${ctx.phones.defaultCountry}: ${phoneReason(phone.reason)}. Write the full number with its area code, or in international form (+<country code> <number>).`,
      raw,
    );
  }
  return phone;
}

function locationFromResolver(
  resolver: LocationResolver,
  query: Parameters<LocationResolver['resolve']>[0],
): { timeZone?: string; region?: string; country?: string; source: LocationSource } | undefined {
  const r = resolver.resolve(query);
  if (r.status === 'unresolved' || r.candidates.length === 0) return undefined;
  const c = r.candidates.find((x) => x.timeZone !== undefined) ?? r.candidates[0]!;
  const out: { timeZone?: string; region?: string; country?: string; source: LocationSource } = { source: c.source };
  const tz = c.timeZone ?? r.timeZones[0];
  if (tz !== undefined) out.timeZone = tz;
  if (c.region !== undefined) out.region = c.region;
  out.country = c.country;
  return out;
}

/**
 * Compiles a bound mapping into a function building a `NewContact` from a
 * record, collecting every issue of the line. A line is rejected (no contact)
 * when an issue is an error; warnings keep it.
 */
export function createContactBuilder(mapping: BoundMapping, ctx: BuildContext): (rec: RawRecord) => BuiltContact {
  const scalars: ScalarField[] = [];
  const others: { key: string; label: string; get: Extractor }[] = [];
  let country: { label: string; get: Extractor } | undefined;
  let timeZone: { label: string; get: Extractor } | undefined;
  let nameFirstLast: { label: string; get: Extractor } | undefined;
  let nameLastFirst: { label: string; get: Extractor } | undefined;
  for (const f of mapping.fields) {
    const t: FieldTarget = f.target;
    const get = compileExtractor(f.source);
    if (t in LIMITS)
      scalars.push({ key: t as ScalarField['key'], label: f.label, get, max: LIMITS[t as ScalarField['key']] });
    else if (t.startsWith('other')) others.push({ key: t, label: f.label, get });
    else if (t === 'country') country = { label: f.label, get };
    else if (t === 'timeZone') timeZone = { label: f.label, get };
    else if (t === 'nameFirstLast') nameFirstLast = { label: f.label, get };
    else if (t === 'nameLastFirst') nameLastFirst = { label: f.label, get };
  }
  const devices = deviceFields(mapping);
  const expected = mapping.expectedFieldCount;
  const { settings, resolver, useCustomMap, keepRawDevices } = ctx;
  const defaultLocation: ContactLocation = Object.freeze(
    settings.defaultRegion === undefined
      ? { timeZone: settings.defaultTimeZone, source: 'default' as const }
      : { timeZone: settings.defaultTimeZone, source: 'default' as const, region: settings.defaultRegion },
  );
  const defaultCountry = settings.defaultCountry;
  const defaultTimeZone = settings.defaultTimeZone;
  const defaultRegion = settings.defaultRegion;
  const table = getNanpTable();
  const defaultIsNanp = table.regions.includes(defaultCountry);
  const parts: FastPathParts = { e164: '', countryIso: '', areaCode: '', exchange: '' };
  const clientIdHash = mapping.clientIdHash;
  const cardCheck = mapping.creditCardCheck;
  const requireClientId = ctx.requireClientId === true;
  const clientIdField = scalars.find((f) => f.key === 'clientId');
  if (requireClientId && clientIdField === undefined) {
    throw new OutpaceError(
      'LIST_MAPPING_INVALID',
      'The import requires a ClientID on every line (requireClientId), but the mapping has no ClientID field; add a ClientID column (or map one), or import without requireClientId.',
      { details: { field: 'ClientID' } },
    );
  }
  const refusePremium = ctx.allowPremiumRate !== true;

  return (rec: RawRecord): BuiltContact => {
    const line = rec.line;
    let issues: ImportIssue[] | undefined;
    if (rec.problem !== undefined) {
      issues = pushIssue(
        issues,
        issue(
          line,
          null,
          'ROW_MALFORMED',
          'error',
          `Line ${line} cannot be split into fields: ${rec.problem}.`,
          rec.raw,
        ),
      );
      return { contact: undefined, issues };
    }
    const fields = rec.fields;
    if (expected !== undefined && fields !== undefined && fields.length !== expected) {
      let bad = fields.length < expected && ctx.shortRowsOk !== true;
      for (let i = expected; !bad && i < fields.length; i++) if (trimmed(fields[i]!).length > 0) bad = true;
      if (bad) {
        issues = pushIssue(
          issues,
          issue(
            line,
            null,
            'ROW_FIELD_COUNT',
            'error',
            `Line ${line} has ${fields.length} fields but the header has ${expected}; check for a missing or extra separator, or quote values that contain one.`,
            rec.raw,
          ),
        );
        return { contact: undefined, issues };
      }
    }
    if (ctx.utf8 && rec.raw.indexOf('\uFFFD') >= 0) {
      issues = pushIssue(
        issues,
        issue(
          line,
          null,
          'ENCODING_INVALID',
          'warning',
          `Line ${line} holds bytes that are not valid UTF-8 (shown as �); import the file with encoding "windows-1252" or "iso-8859-1" if accented letters look wrong.`,
        ),
      );
    }
    const raw = rec.raw;
    const contact = { others: EMPTY_OTHERS, devices: [] as Device[], location: defaultLocation } as NewContact;
    let any = false;
    let clientIdGiven = false;
    for (const s of scalars) {
      let v = trimmed(s.get(fields, raw));
      if (v.length === 0) continue;
      any = true;
      if (s.key === 'clientId') clientIdGiven = true;
      if (v.length > s.max) {
        issues = pushIssue(
          issues,
          issue(
            line,
            s.label,
            'FIELD_TOO_LONG',
            'error',
            `${s.label} on line ${line} has ${v.length} characters (${show(v)}); the limit is ${s.max}. Shorten it.`,
            v,
          ),
        );
        continue;
      }
      if (s.key === 'clientId' && clientIdHash) v = createHash('sha256').update(v).digest('hex');
      contact[s.key] = v;
    }
    if (nameFirstLast || nameLastFirst) {
      const src = (nameFirstLast ?? nameLastFirst)!;
      const v = trimmed(src.get(fields, raw));
      if (v.length > 0) {
        any = true;
        const [first, last] = splitName(v, nameFirstLast !== undefined);
        for (const [key, value] of [
          ['firstName', first],
          ['lastName', last],
        ] as const) {
          if (value.length === 0 || contact[key] !== undefined) continue;
          if (value.length > 64) {
            issues = pushIssue(
              issues,
              issue(
                line,
                src.label,
                'FIELD_TOO_LONG',
                'error',
                `${src.label} on line ${line} gives a ${key === 'firstName' ? 'first' : 'last'} name of ${value.length} characters (${show(value)}); the limit is 64.`,
                v,
              ),
            );
          } else contact[key] = value;
        }
      }
    }
    if (others.length > 0) {
      let o: Record<string, string> | undefined;
      for (const f of others) {
        const v = trimmed(f.get(fields, raw));
        if (v.length === 0) continue;
        any = true;
        if (v.length > 1024) {
          issues = pushIssue(
            issues,
            issue(
              line,
              f.label,
              'FIELD_TOO_LONG',
              'error',
              `${f.label} on line ${line} has ${v.length} characters; the limit is 1024. Shorten it.`,
              v,
            ),
          );
          continue;
        }
        if (!o) o = {};
        o[f.key] = v;
      }
      if (o) contact.others = o;
    }
    if (country) {
      const v = trimmed(country.get(fields, raw)).toUpperCase();
      if (v.length > 0) {
        any = true;
        if (/^[A-Z]{2,3}$/.test(v)) contact.country = v;
        else {
          issues = pushIssue(
            issues,
            issue(
              line,
              country.label,
              'COUNTRY_INVALID',
              'warning',
              `${country.label} ${show(v)} on line ${line} is not an ISO country code; use two letters such as "US" or "CA". The value was ignored.`,
              v,
            ),
          );
        }
      }
    }
    let explicitZoneInvalid = false;
    if (timeZone) {
      const v = trimmed(timeZone.get(fields, raw));
      if (v.length > 0) {
        any = true;
        if (v.length <= 64 && isValidTimeZone(v)) contact.timeZone = v;
        else {
          explicitZoneInvalid = true;
          issues = pushIssue(
            issues,
            issue(
              line,
              timeZone.label,
              'TIME_ZONE_INVALID',
              'warning',
              `${timeZone.label} ${show(v)} on line ${line} is not an IANA time zone; use a name such as "America/Chicago". The contact got the on-error zone ${settings.onErrorTimeZone}.`,
              v,
            ),
          );
        }
      }
    }
    if (cardCheck) {
      const card = findCardNumber(contact);
      if (card) {
        issues = pushIssue(
          issues,
          issue(
            line,
            card.field,
            'FIELD_INVALID',
            'error',
            `${card.field} on line ${line} holds what looks like a payment card number; remove it from the file (card numbers must not be stored).`,
          ),
        );
      }
    }

    // Devices: every valid phone or email becomes one device of the chain.
    let used = 0;
    let sawDevice = false;
    for (const d of devices) {
      const v = trimmed(d.get(fields, raw));
      if (v.length === 0) continue;
      sawDevice = true;
      any = true;
      let value: string;
      let phone: NormalizedPhone | undefined;
      let fast = false;
      if (!d.email && nanpFastPathInto(v, defaultIsNanp, parts, table) === FAST_VALID) {
        value = parts.e164;
        fast = true;
      } else {
        const n = normalizeDevice(v, d, line, ctx);
        if (typeof n === 'string') value = n;
        else if ('code' in n) {
          issues = pushIssue(issues, n);
          continue;
        } else {
          value = n.e164;
          phone = n;
        }
      }
      if (
        refusePremium &&
        (fast
          ? isPremiumRate({ e164: value, countryCallingCode: '1', countryIso: parts.countryIso })
          : phone !== undefined && isPremiumRate(phone))
      ) {
        issues = pushIssue(
          issues,
          issue(
            line,
            d.label,
            'DEVICE_NOT_DIALABLE',
            'warning',
            `${d.label} ${show(v)} on line ${line} is a premium-rate number (${value}): every call to it costs the caller, so it is not stored as a device. Give the consumer's ordinary number, or import with allowPremiumRate if you really mean to call it.`,
            v,
          ),
        );
        continue;
      }
      const list = contact.devices;
      let duplicate = false;
      for (let i = 0; i < list.length; i++) if (list[i]!.value === value) duplicate = true;
      if (duplicate) {
        issues = pushIssue(
          issues,
          issue(
            line,
            d.label,
            'DEVICE_DUPLICATE',
            'warning',
            `${d.label} ${show(v)} on line ${line} repeats a device of the same contact; it was kept once.`,
            v,
          ),
        );
        continue;
      }
      let index = d.index > 0 && (used & (1 << d.index)) === 0 ? d.index : 0;
      if (index === 0) for (let i = 1; i <= MAX_DEVICES && index === 0; i++) if ((used & (1 << i)) === 0) index = i;
      if (index === 0) {
        issues = pushIssue(
          issues,
          issue(
            line,
            d.label,
            'DEVICE_LIMIT',
            'warning',
            `${d.label} ${show(v)} on line ${line} would be an 11th device; a contact has at most ${MAX_DEVICES}. It was dropped.`,
            v,
          ),
        );
        continue;
      }
      used |= 1 << index;
      let device: Device;
      if (!fast && phone === undefined) {
        device = { index, type: 'email', value };
      } else if (fast && !resolver) {
        // The common case in one literal, so every device shares one shape.
        device =
          defaultRegion === undefined
            ? {
                index,
                type: d.type,
                value,
                countryCallingCode: '1',
                countryIso: parts.countryIso,
                international: parts.countryIso !== defaultCountry,
                areaCode: parts.areaCode,
                exchange: parts.exchange,
                timeZone: defaultTimeZone,
                timeZoneSource: 'default',
              }
            : {
                index,
                type: d.type,
                value,
                countryCallingCode: '1',
                countryIso: parts.countryIso,
                international: parts.countryIso !== defaultCountry,
                areaCode: parts.areaCode,
                exchange: parts.exchange,
                timeZone: defaultTimeZone,
                timeZoneSource: 'default',
                region: defaultRegion,
              };
      } else {
        const p: NormalizedPhone = fast
          ? {
              valid: true,
              e164: value,
              countryCallingCode: '1',
              countryIso: parts.countryIso,
              areaCode: parts.areaCode,
              exchange: parts.exchange,
            }
          : phone!;
        device = { index, type: d.type, value, countryCallingCode: p.countryCallingCode };
        if (p.countryIso !== undefined) {
          device.countryIso = p.countryIso;
          device.international = p.countryIso !== defaultCountry;
        }
        if (p.areaCode !== undefined) device.areaCode = p.areaCode;
        if (p.exchange !== undefined) device.exchange = p.exchange;
        if (p.extension !== undefined) device.extension = p.extension;
        if (resolver) {
          try {
            const key: PhoneLocationKey = {
              e164: p.e164,
              countryCallingCode: p.countryCallingCode,
              countryIso: p.countryIso,
              areaCode: p.areaCode,
              exchange: p.exchange,
            };
            const loc = locationFromResolver(resolver, { phone: key, useCustomMap });
            if (loc?.timeZone !== undefined) {
              device.timeZone = loc.timeZone;
              device.timeZoneSource = loc.source;
            } else {
              device.timeZone = defaultTimeZone;
              device.timeZoneSource = 'default';
            }
            if (loc?.region !== undefined) device.region = loc.region;
            else if (defaultRegion !== undefined) device.region = defaultRegion;
          } catch (error) {
            device.timeZone = settings.onErrorTimeZone;
            device.timeZoneSource = 'on-error';
            if (defaultRegion !== undefined) device.region = defaultRegion;
            issues = pushIssue(
              issues,
              issue(
                line,
                d.label,
                'LOCATION_FAILED',
                'warning',
                `The time zone of ${d.label} ${show(v)} on line ${line} could not be derived (${(error as Error).message}); it got the on-error zone ${settings.onErrorTimeZone}.`,
                v,
              ),
            );
          }
        } else {
          device.timeZone = defaultTimeZone;
          device.timeZoneSource = 'default';
          if (defaultRegion !== undefined) device.region = defaultRegion;
        }
      }
      if (keepRawDevices) device.raw = v.length > 256 ? v.slice(0, 256) : v;
      list.push(device);
    }
    if (requireClientId && !clientIdGiven && any) {
      issues = pushIssue(
        issues,
        issue(
          line,
          clientIdField!.label,
          'CLIENT_ID_MISSING',
          'error',
          `Line ${line} has no ${clientIdField!.label}; this import requires one on every line (it is the key APPEND_ONLY and APPEND_AND_UPDATE match on). Add the ClientID, or remove the line.`,
        ),
      );
    }
    if (contact.devices.length === 0) {
      if (!any) {
        issues = pushIssue(
          issues,
          issue(line, null, 'ROW_EMPTY', 'error', `Line ${line} has no value in any mapped field; remove it.`),
        );
      } else {
        issues = pushIssue(
          issues,
          issue(
            line,
            null,
            'NO_DIALABLE_DEVICE',
            'error',
            sawDevice
              ? `Line ${line} has no valid phone number or email (see the device issues); fix at least one device.`
              : `Line ${line} has no phone number or email; add at least one device (Device1…Device10, cellPhone, email…).`,
          ),
        );
      }
    }
    if (issues !== undefined && hasError(issues)) return { contact: undefined, issues };
    const list = contact.devices;
    for (let i = 1; i < list.length; i++) {
      if (list[i - 1]!.index > list[i]!.index) {
        list.sort((a, b) => a.index - b.index);
        break;
      }
    }

    // Contact-level location, independent of the devices'.
    if (contact.timeZone !== undefined) {
      contact.location = { timeZone: contact.timeZone, source: 'explicit' };
    } else if (explicitZoneInvalid) {
      contact.location = { timeZone: settings.onErrorTimeZone, source: 'on-error' };
    } else if (
      resolver &&
      (contact.postalCode !== undefined || contact.state !== undefined || contact.country !== undefined)
    ) {
      try {
        const loc = locationFromResolver(resolver, {
          postalCode: contact.postalCode,
          state: contact.state,
          country: contact.country,
          useCustomMap,
        });
        if (loc?.timeZone !== undefined) {
          const location: ContactLocation = { timeZone: loc.timeZone, source: loc.source };
          if (loc.country !== undefined) location.country = loc.country;
          if (loc.region !== undefined) location.region = loc.region;
          contact.location = location;
        }
      } catch (error) {
        contact.location = { timeZone: settings.onErrorTimeZone, source: 'on-error' };
        issues = pushIssue(
          issues,
          issue(
            line,
            null,
            'LOCATION_FAILED',
            'warning',
            `The time zone of the contact on line ${line} could not be derived (${(error as Error).message}); it got the on-error zone ${settings.onErrorTimeZone}.`,
          ),
        );
      }
    }
    return { contact, issues };
  };
}

function pushIssue(issues: ImportIssue[] | undefined, i: ImportIssue): ImportIssue[] {
  if (issues === undefined) return [i];
  issues.push(i);
  return issues;
}

function hasError(issues: readonly ImportIssue[]): boolean {
  for (const i of issues) if (i.severity === 'error') return true;
  return false;
}

/** Splits a combined name: "First Middle Last" (FirstLast) or "Last, First" / "Last First" (LastFirst). */
export function splitName(value: string, firstLast: boolean): [first: string, last: string] {
  if (firstLast) {
    const i = value.lastIndexOf(' ');
    return i < 0 ? ['', value] : [value.slice(0, i).trim(), value.slice(i + 1).trim()];
  }
  const comma = value.indexOf(',');
  if (comma >= 0) return [value.slice(comma + 1).trim(), value.slice(0, comma).trim()];
  const i = value.indexOf(' ');
  return i < 0 ? ['', value] : [value.slice(i + 1).trim(), value.slice(0, i).trim()];
}

/** A Luhn-valid run of 13–19 digits (spaces or dashes allowed) in a non-device field. */
function findCardNumber(contact: NewContact): { field: string } | undefined {
  const check = (v: string | undefined): boolean => {
    if (!v) return false;
    for (const m of v.matchAll(/\d(?:[ -]?\d){12,18}/g)) {
      const digits = m[0].replace(/\D/g, '');
      if (digits.length >= 13 && digits.length <= 19 && luhn(digits)) return true;
    }
    return false;
  };
  for (const key of ['clientId', 'firstName', 'lastName', 'company', 'originalRecord'] as const) {
    if (check(contact[key])) return { field: key };
  }
  for (const [key, v] of Object.entries(contact.others)) if (check(v)) return { field: key };
  return undefined;
}

function luhn(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}
