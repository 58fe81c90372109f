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
  const { group, profile } = config;
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
        const candidates = chainOf(contact, profile.deviceOrder);
        if (candidates.length === 0) {
          report.excluded.noDialableDevice++;
          continue;
        }
        const clientSuppressed =
          contact.clientId !== undefined &&
          suppression
            .lookup({
              clientId: contact.clientId,
              channel: 'voice',
              at: now,
              listIds: config.suppressionListIds,
              includeRequired: true,
            })
            .some((m) => m.type === 'clientId');
        if (clientSuppressed) {
          report.excluded.suppressed++;
          continue;
        }
        const chain: number[] = [];
        let suppressed = 0;
        let excluded = 0;
        let unresolved = 0;
        for (const index of candidates) {
          const device = contact.devices.find((d) => d.index === index)!;
          const hits = suppression.lookup({
            device: device.value,
            channel: 'voice',
            at: now,
            listIds: config.suppressionListIds,
            includeRequired: true,
          });
          if (hits.some((m) => m.type === 'device')) {
            suppressed++;
            continue;
          }
          const decision = compliance.check({
            contact,
            device,
            at: now,
            mode: profile.mode,
            campaign: config.campaign,
          });
          const codes = decision.reasons.map((r) => r.code);
          if (codes.includes('LOCATION_EXCLUDED')) {
            excluded++;
            continue;
          }
          if (codes.includes('LOCATION_UNRESOLVED')) {
            unresolved++;
            continue;
          }
          chain.push(index);
        }
        if (chain.length === 0) {
          if (suppressed > 0) report.excluded.suppressed++;
          else if (excluded > 0) report.excluded.locationExcluded++;
          else report.excluded.locationUnresolved++;
          continue;
        }
        report.devicesExcluded.suppressed += suppressed;
        report.devicesExcluded.location += excluded + unresolved;
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
