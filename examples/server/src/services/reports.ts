import {
  type AttemptBucket,
  type AttemptRecord,
  type AttemptResultCount,
  type CallResult,
  type CampaignGroup,
  csvCell,
  OutpaceError,
  type RecordCounts,
} from '@outpace/core';
import { z } from 'zod';
import type { CsvExport } from './exports.js';
import { parseServiceInput } from './lists.js';
import type { ServiceContext } from './lists-context.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Most buckets one hourly report returns (31 days). */
const MAX_HOURLY_BUCKETS = 31 * 24;

/** The time range of a report: attempts placed in [`from`, `to`). */
export const ReportRangeSchema = z
  .object({
    /** Attempts placed at or after (ms since the epoch). @default 0 (the summary and by-list reports), 24 h before `to` (hourly) */
    from: z.number().int().nonnegative().optional(),
    /** Attempts placed before (ms since the epoch). @default now + 1 ms */
    to: z.number().int().nonnegative().optional(),
  })
  .refine((r) => r.from === undefined || r.to === undefined || r.from < r.to, {
    path: ['to'],
    message: 'to must be later than from; give a range of at least 1 ms.',
  });
export type ReportRange = z.input<typeof ReportRangeSchema>;

/** Counters of a set of attempts. */
export interface AttemptTotals {
  attempts: number;
  /** A live person answered (the abandonment denominator). */
  liveAnswers: number;
  abandoned: number;
  /** Live answers bridged to an agent. */
  connected: number;
  /** Answered by a machine or a fax. */
  machines: number;
  /** Abandoned ÷ live answers (0 without live answers). */
  abandonRate: number;
  /** Live answers ÷ attempts (0 without attempts). */
  hitRatio: number;
  /** Mean wait of a live answer for an agent, ms (0 without live answers). */
  avgWaitMs: number;
  /** Mean talk time of a connected call, ms (0 without connected calls). */
  avgTalkMs: number;
  /** Attempts per call result (results with no attempt left out). */
  results: Partial<Record<CallResult, number>>;
}

/** Record counts of a group or one of its lists now. */
export interface RecordTotals {
  total: number;
  ready: number;
  due: number;
  inFlight: number;
  done: number;
  stale: number;
  /** done ÷ (total − stale), 0 for an empty list. */
  progress: number;
}

/** The campaign summary report. */
export interface CampaignSummary {
  group: { id: string; name: string; state: CampaignGroup['state']; templateId: string };
  range: { from: number; to: number };
  /** When the report was computed. */
  at: number;
  records: RecordTotals;
  attempts: AttemptTotals;
}

/** One hour of the call-results-by-hour report. */
export interface HourRow extends AttemptTotals {
  /** Start of the hour (UTC, ms since the epoch). */
  start: number;
}

/** One list of the call-results-by-list report. */
export interface ListRow extends AttemptTotals {
  listId: string;
  /** The list's name; absent when the list was deleted since. */
  listName?: string;
  records: RecordTotals;
}

function emptyTotals(): AttemptTotals & { waitMs: number; talkMs: number } {
  return {
    attempts: 0,
    liveAnswers: 0,
    abandoned: 0,
    connected: 0,
    machines: 0,
    abandonRate: 0,
    hitRatio: 0,
    avgWaitMs: 0,
    avgTalkMs: 0,
    results: {},
    waitMs: 0,
    talkMs: 0,
  };
}

type Acc = ReturnType<typeof emptyTotals>;

function addBucket(acc: Acc, b: AttemptBucket): void {
  acc.attempts += b.attempts;
  acc.liveAnswers += b.liveAnswers;
  acc.abandoned += b.abandoned;
  acc.connected += b.connected;
  acc.machines += b.machines;
  acc.waitMs += b.waitMs;
  acc.talkMs += b.talkMs;
}

function addResult(acc: Acc, r: AttemptResultCount): void {
  acc.results[r.callResult] = (acc.results[r.callResult] ?? 0) + r.attempts;
}

function finishTotals({ waitMs, talkMs, ...acc }: Acc): AttemptTotals {
  return {
    ...acc,
    abandonRate: acc.liveAnswers === 0 ? 0 : acc.abandoned / acc.liveAnswers,
    hitRatio: acc.attempts === 0 ? 0 : acc.liveAnswers / acc.attempts,
    avgWaitMs: acc.liveAnswers === 0 ? 0 : Math.round(waitMs / acc.liveAnswers),
    avgTalkMs: acc.connected === 0 ? 0 : Math.round(talkMs / acc.connected),
  };
}

