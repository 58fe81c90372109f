import type { Contact, Device } from '@outpace/core';
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

/** How a device's zone was derived, as a sentence part ("America/Chicago from area code 312"). */
export function zoneProvenance(device: Pick<Device, 'timeZone' | 'timeZoneSource' | 'areaCode' | 'exchange'>): string {
  if (device.timeZone === undefined) return t('tz.unknown');
  const code =
    device.timeZoneSource === 'phone-exchange'
      ? `${device.areaCode ?? ''}-${device.exchange ?? ''}`
      : (device.areaCode ?? '');
  const source = device.timeZoneSource === undefined ? '' : t(`tz.${device.timeZoneSource}`, { code });
  return source === '' ? device.timeZone : t('tz.provenance', { zone: device.timeZone, source });
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
