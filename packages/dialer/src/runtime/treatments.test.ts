import type { CampaignRecord, TreatmentInput } from '@outpace/core';
import { TreatmentListSchema } from '@outpace/core';
import { describe, expect, it } from 'vitest';
import { findTreatment, patchForBlock, planAfterAttempt, planAfterBlock } from './treatments.js';

const T0 = Date.parse('2026-03-02T15:00:00Z');

function record(extra: Partial<CampaignRecord> = {}): CampaignRecord {
  return {
    id: 'rec_1',
    groupId: 'cmp_1',
    listId: 'lst_1',
    contactId: 'con_1',
    chain: [1, 3, 4],
    chainPosition: 0,
    deviceIndex: 1,
    rank: 0,
    dueAt: T0,
    type: 'General',
    status: 'Retrieved',
    callResult: 'Unknown',
    attempts: 0,
    generation: 1,
    version: 2,
    createdAt: T0,
    updatedAt: T0,
    ...extra,
  };
}

const profile = (treatments: TreatmentInput[], maxAttempts = 10) => ({
  treatments: TreatmentListSchema.parse(treatments),
  maxAttempts,
});

/** Applies a patch the way the stores do (null clears). */
function apply(r: CampaignRecord, patch: ReturnType<typeof planAfterAttempt>): CampaignRecord {
  const next = { ...r } as Record<string, unknown>;
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete next[k];
    else if (v !== undefined) next[k] = v;
  }
  return next as CampaignRecord;
}

const outcome = (callResult: CampaignRecord['callResult'], at: number, extra = {}) => ({
  callResult,
  at,
  attemptId: `att_${at}`,
  ...extra,
});