function recordTotals(counts: readonly RecordCounts[]): RecordTotals {
  const t = { total: 0, ready: 0, due: 0, inFlight: 0, done: 0, stale: 0 };
  for (const c of counts) {
    t.total += c.total;
    t.ready += c.ready;
    t.due += c.due;
    t.inFlight += c.inFlight;
    t.done += c.done;
    t.stale += c.stale;
  }
  const live = t.total - t.stale;
  return { ...t, progress: live <= 0 ? 0 : t.done / live };
}

/** The group of the caller's tenant, or `CAMPAIGN_GROUP_NOT_FOUND`. */
async function groupOf(ctx: ServiceContext, groupId: string): Promise<CampaignGroup> {
  const group = await ctx.tenant.campaigns.groups.get(groupId);
  if (group === undefined) {
    throw new OutpaceError(
      'CAMPAIGN_GROUP_NOT_FOUND',
      `Campaign group "${groupId}" does not exist in this tenant; list them with GET /api/v1/campaign-groups.`,
    );
  }
  return group;
}

function rangeOf(ctx: ServiceContext, range: ReportRange, defaultSpanMs?: number): { from: number; to: number } {
  const r = parseServiceInput(ReportRangeSchema, range, 'report range');
  const to = r.to ?? ctx.deps.clock.now() + 1;
  const from = r.from ?? (defaultSpanMs === undefined ? 0 : Math.max(0, to - defaultSpanMs));
  if (from >= to) {
    throw new OutpaceError('VALIDATION_FAILED', `Invalid report range: from (${from}) must be before to (${to}).`, {
      details: { issues: [{ path: ['from'], message: 'from must be before to' }] },
    });
  }
  return { from, to };
}

/** One bucket covering the whole range (a multiple of 1 s, starting at 0, so every attempt falls in bucket 0). */
function wholeRangeBucket(to: number): number {
  return Math.max(1000, Math.ceil((to + 1) / 1000) * 1000);
}

/**
 * The campaign summary of a group: its record counts now (total, ready, due,
 * in flight, done, stale, progress) and its attempts placed in the range
 * (attempts, live answers, abandoned, connected, machines, abandonment rate,
 * hit ratio, mean wait and talk time, attempts per call result). Computed by
 * the store's grouped queries, never by reading the history row by row.
 *
 * @example
 * const s = await campaignSummary(ctx, 'cgr_…', { from: Date.parse('2026-11-01') });
 */
export async function campaignSummary(
  ctx: ServiceContext,
  groupId: string,
  range: ReportRange = {},
): Promise<CampaignSummary> {
  const { from, to } = rangeOf(ctx, range);
  const group = await groupOf(ctx, groupId);
  const now = ctx.deps.clock.now();
  const bucketMs = wholeRangeBucket(to);
  const [counts, buckets, results] = await Promise.all([
    ctx.tenant.records.counts(groupId, now),
    ctx.tenant.attempts.buckets({ groupId, since: from, until: to, bucketMs }),
    ctx.tenant.attempts.results({ groupId, since: from, until: to, bucketMs }),
  ]);
  const acc = emptyTotals();
  for (const b of buckets) addBucket(acc, b);
  for (const r of results) addResult(acc, r);
  return {
    group: { id: group.id, name: group.name, state: group.state, templateId: group.templateId },
    range: { from, to },
    at: now,
    records: recordTotals(counts),
    attempts: finishTotals(acc),
  };
}

/**
 * Call results by hour: for every UTC hour of the range that holds attempts,
 * the attempt counters and the attempts per call result, oldest first. The
 * range defaults to the last 24 hours and may span at most 31 days.
 */
