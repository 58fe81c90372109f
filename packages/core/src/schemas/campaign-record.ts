import { z } from 'zod';
import { IdSchema, InstantSchema } from './common.js';
import { MAX_DEVICES } from './device.js';
import { CallResultSchema, DialModeSchema, RecordStatusSchema, RecordTypeSchema } from './outbound.js';

/**
 * The calling list of a campaign group (one record per contact chain, after
 * the OCS calling-list row) and the attempt history.
 */

const DeviceIndexSchema = z.number().int().min(1).max(MAX_DEVICES);

/** A callback an agent (or the dialer) scheduled on a record. */
export const CallbackSchema = z.object({
  /** `personal`: only `agentId` takes it; `campaign`: any agent of the group. */
  type: z.enum(['personal', 'campaign']),
  at: InstantSchema,
  agentId: z.string().min(1).max(128).optional(),
  note: z.string().max(1024).optional(),
});
export type Callback = z.infer<typeof CallbackSchema>;

/** The attempt a record has in flight: written before the call is placed, cleared when its outcome is. */
export const ActiveAttemptSchema = z.object({
  attemptId: IdSchema,
  callId: z.string().min(1).max(128),
  /** The runtime that placed the call. */
  owner: z.string().min(1).max(128),
  device: z.string().min(1).max(128),
  deviceIndex: DeviceIndexSchema,
  mode: DialModeSchema,
  placedAt: InstantSchema,
  /** The agent reserved for the call (preview, personal callback). */
  agentId: z.string().min(1).max(128).optional(),
  /** The record is offered to `agentId` for preview and no call is placed yet (`placedAt` is the offer time). */
  offered: z.boolean().optional(),
});
export type ActiveAttempt = z.infer<typeof ActiveAttemptSchema>;

/** The last compliance block of a record. */
export const RecordBlockSchema = z.object({
  at: InstantSchema,
  /** Reason codes of the decision (`CONTACT_TIME`, `SUPPRESSED`, …). */
  reasons: z.array(z.string().min(1).max(64)).min(1),
  /** Rules that blocked, in priority order. */
  rules: z.array(z.string().max(200)).default([]),
  nextAllowedAt: InstantSchema.optional(),
});
export type RecordBlock = z.infer<typeof RecordBlockSchema>;

/** The consecutive-result counter treatments use (OCS cycle attempt). */
export const TreatmentCountSchema = z.object({ key: z.string().min(1).max(80), count: z.number().int().min(1) });

/** A record as the runtime creates it when a group loads. */
export const NewCampaignRecordSchema = z.object({
  listId: IdSchema,
  contactId: IdSchema,
  clientId: z.string().max(64).optional(),
  /** Device indexes in dial order (device escalation), without devices that can never be dialed. */
  chain: z.array(DeviceIndexSchema).min(1).max(MAX_DEVICES),
  /** Position in the list's selection order (0 first). */
  rank: z.number().int().nonnegative(),
  /** When the record may first be dialed. */
  dueAt: InstantSchema,
});
export type NewCampaignRecord = z.infer<typeof NewCampaignRecordSchema>;

/** One calling-list record: a contact chain in a campaign group. */
export const CampaignRecordSchema = NewCampaignRecordSchema.extend({
  id: IdSchema,
  groupId: IdSchema,
  /** Position in `chain` of the device dialed next. */
  chainPosition: z.number().int().nonnegative(),
  /** The device dialed next (`chain[chainPosition]`, the product's `cd_device_index`). */
  deviceIndex: DeviceIndexSchema,
  type: RecordTypeSchema,
  /** Ready (to dial at `dueAt`), Retrieved (a call in flight), Updated (finished), Stale, Cancelled, MissedCallBack. */
  status: RecordStatusSchema,
  /** The last attempt's result (`Unknown` before the first). */
  callResult: CallResultSchema,
  /** Attempts placed on this record (every device). */
  attempts: z.number().int().nonnegative(),
  treatment: TreatmentCountSchema.optional(),
  lastAttemptAt: InstantSchema.optional(),
  lastAttemptId: IdSchema.optional(),
  /** The last agent who handled the record, or the owner of a personal callback. */
  agentId: z.string().min(1).max(128).optional(),
  callback: CallbackSchema.optional(),
  disposition: z.string().max(64).optional(),
  blocked: RecordBlockSchema.optional(),
  active: ActiveAttemptSchema.optional(),
  /** The load that last saw the contact in the list and selection. */
  generation: z.number().int().positive(),
  /** Grows with every change; claims and updates compare it. */
  version: z.number().int().positive(),
  createdAt: InstantSchema,
  updatedAt: InstantSchema,
});
export type CampaignRecord = z.infer<typeof CampaignRecordSchema>;

