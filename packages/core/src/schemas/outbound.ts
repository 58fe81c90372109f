import { z } from 'zod';

/**
 * Outbound enumerations the dialer uses, with the meanings and numeric codes
 * of the Outbound Contact Server lists (`record_type`, `record_status`,
 * `call_result`), so records and reports stay comparable with that product.
 */

function codeTable<const T extends readonly (readonly [string, number])[]>(entries: T) {
  const byName = Object.freeze(Object.fromEntries(entries)) as { readonly [K in T[number] as K[0]]: K[1] };
  const byCode = new Map<number, T[number][0]>(entries.map(([name, code]) => [code, name]));
  return { byName, byCode, names: entries.map(([name]) => name) as unknown as [T[number][0], ...T[number][0][]] };
}

const recordTypes = codeTable([
  ['NoRecordType', 0],
  ['Unknown', 1],
  ['General', 2],
  ['CampaignRescheduled', 3],
  ['PersonalRescheduled', 4],
  ['PersonalCallBack', 5],
  ['CampaignCallBack', 6],
  ['NoCall', 7],
] as const);

/** Record types (`record_type`): general records, reschedules, callbacks, and records never to call. */
export const RecordTypeSchema = z.enum(recordTypes.names);
export type RecordType = z.infer<typeof RecordTypeSchema>;
/** OCS numeric code of each record type. */
export const recordTypeCode = recordTypes.byName;

const recordStatuses = codeTable([
  ['NoRecordStatus', 0],
  ['Ready', 1],
  ['Retrieved', 2],
  ['Updated', 3],
  ['Stale', 4],
  ['Cancelled', 5],
  ['AgentError', 6],
  ['ChainUpdated', 7],
  ['MissedCallBack', 8],
  ['ChainReady', 9],
] as const);

/** Record statuses (`record_status`): Ready to dial, Retrieved (in progress), Updated (done), and so on. */
export const RecordStatusSchema = z.enum(recordStatuses.names);
export type RecordStatus = z.infer<typeof RecordStatusSchema>;
/** OCS numeric code of each record status. */
export const recordStatusCode = recordStatuses.byName;

const callResults = codeTable([
  ['Ok', 0],
  ['Transferred', 1],
  ['Conferenced', 2],
  ['GeneralError', 3],
  ['SystemError', 4],
  ['RemoteRelease', 5],
  ['Busy', 6],
  ['NoAnswer', 7],
  ['SitDetected', 8],
  ['AnsweringMachine', 9],
  ['AllTrunksBusy', 10],
  ['SitInvalidNum', 11],
  ['SitVacant', 12],
  ['SitOperIntercept', 13],
  ['SitUnknown', 14],
  ['SitNoCircuit', 15],
  ['SitReorder', 16],
  ['FaxDetected', 17],
  ['QueueFull', 18],
  ['Cleared', 19],
  ['Overflowed', 20],
  ['Abandoned', 21],
  ['Redirected', 22],
  ['Forwarded', 23],
  ['Consult', 24],
  ['Pickedup', 25],
  ['Dropped', 26],
  ['DroppedNoAnswer', 27],
  ['Unknown', 28],
  ['Covered', 29],
  ['ConverseOn', 30],
  ['Bridged', 31],
  ['Silence', 32],
  ['Answer', 33],
  ['NuTone', 34],
  ['NoDialTone', 35],
  ['NoProgress', 36],
  ['NoRingBack', 37],
  ['NoEstablished', 38],
  ['PagerDetected', 39],
  ['WrongParty', 40],
  ['DialError', 41],
  ['CallDropError', 42],
  ['SwitchError', 43],
  ['NoFreePortError', 44],
  ['TransferError', 45],
  ['Stale', 46],
  ['AgentCallBackError', 47],
  ['GroupCallBackError', 48],
  ['Deafened', 49],
  ['Held', 50],
  ['DoNotCall', 51],
  ['CancelRecord', 52],
  ['WrongNumber', 53],
] as const);

/**
 * Call results (`call_result`). `Unknown` (28) is the value of a record never
 * dialed; `Answer` (33) is a live answer; `Abandoned` (21) is an answered call
 * no agent took in time; `AnsweringMachine` (9) and `FaxDetected` (17) come from
 * call-progress detection; the `Sit*` values are special information tones.
 */
export const CallResultSchema = z.enum(callResults.names);
export type CallResult = z.infer<typeof CallResultSchema>;
/** OCS numeric code of each call result. */
export const callResultCode = callResults.byName;

/** The call result named by an OCS numeric code, or undefined. */
export function callResultFromCode(code: number): CallResult | undefined {
  return callResults.byCode.get(code);
}

/**
 * The call results the product's attempt rules count by default: every
 * outcome where the consumer's phone was reached or rang.
 */
export const DEFAULT_COUNTED_CALL_RESULTS: readonly CallResult[] = Object.freeze([
  'Busy',
  'NoAnswer',
  'AnsweringMachine',
  'FaxDetected',
  'Overflowed',
  'Abandoned',
  'Dropped',
  'DroppedNoAnswer',
  'Silence',
  'Answer',
  'WrongParty',
  'WrongNumber',
]);

/** Dialing modes offered to campaign groups. */
export const DialModeSchema = z.enum(['preview', 'progressive', 'power', 'predictive']);
export type DialMode = z.infer<typeof DialModeSchema>;

/** What predictive pacing optimises for (the product's optimisation methods). */
export const OptimizationMethodSchema = z.enum(['abandonRate', 'busyFactor', 'waitTime', 'distributionTime']);
export type OptimizationMethod = z.infer<typeof OptimizationMethodSchema>;
