import type { ComplianceEngine, SuppressionListLookup } from '@outpace/compliance';
import { snapshotSuppressionStore } from '@outpace/compliance';
import type { Contact, ListLoadReport, LoadReport, NewCampaignRecord, TenantStores } from '@outpace/core';
import type { GroupConfig } from './group-config.js';

const PAGE = 1000;

/** Devices of a contact in the profile's device order that a voice campaign can dial. */
export function chainOf(contact: Pick<Contact, 'devices'>, deviceOrder: readonly number[]): number[] {
  const chain: number[] = [];
  for (const index of deviceOrder) {
    const device = contact.devices.find((d) => d.index === index);
    if (device !== undefined && device.type !== 'email' && device.value.startsWith('+')) chain.push(index);
  }
  return chain;
}

/** What the load decided for one device of a contact. */
export interface DeviceLoadVerdict {
  index: number;
  value: string;
  /** `chain`: dialed in chain order; otherwise why the device was left out. */
  outcome: 'chain' | 'suppressed' | 'location-excluded' | 'location-unresolved';
  /** Suppression lists that hold the device (outcome `suppressed`). */
  suppressedBy?: string[];
  /** The compliance reasons of a location exclusion. */
  reasons?: { code: string; rule: string; message: string }[];
}

/** What the load decided for one contact: a record with its chain, or the reason it got none. */
export interface ContactLoadVerdict {
  /** Device indexes in dial order (empty when excluded). */
  chain: number[];
  /** Why the contact got no record (the load report's exclusion counter), absent when it got one. */
  excluded?: 'noDialableDevice' | 'suppressed' | 'locationExcluded' | 'locationUnresolved';
  /** Suppression lists that hold the contact's ClientID (then every device is left out). */
  clientSuppressedBy?: string[];
  devices: DeviceLoadVerdict[];
}

/**
 * Decides how one contact enters a group's calling list, exactly as a load
 * does: the devices the profile's order dials, minus those suppressed (by a
 * required or the campaign's lists) or located where a location rule forbids
 * calling. The explainer of the reference server calls it to say why a
 * contact has no record.
 */
export function classifyContact(input: {
  contact: Contact;
  suppression: SuppressionListLookup;
  compliance: Pick<ComplianceEngine, 'check'>;
  config: GroupConfig;
  now: number;
}): ContactLoadVerdict {
  const { contact, suppression, compliance, config, now } = input;
  const { profile } = config;
  const candidates = chainOf(contact, profile.deviceOrder);
  if (candidates.length === 0) return { chain: [], excluded: 'noDialableDevice', devices: [] };
  if (contact.clientId !== undefined) {
    const hits = suppression
      .lookup({
        clientId: contact.clientId,
        channel: 'voice',
        at: now,
        listIds: config.suppressionListIds,
        includeRequired: true,
      })
      .filter((m) => m.type === 'clientId');
    if (hits.length > 0) {
      return { chain: [], excluded: 'suppressed', clientSuppressedBy: hits.map((m) => m.listId), devices: [] };
    }
  }
  const chain: number[] = [];
  const devices: DeviceLoadVerdict[] = [];
  let suppressed = 0;
  let excluded = 0;
  for (const index of candidates) {
    const device = contact.devices.find((d) => d.index === index)!;
    const hits = suppression
      .lookup({
        device: device.value,
        channel: 'voice',
        at: now,
        listIds: config.suppressionListIds,
        includeRequired: true,
      })
      .filter((m) => m.type === 'device');
    if (hits.length > 0) {
      suppressed++;
      devices.push({ index, value: device.value, outcome: 'suppressed', suppressedBy: hits.map((m) => m.listId) });
      continue;
    }
    const decision = compliance.check({ contact, device, at: now, mode: profile.mode, campaign: config.campaign });
    const codes = decision.reasons.map((r) => r.code);
    const reasons = decision.reasons
      .filter((r) => r.code === 'LOCATION_EXCLUDED' || r.code === 'LOCATION_UNRESOLVED')
      .map((r) => ({ code: r.code, rule: r.rule, message: r.message }));
    if (codes.includes('LOCATION_EXCLUDED')) {
      excluded++;
      devices.push({ index, value: device.value, outcome: 'location-excluded', reasons });
      continue;
    }
    if (codes.includes('LOCATION_UNRESOLVED')) {
      devices.push({ index, value: device.value, outcome: 'location-unresolved', reasons });
      continue;
    }
    chain.push(index);
    devices.push({ index, value: device.value, outcome: 'chain' });
  }
  if (chain.length > 0) return { chain, devices };
  return {
    chain,
    excluded: suppressed > 0 ? 'suppressed' : excluded > 0 ? 'locationExcluded' : 'locationUnresolved',
    devices,
  };
}

/**
 * Materialises a group's calling list: every contact of every list that the
 * selection selects, in selection order, with its chain of dialable devices.
 * Devices suppressed by a required or campaign list, or located where a
 * location rule forbids calling, are left out of the chain; a contact with
 * no device left is counted by reason and gets no record. Existing records
 * keep their state; records whose contact left are retired.
 */
export async function loadRecords(input: {
  stores: TenantStores;
  compliance: Pick<ComplianceEngine, 'check'>;
  config: GroupConfig;
  generation: number;
  now: number;
}): Promise<LoadReport> {
  const { stores, compliance, config, generation, now } = input;
  const { group } = config;
  const suppression: SuppressionListLookup = await snapshotSuppressionStore(stores.suppression, {
    listIds: config.suppressionListIds,
    version: `load@${now}`,
  });
  const reports: ListLoadReport[] = [];
  for (const ref of group.lists) {
    const report: ListLoadReport = {
      listId: ref.listId,
      contacts: 0,
      created: 0,
      kept: 0,
      excluded: { notSelected: 0, suppressed: 0, locationExcluded: 0, locationUnresolved: 0, noDialableDevice: 0 },
      devicesExcluded: { suppressed: 0, location: 0 },
    };
    let rank = 0;
    let batch: NewCampaignRecord[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      const { created, kept } = await stores.records.sync(group.id, generation, batch);
      report.created += created;
      report.kept += kept;
      batch = [];
    };
    let after: string | undefined;
    do {
      const page = await stores.contacts.list(ref.listId, {
        limit: PAGE,
        ...(config.selection === undefined ? {} : { selection: config.selection }),
        ...(after === undefined ? {} : { after }),
      });
      for (const contact of page.items) {
        report.contacts++;
        const verdict = classifyContact({ contact, suppression, compliance, config, now });
        if (verdict.excluded !== undefined) {
          report.excluded[verdict.excluded]++;
          continue;
        }
        const chain = verdict.chain;
        const suppressed = verdict.devices.filter((d) => d.outcome === 'suppressed').length;
        const excluded = verdict.devices.filter((d) => d.outcome !== 'chain' && d.outcome !== 'suppressed').length;
        report.devicesExcluded.suppressed += suppressed;
        report.devicesExcluded.location += excluded;
        batch.push({
          listId: ref.listId,
          contactId: contact.id,
          ...(contact.clientId === undefined ? {} : { clientId: contact.clientId }),
          chain,
          rank: rank++,
          dueAt: now,
        });
        if (batch.length >= PAGE) await flush();
      }
      after = page.nextCursor ?? undefined;
    } while (after !== undefined);
    await flush();
    if (config.selection !== undefined && config.selection.conditionSets.length > 0) {
      report.excluded.notSelected = Math.max(0, (await stores.contacts.count(ref.listId)) - report.contacts);
    }
    reports.push(report);
  }
  const retired = await stores.records.retire(group.id, generation);
  return { at: now, generation, lists: reports, retired };
}