/**
 * Fields the runtime changes on a record. `null` clears an optional field.
 */
export const CampaignRecordPatchSchema = z.object({
  chainPosition: z.number().int().nonnegative().optional(),
  deviceIndex: DeviceIndexSchema.optional(),
  type: RecordTypeSchema.optional(),
  status: RecordStatusSchema.optional(),
  callResult: CallResultSchema.optional(),
  attempts: z.number().int().nonnegative().optional(),
  dueAt: InstantSchema.optional(),
  treatment: TreatmentCountSchema.nullable().optional(),
  lastAttemptAt: InstantSchema.optional(),
  lastAttemptId: IdSchema.optional(),
  agentId: z.string().min(1).max(128).nullable().optional(),
  callback: CallbackSchema.nullable().optional(),
  disposition: z.string().max(64).nullable().optional(),
  blocked: RecordBlockSchema.nullable().optional(),
  active: ActiveAttemptSchema.nullable().optional(),
});
export type CampaignRecordPatch = z.input<typeof CampaignRecordPatchSchema>;

/** Lane of a record in dial order: callbacks, then rescheduled, then general records. */
export function recordLane(type: CampaignRecord['type']): 0 | 1 | 2 {
  if (type === 'PersonalCallBack' || type === 'CampaignCallBack') return 0;
  if (type === 'PersonalRescheduled' || type === 'CampaignRescheduled') return 1;
  return 2;
}

/** Answering-machine verdicts an attempt may carry. */
export const AttemptAmdSchema = z.enum(['human', 'machine', 'fax', 'notSure']);

/** One placed call and its outcome, written once to the attempt history. */
export const AttemptRecordSchema = z.object({
  id: IdSchema,
  groupId: IdSchema,
  /** The campaign template. */
  campaignId: IdSchema,
  listId: IdSchema,
  recordId: IdSchema,
  contactId: IdSchema,
  clientId: z.string().max(64).optional(),
  callId: z.string().min(1).max(128),
  /** E.164 of the dialed device. */
  device: z.string().min(1).max(128),
  deviceIndex: DeviceIndexSchema,
  mode: DialModeSchema,
  callerId: z.string().max(32).optional(),
  placedAt: InstantSchema,
  answeredAt: InstantSchema.optional(),
  /** When the call was bridged to an agent. */
  connectedAt: InstantSchema.optional(),
  /** When the call ended (or was found lost). */
  endedAt: InstantSchema,
  callResult: CallResultSchema,
  amd: AttemptAmdSchema.optional(),
  /** A live person answered (the abandonment denominator). */
  liveAnswer: z.boolean(),
  /** A live answer got no agent within the grace period (or hung up waiting). */
  abandoned: z.boolean(),
  /** Time a live answer waited for an agent (ms). */
  waitMs: z.number().int().nonnegative().optional(),
  /** Time connected to the agent (ms). */
  talkMs: z.number().int().nonnegative().optional(),
  agentId: z.string().min(1).max(128).optional(),
  disposition: z.string().max(64).optional(),
  subjectKey: z.string().max(128).optional(),
  offerKey: z.string().max(128).optional(),
  debtKey: z.string().max(128).optional(),
  /** Why the attempt ended as it did when that is not obvious (crash recovery, lost call). */
  note: z.string().max(1024).optional(),
});
export type AttemptRecord = z.infer<typeof AttemptRecordSchema>;
export type AttemptRecordInput = z.input<typeof AttemptRecordSchema>;

/** Attempt counters of one list over one time bucket. */
export interface AttemptBucket {
  listId: string;
  /** Start of the bucket (ms since the epoch, a multiple of the bucket width). */
  start: number;
  attempts: number;
  liveAnswers: number;
  abandoned: number;
  /** Live answers bridged to an agent. */
  connected: number;
  /** Answered by a machine or a fax (AMD verdict or result). */
  machines: number;
  /** Sum of waits of live answers (ms). */
  waitMs: number;
  /** Sum of talk times (ms). */
  talkMs: number;
}