export async function callResultsByHour(ctx: ServiceContext, groupId: string, range: ReportRange = {}) {
  const { from, to } = rangeOf(ctx, range, DAY);
  if (Math.ceil((to - from) / HOUR) > MAX_HOURLY_BUCKETS) {
    throw new OutpaceError(
      'VALIDATION_FAILED',
      `The hourly report covers at most 31 days; the range ${new Date(from).toISOString()} – ${new Date(to).toISOString()} is longer. Narrow from/to.`,
      { details: { issues: [{ path: ['from'], message: 'range longer than 31 days' }] } },
    );
  }
  await groupOf(ctx, groupId);
  const [buckets, results] = await Promise.all([
    ctx.tenant.attempts.buckets({ groupId, since: from, until: to, bucketMs: HOUR }),
    ctx.tenant.attempts.results({ groupId, since: from, until: to, bucketMs: HOUR }),
  ]);
  const hours = new Map<number, Acc>();
  const hour = (start: number) => {
    let acc = hours.get(start);
    if (acc === undefined) {
      acc = emptyTotals();
      hours.set(start, acc);
    }
    return acc;
  };
  for (const b of buckets) addBucket(hour(b.start), b);
  for (const r of results) addResult(hour(r.start), r);
  const rows: HourRow[] = [...hours.entries()]
    .sort(([a], [b]) => a - b)
    .map(([start, acc]) => ({ start, ...finishTotals(acc) }));
  return { groupId, range: { from, to }, hours: rows };
}

/**
 * Call results by list: for every list of the group (and any list that has
 * attempts in the range but left the group since), the attempt counters, the
 * attempts per call result and the record counts now.
 */
export async function callResultsByList(ctx: ServiceContext, groupId: string, range: ReportRange = {}) {
  const { from, to } = rangeOf(ctx, range);
  const group = await groupOf(ctx, groupId);
  const bucketMs = wholeRangeBucket(to);
  const now = ctx.deps.clock.now();
  const [buckets, results, counts] = await Promise.all([
    ctx.tenant.attempts.buckets({ groupId, since: from, until: to, bucketMs }),
    ctx.tenant.attempts.results({ groupId, since: from, until: to, bucketMs }),
    ctx.tenant.records.counts(groupId, now),
  ]);
  const order = [...group.lists.map((l) => l.listId)];
  const lists = new Map<string, Acc>(order.map((id) => [id, emptyTotals()]));
  const list = (id: string) => {
    let acc = lists.get(id);
    if (acc === undefined) {
      acc = emptyTotals();
      lists.set(id, acc);
      order.push(id);
    }
    return acc;
  };
  for (const b of buckets) addBucket(list(b.listId), b);
  for (const r of results) addResult(list(r.listId), r);
  const rows: ListRow[] = [];
  for (const listId of order) {
    const stored = await ctx.tenant.lists.get(listId);
    rows.push({
      listId,
      ...(stored === undefined ? {} : { listName: stored.name }),
      ...finishTotals(lists.get(listId) as Acc),
      records: recordTotals(counts.filter((c) => c.listId === listId)),
    });
  }
  return { groupId, range: { from, to }, lists: rows };
}

/** Options of {@link exportReport}. */
export const ReportExportSchema = z.object({
  /** `hourly`: call results by hour; `lists`: by list; `attempts`: the attempt history, one row per attempt. */
  report: z.enum(['hourly', 'lists', 'attempts']),
  from: z.number().int().nonnegative().optional(),
  to: z.number().int().nonnegative().optional(),
  /** @default ',' */
  delimiter: z.enum([',', ';', '\t', '|']).default(','),
});
export type ReportExportOptions = z.input<typeof ReportExportSchema>;

const COUNTER_COLUMNS = [
  'Attempts',
  'LiveAnswers',
  'Abandoned',
  'Connected',
  'Machines',
  'AbandonRate',
  'HitRatio',
  'AvgWaitMs',
  'AvgTalkMs',
] as const;

function counterCells(t: AttemptTotals): string[] {
  return [
    String(t.attempts),
    String(t.liveAnswers),
    String(t.abandoned),
    String(t.connected),
    String(t.machines),
    t.abandonRate.toFixed(4),
    t.hitRatio.toFixed(4),
    String(t.avgWaitMs),
    String(t.avgTalkMs),
  ];
}

/** Call results present in rows, in a stable order (the columns of the result counts). */
function resultColumns(rows: readonly AttemptTotals[]): CallResult[] {
  const seen = new Set<CallResult>();
  for (const r of rows) for (const k of Object.keys(r.results) as CallResult[]) seen.add(k);
  return [...seen].sort();
}

