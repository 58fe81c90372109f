import type { DeviceType } from '../schemas/device.js';

/**
 * Canonical mapping targets: what a header cell, a spec-file keyword or a
 * data-mapping `target` maps a value to. `otherN` is `other1` … `other999`;
 * `deviceN` is `device1` … `device10`.
 */
export type FieldTarget =
  | 'clientId'
  | 'firstName'
  | 'lastName'
  | 'company'
  | 'postalCode'
  | 'state'
  | 'country'
  | 'timeZone'
  | 'originalRecord'
  | 'nameFirstLast'
  | 'nameLastFirst'
  | `device${number}`
  | 'homePhone'
  | 'workPhone'
  | 'cellPhone'
  | 'vacationPhone'
  | 'voiceMail'
  | 'email'
  | 'emailAddress'
  | 'workEmail'
  | 'homeEmail'
  | `other${number}`
  | 'from'
  | 'till'
  | 'order'
  | 'condition';

/** How a device target is stored: its nominal device index (0 for emails) and type. */
export interface DeviceTargetInfo {
  index: number;
  type: DeviceType;
  email: boolean;
}

/**
 * The product's header keywords and their synonyms, keyed by the normalised
 * spelling (lower case, without spaces, `_`, `-` or `.`), so `First Name`,
 * `first_name` and `FIRSTNAME` all match.
 */
const SYNONYMS: Readonly<Record<string, FieldTarget>> = Object.freeze({
  firstname: 'firstName',
  fname: 'firstName',
  lastname: 'lastName',
  lname: 'lastName',
  name: 'lastName',
  company: 'company',
  companyname: 'company',
  clientid: 'clientId',
  originalrecord: 'originalRecord',
  original: 'originalRecord',
  tz: 'timeZone',
  timezone: 'timeZone',
  zip: 'postalCode',
  zipcode: 'postalCode',
  postalcode: 'postalCode',
  postcode: 'postalCode',
  country: 'country',
  countrycode: 'country',
  state: 'state',
  region: 'state',
  statecode: 'state',
  homephone: 'homePhone',
  workphone: 'workPhone',
  cellphone: 'cellPhone',
  vacationphone: 'vacationPhone',
  voicemail: 'voiceMail',
  email: 'email',
  emailaddress: 'emailAddress',
  workemail: 'workEmail',
  homeemail: 'homeEmail',
  namefirstlast: 'nameFirstLast',
  namelastfirst: 'nameLastFirst',
  from: 'from',
  till: 'till',
  until: 'till',
  order: 'order',
  condition: 'condition',
});

const DEVICE_TARGETS: Readonly<Record<string, DeviceTargetInfo>> = Object.freeze({
  homePhone: { index: 2, type: 'home', email: false },
  workPhone: { index: 1, type: 'work', email: false },
  cellPhone: { index: 3, type: 'mobile', email: false },
  vacationPhone: { index: 6, type: 'vacation', email: false },
  voiceMail: { index: 7, type: 'voicemail', email: false },
  email: { index: 0, type: 'email', email: true },
  emailAddress: { index: 0, type: 'email', email: true },
  workEmail: { index: 0, type: 'email', email: true },
  homeEmail: { index: 0, type: 'email', email: true },
});

/** Normalises a header cell or keyword for comparison. */
export function normalizeKeyword(word: string): string {
  return word
    .trim()
    .toLowerCase()
    .replace(/[\s_.-]+/g, '');
}

/**
 * The target a header cell or keyword names, or undefined. Keywords win over
 * labels; a label (`labels.other21 = 'Balance'`) maps its name to that Other
 * field.
 *
 * @example
 * resolveKeyword('First Name') // 'firstName'
 * resolveKeyword('Balance', { other21: 'Balance' }) // 'other21'
 */
export function resolveKeyword(word: string, labels?: Readonly<Record<string, string>>): FieldTarget | undefined {
  const key = normalizeKeyword(word);
  if (key.length === 0) return undefined;
  const known = SYNONYMS[key];
  if (known) return known;
  const device = /^device(\d{1,2})$/.exec(key);
  if (device) {
    const n = Number(device[1]);
    return n >= 1 && n <= 10 ? `device${n}` : undefined;
  }
  const other = /^other(\d{1,3})$/.exec(key);
  if (other) {
    const n = Number(other[1]);
    return n >= 1 ? `other${n}` : undefined;
  }
  if (labels) {
    for (const [otherKey, label] of Object.entries(labels)) {
      if (normalizeKeyword(label) === key) return otherKey as FieldTarget;
    }
  }
  return undefined;
}

/** Device index and type of a device or email target; undefined for other targets. */
export function deviceTargetInfo(target: FieldTarget): DeviceTargetInfo | undefined {
  const m = /^device(\d+)$/.exec(target);
  if (m) return { index: Number(m[1]), type: 'home', email: false };
  return DEVICE_TARGETS[target];
}

/** The keywords documented for users, one line per target (for messages and docs). */
export const KEYWORD_HELP =
  'FirstName, LastName, Company, ClientID, Device1..Device10, homePhone, workPhone, cellPhone, VacationPhone, VoiceMail, ' +
  'email, emailaddress, workemail, homeemail, Other1..OtherN, zip/postal_code, country, state/region, tz/timezone, ' +
  'original_record, NameFirstLast, NameLastFirst, from, till';
