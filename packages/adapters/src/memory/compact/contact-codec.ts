import type { Contact, Device, DeviceType, LocationSource, NewContact } from '@outpace/core';
import { DeviceTypeSchema, OutpaceError } from '@outpace/core';
import type { ByteReader, ByteWriter } from './bytes.js';
import type { ContactDictionary, TupleValue } from './dictionary.js';
import { ID_BYTES, unpackId } from './record-id.js';
import { fillLayout, rawLayoutId, readText, readTuple, writeText, writeTuple } from './shared-values.js';
import type { StampTable } from './stamps.js';

/**
 * The compact contact record:
 *
 *   u24 length of the rest | 17-byte packed id | u32 stamp | body
 *
 * The header has a fixed size so an import can stage records and fill in ids
 * and times at commit; `stamp` indexes the table's {@link StampTable}. The
 * body is a u16 of field-presence bits, the present fields in bit order
 * (strings as varint length + UTF-8; names, company and Other values through
 * per-column dictionaries; state, country and zone through the text
 * dictionary), the Other fields (count, then number and value each), and the
 * devices (count, then each device). Phone values are packed
 * two digits a byte; raw numbers are stored as a layout (`(ddd) ddd-dddd`)
 * filled from the value's digits; a device's derived attributes are one
 * dictionary reference; NANP area code and exchange are read back from the
 * number when they agree with it.
 */
export const HEADER_BYTES = 3 + ID_BYTES + 4;
export const ID_OFFSET = 3;
export const STAMP_OFFSET = 3 + ID_BYTES;
const MAX_RECORD = 0xffffff;

enum Field {
  ClientId = 1 << 0,
  FirstName = 1 << 1,
  LastName = 1 << 2,
  Company = 1 << 3,
  PostalCode = 1 << 4,
  State = 1 << 5,
  Country = 1 << 6,
  TimeZone = 1 << 7,
  OriginalRecord = 1 << 8,
  Location = 1 << 9,
  Others = 1 << 10,
}

enum DeviceFlag {
  PackedValue = 1 << 0,
  Raw = 1 << 1,
  RawLayout = 1 << 2,
  Extension = 1 << 3,
  Attributes = 1 << 4,
  NanpParts = 1 << 5,
  AreaCode = 1 << 6,
  Exchange = 1 << 7,
}

const DEVICE_TYPES = DeviceTypeSchema.options;
const TYPE_CODE = new Map<DeviceType, number>(DEVICE_TYPES.map((t, i) => [t, i]));
const OTHER_KEYS: string[] = [];
const otherKey = (n: number) => (OTHER_KEYS[n] ??= `other${n}`);

/** Encodes a contact's record with a zeroed header (see {@link writeHeader}). */
export function encodeContact(w: ByteWriter, contact: NewContact, dict: ContactDictionary): void {
  const start = w.pos;
  w.zeros(HEADER_BYTES);
  const location = contact.location ?? {};
  const hasLocation =
    location.country !== undefined ||
    location.region !== undefined ||
    location.timeZone !== undefined ||
    location.source !== undefined;
  const others = contact.others ?? {};
  let otherCount = 0;
  for (const _ in others) otherCount++;
  const bits =
    (contact.clientId !== undefined ? Field.ClientId : 0) |
    (contact.firstName !== undefined ? Field.FirstName : 0) |
    (contact.lastName !== undefined ? Field.LastName : 0) |
    (contact.company !== undefined ? Field.Company : 0) |
    (contact.postalCode !== undefined ? Field.PostalCode : 0) |
    (contact.state !== undefined ? Field.State : 0) |
    (contact.country !== undefined ? Field.Country : 0) |
    (contact.timeZone !== undefined ? Field.TimeZone : 0) |
    (contact.originalRecord !== undefined ? Field.OriginalRecord : 0) |
    (hasLocation ? Field.Location : 0) |
    (otherCount > 0 ? Field.Others : 0);
  w.u8(bits & 0xff);
  w.u8(bits >>> 8);
  if (contact.clientId !== undefined) w.str(contact.clientId);
  if (contact.firstName !== undefined) writeText(w, dict.column('firstName'), contact.firstName);
  if (contact.lastName !== undefined) writeText(w, dict.column('lastName'), contact.lastName);
  if (contact.company !== undefined) writeText(w, dict.column('company'), contact.company);
  if (contact.postalCode !== undefined) w.str(contact.postalCode);
  if (contact.state !== undefined) writeText(w, dict.text, contact.state);
  if (contact.country !== undefined) writeText(w, dict.text, contact.country);
  if (contact.timeZone !== undefined) writeText(w, dict.text, contact.timeZone);
  if (contact.originalRecord !== undefined) w.str(contact.originalRecord);
  if (hasLocation)
    writeTuple(w, dict.location, [location.country, location.region, location.timeZone, location.source]);
  if (otherCount > 0) {
    w.varint(otherCount);
    for (const key in others) {
      w.varint(Number(key.slice(5)));
      writeText(w, dict.column(key), others[key] as string);
    }
  }
  w.u8(contact.devices.length);
  for (const device of contact.devices) encodeDevice(w, device, dict);
  const length = w.pos - start - 3;
  if (length > MAX_RECORD) {
    throw new OutpaceError(
      'ADAPTER_CAPACITY',
      `Contact "${contact.clientId ?? ''}" encodes to ${length} bytes; the limit is 16 MiB.`,
    );
  }
  w.buf.writeUIntLE(length, start, 3);
}

