import type {
  AgentAction,
  AmdVerdict,
  AttemptRecordInput,
  CallResult,
  CampaignRecord,
  Contact,
  Device,
  DialMode,
} from '@outpace/core';
import type { NotAnsweredResult } from '../pacing/types.js';

/** Where a call is in its life. */
export type CallStage =
  /** A preview offer the agent has not answered; no call placed. */
  | 'offered'
  /** Placed, not answered yet. */
  | 'dialing'
  /** Answered, waiting for the AMD verdict. */
  | 'answered'
  /** A live answer (or a machine to deliver) waiting for an agent: the grace period runs. */
  | 'waiting'
  /** Being bridged to an agent. */
  | 'bridging'
  | 'bridged'
  /** The abandon message plays. */
  | 'message'
  /** The dialer hung up (a machine or fax to drop, a drain). */
  | 'dropping'
  /** Connected call ended; the agent's disposition is awaited. */
  | 'wrap'
  /** Being written to the history. */
  | 'done';

/** One call (or preview offer) a group driver handles. */
export interface LiveCall {
  callId: string;
  attemptId: string;
  /** The record as claimed: its version is what the finish compares. */
  record: CampaignRecord;
  contact: Contact;
  device: Device;
  mode: DialMode;
  callerId: string | undefined;
  placedAt: number;
  stage: CallStage;
  /** The agent reserved before dialing (preview, personal callback). */
  reservedAgent: string | undefined;
  answeredAt?: number;
  /** When a live person (or a machine to deliver) was known to be there: the grace period starts here or at the answer. */
  liveAt?: number;
  amd?: AmdVerdict;
  live: boolean;
  /** A machine or fax delivered to an agent instead of dropped. */
  machine: boolean;
  agentId?: string;
  connectedAt?: number;
  endedAt?: number;
  result?: CallResult;
  abandoned: boolean;
  waitMs?: number;
  talkMs?: number;
  /** The agent's action on the record, when it came before the call ended. */
  action?: AgentAction;
  note?: string;
  cancelGuard?: (() => void) | undefined;
  cancelWrap?: (() => void) | undefined;
}

/** The pacer's not-answered category of a call result. */
export function notAnsweredOf(result: CallResult): NotAnsweredResult {
  switch (result) {
    case 'NoAnswer':
    case 'DroppedNoAnswer':
    case 'NoRingBack':
      return 'no-answer';
    case 'Busy':
    case 'AllTrunksBusy':
      return 'busy';
    case 'AnsweringMachine':
      return 'machine';
    case 'FaxDetected':
      return 'fax';
    default:
      return result.startsWith('Sit') ? 'sit' : 'error';
  }
}

/** The attempt-history row of a finished call. */
export function attemptOf(
  call: LiveCall,
  ids: { groupId: string; campaignId: string },
  extra: {
    callResult: CallResult;
    endedAt: number;
    disposition?: string | undefined;
    subjectKey?: string;
    offerKey?: string;
    debtKey?: string;
  },
): AttemptRecordInput {
  const r = call.record;
  const attempt: AttemptRecordInput = {
    id: call.attemptId,
    groupId: ids.groupId,
    campaignId: ids.campaignId,
    listId: r.listId,
    recordId: r.id,
    contactId: r.contactId,
    callId: call.callId,
    device: call.device.value,
    deviceIndex: call.device.index,
    mode: call.mode,
    placedAt: call.placedAt,
    endedAt: Math.max(call.placedAt, extra.endedAt),
    callResult: extra.callResult,
    liveAnswer: call.live,
    abandoned: call.abandoned,
  };
  if (r.clientId !== undefined) attempt.clientId = r.clientId;
  if (call.callerId !== undefined) attempt.callerId = call.callerId;
  if (call.answeredAt !== undefined) attempt.answeredAt = call.answeredAt;
  if (call.connectedAt !== undefined) attempt.connectedAt = call.connectedAt;
  if (call.amd !== undefined) attempt.amd = call.amd;
  if (call.waitMs !== undefined) attempt.waitMs = Math.max(0, Math.round(call.waitMs));
  if (call.talkMs !== undefined) attempt.talkMs = Math.max(0, Math.round(call.talkMs));
  if (call.agentId !== undefined) attempt.agentId = call.agentId;
  if (extra.disposition !== undefined) attempt.disposition = extra.disposition;
  if (extra.subjectKey !== undefined) attempt.subjectKey = extra.subjectKey;
  if (extra.offerKey !== undefined) attempt.offerKey = extra.offerKey;
  if (extra.debtKey !== undefined) attempt.debtKey = extra.debtKey;
  if (call.note !== undefined) attempt.note = call.note;
  return attempt;
}