const ATTEMPT_COLUMNS: readonly [string, (a: AttemptRecord) => string | number | boolean | undefined][] = [
  ['AttemptID', (a) => a.id],
  ['PlacedAt', (a) => new Date(a.placedAt).toISOString()],
  ['EndedAt', (a) => new Date(a.endedAt).toISOString()],
  ['ListID', (a) => a.listId],
  ['RecordID', (a) => a.recordId],
  ['ContactID', (a) => a.contactId],
  ['ClientID', (a) => a.clientId],
  ['Device', (a) => a.device],
  ['DeviceIndex', (a) => a.deviceIndex],
  ['Mode', (a) => a.mode],
  ['CallResult', (a) => a.callResult],
  ['AMD', (a) => a.amd],
  ['LiveAnswer', (a) => a.liveAnswer],
  ['Abandoned', (a) => a.abandoned],
  ['WaitMs', (a) => a.waitMs],
  ['TalkMs', (a) => a.talkMs],
  ['AgentID', (a) => a.agentId],
  ['Disposition', (a) => a.disposition],
  ['Note', (a) => a.note],
];

/**
 * A report as CSV, streamed: call results by hour or by list (counters, then
 * one column per call result seen), or the attempt history of the range (one
 * row per attempt, read page by page). Every cell is formula-neutralised like
 * the list export (`csvCell`), so a spreadsheet runs nothing. The export is
 * audited (it may carry phone numbers).
 *
 * @example
 * const { fileName, chunks } = await exportReport(ctx, 'cgr_…', { report: 'attempts' });
 */
export async function exportReport(
  ctx: ServiceContext,
  groupId: string,
  options: ReportExportOptions,
): Promise<CsvExport> {
  const o = parseServiceInput(ReportExportSchema, options, 'report export options');
  const d = o.delimiter;
  const line = (cells: readonly (string | number | boolean | undefined)[]) =>
    `${cells.map((v) => csvCell(v === undefined ? '' : String(v), d)).join(d)}\r\n`;
  const range = { ...(o.from === undefined ? {} : { from: o.from }), ...(o.to === undefined ? {} : { to: o.to }) };
  const group = await groupOf(ctx, groupId);
  const stem = `${group.name.replace(/[^\w.-]+/g, '_').replace(/^_+|_+$/g, '') || 'campaign'}-${o.report}`;
  let chunks: AsyncIterable<string>;
  let summary: string;
  if (o.report === 'hourly') {
    const report = await callResultsByHour(ctx, groupId, range);
    const results = resultColumns(report.hours);
    chunks = (async function* () {
      yield line(['HourStart', ...COUNTER_COLUMNS, ...results]);
      for (const h of report.hours) {
        yield line([new Date(h.start).toISOString(), ...counterCells(h), ...results.map((r) => h.results[r] ?? 0)]);
      }
    })();
    summary = `exported call results by hour of campaign group "${group.name}" (${report.hours.length} hours)`;
  } else if (o.report === 'lists') {
    const report = await callResultsByList(ctx, groupId, range);
    const results = resultColumns(report.lists);
    chunks = (async function* () {
      yield line(['ListID', 'ListName', 'Records', 'Done', 'Progress', ...COUNTER_COLUMNS, ...results]);
      for (const l of report.lists) {
        yield line([
          l.listId,
          l.listName,
          l.records.total,
          l.records.done,
          l.records.progress.toFixed(4),
          ...counterCells(l),
          ...results.map((r) => l.results[r] ?? 0),
        ]);
      }
    })();
    summary = `exported call results by list of campaign group "${group.name}" (${report.lists.length} lists)`;
  } else {
    const { from, to } = rangeOf(ctx, range);
    const tenant = ctx.tenant;
    chunks = (async function* () {
      yield line(ATTEMPT_COLUMNS.map(([name]) => name));
      let after: string | undefined;
      do {
        const page = await tenant.attempts.list({
          groupId,
          since: from,
          until: to,
          limit: 1000,
          ...(after === undefined ? {} : { after }),
        });
        let text = '';
        for (const a of page.items) text += line(ATTEMPT_COLUMNS.map(([, get]) => get(a)));
        if (text !== '') yield text;
        after = page.nextCursor ?? undefined;
      } while (after !== undefined);
    })();
    summary = `exported the attempt history of campaign group "${group.name}"`;
  }
  await ctx.audit({
    action: 'report.export',
    target: { type: 'campaignGroup', id: groupId },
    summary,
    after: { report: o.report, ...range },
  });
  return { fileName: `${stem}.csv`, chunks };
}