/** Fills in a record's id and stamp. */
export function writeHeader(buf: Buffer, offset: number, packedId: Uint8Array, stamp: number): void {
  // A byte loop: cheaper than a native copy for 17 bytes.
  const start = offset + ID_OFFSET;
  for (let i = 0; i < ID_BYTES; i++) buf[start + i] = packedId[i] as number;
  buf.writeUInt32LE(stamp, offset + STAMP_OFFSET);
}

/** Total bytes of the record at `offset`, header included. */
export function recordLength(buf: Buffer, offset: number): number {
  return buf.readUIntLE(offset, 3) + 3;
}

/** The byte range of the record's ClientID, or undefined when it has none. */
export function clientIdRange(buf: Buffer, offset: number): [number, number] | undefined {
  let pos = offset + HEADER_BYTES;
  if (((buf[pos] as number) & Field.ClientId) === 0) return undefined;
  pos += 2;
  // Strings use a varint length; ClientIDs are short, so usually one byte.
  let length = 0;
  let shift = 0;
  for (;;) {
    const byte = buf[pos++] as number;
    length += (byte & 0x7f) * 2 ** shift;
    if (byte < 0x80) break;
    shift += 7;
  }
  return [pos, pos + length];
}

/** Decodes the record at the reader's position. */
export function decodeContact(r: ByteReader, dict: ContactDictionary, listId: string, stamps: StampTable): Contact {
  const start = r.pos;
  const id = unpackId(r.buf, start + ID_OFFSET);
  const stamp = r.buf.readUInt32LE(start + STAMP_OFFSET);
  r.pos = start + HEADER_BYTES;
  const bits = r.u16();
  const contact = { id, listId } as Contact;
  if (bits & Field.ClientId) contact.clientId = r.str();
  if (bits & Field.FirstName) contact.firstName = readText(r, dict.column('firstName'));
  if (bits & Field.LastName) contact.lastName = readText(r, dict.column('lastName'));
  if (bits & Field.Company) contact.company = readText(r, dict.column('company'));
  if (bits & Field.PostalCode) contact.postalCode = r.str();
  if (bits & Field.State) contact.state = readText(r, dict.text);
  if (bits & Field.Country) contact.country = readText(r, dict.text);
  if (bits & Field.TimeZone) contact.timeZone = readText(r, dict.text);
  if (bits & Field.OriginalRecord) contact.originalRecord = r.str();
  contact.others = {};
  contact.location = {};
  if (bits & Field.Location) {
    const [country, region, timeZone, source] = readTuple(r, dict.location, 4) as (string | undefined)[];
    if (country !== undefined) contact.location.country = country;
    if (region !== undefined) contact.location.region = region;
    if (timeZone !== undefined) contact.location.timeZone = timeZone;
    if (source !== undefined) contact.location.source = source as LocationSource;
  }
  if (bits & Field.Others) {
    const count = r.varint();
    for (let i = 0; i < count; i++) {
      const key = otherKey(r.varint());
      contact.others[key] = readText(r, dict.column(key));
    }
  }
  const deviceCount = r.u8();
  const devices: Device[] = [];
  for (let i = 0; i < deviceCount; i++) devices.push(decodeDevice(r, dict));
  contact.devices = devices;
  contact.createdAt = stamps.createdAt(stamp);
  contact.updatedAt = stamps.updatedAt(stamp);
  return contact;
}

