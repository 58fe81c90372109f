import { createLocationResolver } from '@outpace/compliance';
import type { Contact, Device, LocationResolver } from '@outpace/core';
import type { FC } from 'hono/jsx';
import { addMessages, t } from '../i18n.js';
import type { SubNavItem } from '../layout.js';
import type { ConsoleContext } from '../session.js';

addMessages({
  'lists.nav.lists': 'Contact lists',
  'lists.nav.imports': 'Imports and exports',
  'lists.nav.rules': 'List rules',
  'lists.nav.mappings': 'Data mappings and spec files',
  'lists.nav.labels': 'Labels',
  'lists.nav.automations': 'List automation',
  'lists.nav.search': 'Contact search',
  'tz.explicit': 'time-zone field of the contact',
  'tz.custom-map': "tenant's custom time-zone map",
  'tz.override': "Outpace's override table",
  'tz.phone-exchange': 'area code and exchange {code}',
  'tz.phone-area-code': 'area code {code}',
  'tz.phone-country': 'country of the number',
  'tz.postal-code': 'postal code',
  'tz.contact-fields': 'state and country fields',
  'tz.default': "tenant's default zone (nothing else resolved)",
  'tz.on-error': "tenant's on-error zone (resolution failed)",
  'tz.provenance': '{zone} from {source}',
  'tz.also': '{text} (also {zones})',
  'tz.unknown': 'No time zone',
});

/** The Lists section's sub-navigation. */
export function listsNav(ctx: ConsoleContext): SubNavItem[] {
  return [
    { href: ctx.url('/lists'), label: t('lists.nav.lists') },
    { href: ctx.url('/lists/imports'), label: t('lists.nav.imports') },
    { href: ctx.url('/contacts/search'), label: t('lists.nav.search') },
    { href: ctx.url('/lists/rules'), label: t('lists.nav.rules') },
    { href: ctx.url('/lists/mappings'), label: t('lists.nav.mappings') },
    { href: ctx.url('/lists/labels'), label: t('lists.nav.labels') },
    { href: ctx.url('/lists/automations'), label: t('lists.nav.automations') },
  ];
}

let systemResolver: LocationResolver | undefined;
const PHONE_SOURCES = new Set(['phone-area-code', 'phone-exchange', 'override']);

/**
 * The other zones the numbering data gives a device's number (`907` → also
 * America/Adak): a device stores one zone, but the engine checks every one.
 */
function otherZones(
  device: Pick<
    Device,
    'value' | 'timeZone' | 'timeZoneSource' | 'areaCode' | 'exchange' | 'countryCallingCode' | 'countryIso'
  >,
): string[] {
  if (!PHONE_SOURCES.has(device.timeZoneSource ?? '') || !device.value?.startsWith('+')) return [];
  systemResolver ??= createLocationResolver();
  const where = systemResolver.resolve({
    phone: {
      e164: device.value,
      countryCallingCode: device.countryCallingCode ?? '',
      countryIso: device.countryIso,
      areaCode: device.areaCode,
      exchange: device.exchange,
    },
    useCustomMap: false,
  });
  return where.timeZones.filter((z) => z !== device.timeZone);
}

/**
 * How a device's zone was derived, as a sentence part ("America/Chicago from
 * area code 312"), with the number's other zones when it spans several
 * ("America/Anchorage from area code 907 (also America/Adak)").
 */
export function zoneProvenance(
  device: Pick<Device, 'timeZone' | 'timeZoneSource' | 'areaCode' | 'exchange'> &
    Partial<Pick<Device, 'value' | 'countryCallingCode' | 'countryIso'>>,
): string {
  if (device.timeZone === undefined) return t('tz.unknown');
  const code =
    device.timeZoneSource === 'phone-exchange'
      ? `${device.areaCode ?? ''}-${device.exchange ?? ''}`
      : (device.areaCode ?? '');
  const source = device.timeZoneSource === undefined ? '' : t(`tz.${device.timeZoneSource}`, { code });
  const text = source === '' ? device.timeZone : t('tz.provenance', { zone: device.timeZone, source });
  const others = device.value === undefined ? [] : otherZones(device as Parameters<typeof otherZones>[0]);
  return others.length === 0 ? text : t('tz.also', { text, zones: others.join(', ') });
}

/** A contact's name as one line ("Ana Alvarez"), or its ClientID. */
export function contactName(contact: Pick<Contact, 'firstName' | 'lastName' | 'clientId'>): string {
  const name = [contact.firstName, contact.lastName].filter(Boolean).join(' ');
  return name || contact.clientId || t('common.none');
}

/** A contact's devices as a small list: number, type and zone with provenance. */
export const DeviceList: FC<{ devices: readonly Device[] }> = (props) =>
  props.devices.length === 0 ? (
    <span class="op-muted">{t('common.none')}</span>
  ) : (
    <ul class="op-plain">
      {props.devices.map((d) => (
        <li>
          <span class="op-code">{d.value}</span> <span class="op-muted">({d.type})</span> · {zoneProvenance(d)}
        </li>
      ))}
    </ul>
  );
