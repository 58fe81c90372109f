import type { HistoryEntry } from '@outpace/compliance';
import type { AttemptRecord, TenantStores } from '@outpace/core';

/**
 * The compliance engine's history entries for stored attempts. An attempt
 * whose outcome is unknown (closed as `Stale` after a crash) carries no call
 * result, so it counts towards every attempt limit.
 */
export function historyEntriesOf(attempts: readonly AttemptRecord[]): HistoryEntry[] {
  return attempts.map((a) => ({
    at: a.placedAt,
    endedAt: a.endedAt,
    device: a.device,
    ...(a.clientId === undefined ? {} : { clientId: a.clientId }),
    ...(a.callResult === 'Stale' ? {} : { callResult: a.callResult }),
    ...(a.disposition === undefined ? {} : { disposition: a.disposition }),
    mode: a.mode,
    campaignId: a.campaignId,
    ...(a.subjectKey === undefined ? {} : { subjectKey: a.subjectKey }),
    ...(a.offerKey === undefined ? {} : { offerKey: a.offerKey }),
    ...(a.debtKey === undefined ? {} : { debtKey: a.debtKey }),
  }));
}

/**
 * The stored attempt history the runtime gives the compliance engine before
 * dialing a record's device: attempts of the same contact, the same ClientID
 * (any list, any group) or the same device within `windowMs`.
 */
export async function storedHistory(
  stores: Pick<TenantStores, 'attempts'>,
  record: { clientId?: string | undefined; contactId: string },
  device: string,
  now: number,
  windowMs: number,
): Promise<HistoryEntry[]> {
  const stored = await stores.attempts.history({
    ...(record.clientId === undefined ? {} : { clientId: record.clientId }),
    contactId: record.contactId,
    devices: [device],
    since: now - windowMs,
  });
  return historyEntriesOf(stored);
}