function encodeDevice(w: ByteWriter, d: Device, dict: ContactDictionary): void {
  const packed = isPackable(d.value);
  const nanp =
    packed &&
    d.value.length === 12 &&
    d.value.startsWith('+1') &&
    d.areaCode === d.value.slice(2, 5) &&
    d.exchange === d.value.slice(5, 8);
  // A layout reference is id + 1; 0 means the raw text is the value itself.
  const layout =
    d.raw === undefined ? undefined : d.raw === d.value ? 0 : packed ? layoutRef(dict, d.raw, d.value) : undefined;
  const attributes: TupleValue[] = [
    d.countryCallingCode,
    d.countryIso,
    d.region,
    d.timeZone,
    d.timeZoneSource,
    d.international,
  ];
  const hasAttributes = attributes.some((a) => a !== undefined);
  const flags =
    (packed ? DeviceFlag.PackedValue : 0) |
    (d.raw !== undefined ? DeviceFlag.Raw : 0) |
    (layout !== undefined ? DeviceFlag.RawLayout : 0) |
    (d.extension !== undefined ? DeviceFlag.Extension : 0) |
    (hasAttributes ? DeviceFlag.Attributes : 0) |
    (nanp ? DeviceFlag.NanpParts : 0) |
    (!nanp && d.areaCode !== undefined ? DeviceFlag.AreaCode : 0) |
    (!nanp && d.exchange !== undefined ? DeviceFlag.Exchange : 0);
  w.u8(((d.index - 1) << 4) | (TYPE_CODE.get(d.type) ?? 0));
  w.u8(flags);
  if (packed) writePhone(w, d.value);
  else w.str(d.value);
  if (layout !== undefined) w.varint(layout);
  else if (d.raw !== undefined) w.str(d.raw);
  if (d.extension !== undefined) w.str(d.extension);
  if (hasAttributes) writeTuple(w, dict.deviceAttributes, attributes);
  if (flags & DeviceFlag.AreaCode) writeText(w, dict.text, d.areaCode as string);
  if (flags & DeviceFlag.Exchange) writeText(w, dict.text, d.exchange as string);
}

function decodeDevice(r: ByteReader, dict: ContactDictionary): Device {
  const head = r.u8();
  const flags = r.u8();
  const value = flags & DeviceFlag.PackedValue ? readPhone(r) : r.str();
  const device = { index: (head >>> 4) + 1, type: DEVICE_TYPES[head & 15] as DeviceType, value } as Device;
  if (flags & DeviceFlag.RawLayout) {
    const ref = r.varint();
    device.raw = ref === 0 ? value : fillLayout(dict.rawLayout.get(ref - 1), value);
  } else if (flags & DeviceFlag.Raw) device.raw = r.str();
  if (flags & DeviceFlag.Extension) device.extension = r.str();
  if (flags & DeviceFlag.Attributes) {
    const [callingCode, iso, region, timeZone, source, international] = readTuple(r, dict.deviceAttributes, 6, 5);
    if (callingCode !== undefined) device.countryCallingCode = callingCode as string;
    if (iso !== undefined) device.countryIso = iso as string;
    if (region !== undefined) device.region = region as string;
    if (timeZone !== undefined) device.timeZone = timeZone as string;
    if (source !== undefined) device.timeZoneSource = source as LocationSource;
    if (international !== undefined) device.international = international as boolean;
  }
  if (flags & DeviceFlag.NanpParts) {
    device.areaCode = value.slice(2, 5);
    device.exchange = value.slice(5, 8);
  }
  if (flags & DeviceFlag.AreaCode) device.areaCode = readText(r, dict.text);
  if (flags & DeviceFlag.Exchange) device.exchange = readText(r, dict.text);
  return device;
}

function layoutRef(dict: ContactDictionary, raw: string, value: string): number | undefined {
  const id = rawLayoutId(dict.rawLayout, raw, value);
  return id === undefined ? undefined : id + 1;
}

function writePhone(w: ByteWriter, value: string): void {
  // Binary-coded decimal: a digit a nibble, so the bytes read back as hex.
  const digits = value.length - 1;
  w.ensure(1 + ((digits + 1) >>> 1));
  const buf = w.buf;
  buf[w.pos++] = digits;
  for (let i = 1; i < value.length; i += 2) {
    const high = value.charCodeAt(i) - 48;
    const low = i + 1 < value.length ? value.charCodeAt(i + 1) - 48 : 0;
    buf[w.pos++] = (high << 4) | low;
  }
}

function readPhone(r: ByteReader): string {
  const digits = r.u8();
  const bytes = (digits + 1) >>> 1;
  const hex = r.buf.toString('hex', r.pos, r.pos + bytes);
  r.pos += bytes;
  return digits % 2 === 0 ? `+${hex}` : `+${hex.slice(0, -1)}`;
}

/** True for `+` followed by 1 to 31 digits. */
function isPackable(value: string): boolean {
  if (value.length < 2 || value.length > 32 || value.charCodeAt(0) !== 43) return false;
  for (let i = 1; i < value.length; i++) {
    const code = value.charCodeAt(i);
    if (code < 48 || code > 57) return false;
  }
  return true;
}
