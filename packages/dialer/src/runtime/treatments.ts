import type {
  CallResult,
  CampaignRecord,
  CampaignRecordPatch,
  DialingProfile,
  RecordBlock,
  Treatment,
} from '@outpace/core';
import { treatmentKey } from '@outpace/core';

/** What an attempt ended with, as treatments see it. */
export interface AttemptOutcome {
  callResult: CallResult;
  /** When the attempt ended (ms). */
  at: number;
  attemptId: string;
  disposition?: string | undefined;
  agentId?: string | undefined;
  /** The agent asked for a callback. */
  callback?: { type: 'personal' | 'campaign'; at: number; note?: string | undefined } | undefined;
  /** The consumer asked not to be called (the record is finished as DoNotCall). */
  doNotCall?: boolean | undefined;
}

/** The profile fields treatments read. */
export type TreatmentProfile = Pick<DialingProfile, 'treatments' | 'maxAttempts'>;

/** The treatment for a disposition or, failing that, a call result. */
export function findTreatment(
  treatments: readonly Treatment[],
  callResult: CallResult,
  disposition: string | undefined,
): Treatment | undefined {
  if (disposition !== undefined) {
    const byDisposition = treatments.find((t) => t.disposition === disposition);
    if (byDisposition !== undefined) return byDisposition;
  }
  return treatments.find((t) => t.disposition === undefined && t.callResult === callResult);
}

/** Moves the record to its next device after `delayMs`, or finishes it when the chain is exhausted. */
function nextInChain(record: CampaignRecord, at: number, delayMs: number): CampaignRecordPatch {
  const position = record.chainPosition + 1;
  const deviceIndex = record.chain[position];
  if (deviceIndex === undefined) return { status: 'Updated', treatment: null };
  return {
    status: 'Ready',
    chainPosition: position,
    deviceIndex,
    // An immediate move dials the next device as a general record; a delayed one is a reschedule.
    type: delayMs > 0 ? 'CampaignRescheduled' : 'General',
    dueAt: at + delayMs,
    treatment: null,
  };
}

/**
 * The record patch after an attempt: the agent's callback or do-not-call
 * request first, then the treatment for the disposition or call result
 * (the product's retry options), then the record's maximum attempts. A result
 * without a treatment finishes the record (status Updated), as in the product.
 */
export function planAfterAttempt(
  record: CampaignRecord,
  profile: TreatmentProfile,
  outcome: AttemptOutcome,
): CampaignRecordPatch {
  const attempts = record.attempts + 1;
  const common: CampaignRecordPatch = {
    callResult: outcome.callResult,
    attempts,
    lastAttemptAt: outcome.at,
    lastAttemptId: outcome.attemptId,
    disposition: outcome.disposition ?? null,
    blocked: null,
    callback: null,
    ...(outcome.agentId === undefined ? {} : { agentId: outcome.agentId }),
  };
  if (outcome.doNotCall) {
    return { ...common, callResult: 'DoNotCall', status: 'Updated', type: 'NoCall', treatment: null };
  }
  if (outcome.callback !== undefined) {
    const personal = outcome.callback.type === 'personal';
    return {
      ...common,
      status: 'Ready',
      type: personal ? 'PersonalCallBack' : 'CampaignCallBack',
      dueAt: outcome.callback.at,
      treatment: null,
      callback: {
        type: outcome.callback.type,
        at: outcome.callback.at,
        ...(personal && outcome.agentId !== undefined ? { agentId: outcome.agentId } : {}),
        ...(outcome.callback.note === undefined ? {} : { note: outcome.callback.note }),
      },
      ...(personal ? {} : { agentId: null }),
    };
  }
  const done: CampaignRecordPatch = { ...common, status: 'Updated', treatment: null };
  const treatment = findTreatment(profile.treatments, outcome.callResult, outcome.disposition);
  if (treatment === undefined) return done;
  const key = treatmentKey(treatment);
  const count = record.treatment?.key === key ? record.treatment.count + 1 : 1;
  const retriesLeft = attempts < profile.maxAttempts;
  switch (treatment.action) {
    case 'markDone':
      return done;
    case 'nextInChain':
      return { ...common, ...nextInChain(record, outcome.at, 0) };
    case 'nextInChainAfter':
      return { ...common, ...nextInChain(record, outcome.at, treatment.intervalMs) };
    case 'retryAtDate':
      if (count > 1 || treatment.at <= outcome.at || !retriesLeft) return done;
      return {
        ...common,
        status: 'Ready',
        type: 'CampaignRescheduled',
        dueAt: treatment.at,
        treatment: { key, count },
      };
    case 'retryIn': {
      if (count <= treatment.maxRetries && retriesLeft) {
        const wait = treatment.intervalMs + (count - 1) * treatment.incrementMs;
        return {
          ...common,
          status: 'Ready',
          type: 'CampaignRescheduled',
          dueAt: outcome.at + wait,
          treatment: { key, count },
        };
      }
      if (treatment.next === 'markDone') return done;
      return {
        ...common,
        ...nextInChain(record, outcome.at, treatment.next === 'nextInChain' ? 0 : treatment.nextAfterMs),
      };
    }
  }
}

/** How a compliance block moves a record (no attempt is counted). */
export type BlockPlan =
  | { kind: 'reschedule'; at: number }
  /** The device can never be dialed (suppressed, location excluded): the next device, or finished. */
  | { kind: 'next-device' };

/** Reasons that concern the device or contact for good, so the chain moves on. */
const PERMANENT = new Set(['SUPPRESSED', 'LOCATION_EXCLUDED', 'LOCATION_UNRESOLVED']);

/**
 * What a blocked pre-dial check does to the record: wait for `nextAllowedAt`
 * when the engine gives one; move along the chain when the device can never
 * be dialed; otherwise (an abandon-rate or registry-copy block, or no instant
 * within the horizon) try again after `retryMs`.
 */
export function planAfterBlock(
  reasons: readonly string[],
  nextAllowedAt: number | undefined,
  at: number,
  retryMs: number,
): BlockPlan {
  if (nextAllowedAt !== undefined) return { kind: 'reschedule', at: nextAllowedAt };
  if (reasons.length > 0 && reasons.every((r) => PERMANENT.has(r))) return { kind: 'next-device' };
  return { kind: 'reschedule', at: at + retryMs };
}

/** The record patch for a block plan. */
export function patchForBlock(record: CampaignRecord, plan: BlockPlan, block: RecordBlock): CampaignRecordPatch {
  if (plan.kind === 'reschedule') return { status: 'Ready', dueAt: plan.at, blocked: block };
  return { ...nextInChain(record, block.at, 0), blocked: block };
}