describe('planAfterAttempt', () => {
  it('finishes the record when the result has no treatment, as the product does', () => {
    const patch = planAfterAttempt(record(), profile([]), outcome('Busy', T0));
    expect(patch).toMatchObject({
      status: 'Updated',
      callResult: 'Busy',
      attempts: 1,
      lastAttemptAt: T0,
      lastAttemptId: `att_${T0}`,
    });
  });

  it('retries the same device with a growing interval, then moves along the chain', () => {
    const p = profile([
      {
        callResult: 'Busy',
        action: 'retryIn',
        maxRetries: 3,
        intervalMs: 300_000,
        incrementMs: 60_000,
        next: 'nextInChain',
      },
    ]);
    let r = record();
    const dueTimes: number[] = [];
    let at = T0;
    for (let i = 0; i < 3; i++) {
      const patch = planAfterAttempt(r, p, outcome('Busy', at));
      expect(patch).toMatchObject({
        status: 'Ready',
        type: 'CampaignRescheduled',
        treatment: { key: 'result:Busy', count: i + 1 },
      });
      r = apply(r, patch);
      dueTimes.push(r.dueAt - at);
      at = r.dueAt;
    }
    expect(dueTimes).toEqual([300_000, 360_000, 420_000]);
    const fourth = planAfterAttempt(r, p, outcome('Busy', at));
    expect(fourth).toMatchObject({
      status: 'Ready',
      chainPosition: 1,
      deviceIndex: 3,
      type: 'General',
      dueAt: at,
      treatment: null,
    });
  });

  it('restarts the count when another result comes in between', () => {
    const p = profile([{ callResult: 'Busy', action: 'retryIn', maxRetries: 2, intervalMs: 1000 }]);
    const r = record({ treatment: { key: 'result:NoAnswer', count: 5 } });
    expect(planAfterAttempt(r, p, outcome('Busy', T0))).toMatchObject({ treatment: { key: 'result:Busy', count: 1 } });
    const exhausted = record({ treatment: { key: 'result:Busy', count: 2 } });
    expect(planAfterAttempt(exhausted, p, outcome('Busy', T0))).toMatchObject({ status: 'Updated' });
  });

  it('waits before the next device with nextInChainAfter, and finishes at the end of the chain', () => {
    const p = profile([{ callResult: 'AnsweringMachine', action: 'nextInChainAfter', intervalMs: 1_800_000 }]);
    expect(planAfterAttempt(record(), p, outcome('AnsweringMachine', T0))).toMatchObject({
      status: 'Ready',
      chainPosition: 1,
      deviceIndex: 3,
      type: 'CampaignRescheduled',
      dueAt: T0 + 1_800_000,
    });
    const last = record({ chainPosition: 2, deviceIndex: 4 });
    expect(planAfterAttempt(last, p, outcome('AnsweringMachine', T0))).toMatchObject({ status: 'Updated' });
  });

  it('retries at a date once, and only if the date is still ahead', () => {
    const at = T0 + 86_400_000;
    const p = profile([{ callResult: 'NoAnswer', action: 'retryAtDate', at }]);
    const first = planAfterAttempt(record(), p, outcome('NoAnswer', T0));
    expect(first).toMatchObject({ status: 'Ready', dueAt: at, type: 'CampaignRescheduled' });
    expect(planAfterAttempt(apply(record(), first), p, outcome('NoAnswer', at + 10))).toMatchObject({
      status: 'Updated',
    });
    expect(planAfterAttempt(record(), p, outcome('NoAnswer', at + 1))).toMatchObject({ status: 'Updated' });
  });

  it('prefers a treatment for the disposition over the call result', () => {
    const p = profile([
      { callResult: 'Answer', action: 'markDone' },
      { disposition: 'call-later', action: 'retryIn', maxRetries: 1, intervalMs: 7_200_000 },
    ]);
    expect(findTreatment(p.treatments, 'Answer', 'call-later')?.action).toBe('retryIn');
    expect(findTreatment(p.treatments, 'Answer', 'sale')?.action).toBe('markDone');
    expect(planAfterAttempt(record(), p, outcome('Answer', T0, { disposition: 'call-later' }))).toMatchObject({
      status: 'Ready',
      dueAt: T0 + 7_200_000,
      disposition: 'call-later',
    });
  });

  it('stops at the maximum attempts whatever the treatment says', () => {
    const p = profile([{ callResult: 'Busy', action: 'retryIn', maxRetries: 50, intervalMs: 1000 }], 3);
    expect(planAfterAttempt(record({ attempts: 1 }), p, outcome('Busy', T0))).toMatchObject({
      status: 'Ready',
      attempts: 2,
    });
    expect(planAfterAttempt(record({ attempts: 2 }), p, outcome('Busy', T0))).toMatchObject({
      status: 'Updated',
      attempts: 3,
    });
  });

  it('turns an agent callback into a callback record, personal or for the campaign', () => {
    const p = profile([{ callResult: 'Answer', action: 'markDone' }]);
    const personal = planAfterAttempt(
      record(),
      p,
      outcome('Answer', T0, {
        agentId: 'agent-2',
        callback: { type: 'personal', at: T0 + 3_600_000, note: 'after lunch' },
      }),
    );
    expect(personal).toMatchObject({
      status: 'Ready',
      type: 'PersonalCallBack',
      dueAt: T0 + 3_600_000,
      agentId: 'agent-2',
      callback: { type: 'personal', at: T0 + 3_600_000, agentId: 'agent-2', note: 'after lunch' },
    });
    const campaign = planAfterAttempt(
      record(),
      p,
      outcome('Answer', T0, { agentId: 'agent-2', callback: { type: 'campaign', at: T0 + 60_000 } }),
    );
    expect(campaign).toMatchObject({
      type: 'CampaignCallBack',
      agentId: null,
      callback: { type: 'campaign', at: T0 + 60_000 },
    });
  });

  it('finishes a do-not-call request as DoNotCall, never to be dialed', () => {
    const p = profile([{ callResult: 'Answer', action: 'retryIn', maxRetries: 5, intervalMs: 1000 }]);
    expect(planAfterAttempt(record(), p, outcome('Answer', T0, { doNotCall: true }))).toMatchObject({
      status: 'Updated',
      type: 'NoCall',
      callResult: 'DoNotCall',
    });
  });
});

describe('planAfterBlock', () => {
  it('waits for the next allowed instant, moves on from a device that can never be dialed, else retries later', () => {
    expect(planAfterBlock(['CONTACT_TIME'], T0 + 5000, T0, 900_000)).toEqual({ kind: 'reschedule', at: T0 + 5000 });
    expect(planAfterBlock(['SUPPRESSED'], undefined, T0, 900_000)).toEqual({ kind: 'next-device' });
    expect(planAfterBlock(['LOCATION_EXCLUDED', 'SUPPRESSED'], undefined, T0, 900_000)).toEqual({
      kind: 'next-device',
    });
    expect(planAfterBlock(['ABANDON_RATE'], undefined, T0, 900_000)).toEqual({ kind: 'reschedule', at: T0 + 900_000 });
    expect(planAfterBlock(['SUPPRESSED', 'ABANDON_RATE'], undefined, T0, 900_000)).toEqual({
      kind: 'reschedule',
      at: T0 + 900_000,
    });
    const block = { at: T0, reasons: ['SUPPRESSED'], rules: ['suppression/sup_1'] };
    expect(patchForBlock(record({ status: 'Ready' }), { kind: 'next-device' }, block)).toMatchObject({
      status: 'Ready',
      chainPosition: 1,
      deviceIndex: 3,
      blocked: block,
    });
    expect(patchForBlock(record({ chainPosition: 2, deviceIndex: 4 }), { kind: 'next-device' }, block)).toMatchObject({
      status: 'Updated',
      blocked: block,
    });
  });
});
