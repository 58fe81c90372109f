import { exportContacts, exportSuppressionList } from '@outpace/core';
import { z } from 'zod';
import { labelsOfSchema, resolveSelection } from './list-rules.js';
import { getList, parseServiceInput } from './lists.js';
import type { ServiceContext } from './lists-context.js';
import { getSuppressionList } from './suppression.js';

/** Options of {@link exportList}. */
export const ExportListOptionsSchema = z.object({
  /** Export only the contacts this selection rule selects. */
  selectionRuleId: z.string().min(1).max(64).optional(),
  /** An inline selection instead of a rule. */
  selection: z.unknown().optional(),
  /** @default ',' */
  delimiter: z.enum([',', ';', '\t', '|']).optional(),
  /** Add each device's type, country, region and time zone. @default true */
  deviceDetails: z.boolean().optional(),
  /** Write the Other fields (under their labels). @default true */
  otherFields: z.boolean().optional(),
});
export type ExportListOptions = z.input<typeof ExportListOptionsSchema>;

/** A CSV export ready to stream: a file name and the text in chunks. */
export interface CsvExport {
  fileName: string;
  /** Rows of CSV text; the first chunk is already read, so a failure to start surfaces before streaming. */
  chunks: AsyncIterable<string>;
}

function fileStem(name: string): string {
  return (
    name
      .replace(/[^\w.-]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 100) || 'export'
  );
}

/** Reads the first chunk now, so errors (unknown list, bad rule) are thrown before a response starts. */
async function primed(source: AsyncIterable<string>): Promise<AsyncIterable<string>> {
  const iterator = source[Symbol.asyncIterator]();
  const first = await iterator.next();
  return (async function* () {
    try {
      if (first.done) return;
      yield first.value;
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await iterator.return?.();
    }
  })();
}

/**
 * Exports a contact list as CSV, streaming: keyword headers, E.164 devices,
 * Other fields under the list's labels, optional device details, optionally
 * only the contacts a selection selects. Every cell is formula-neutralised
 * (a value starting with `=`, `+`, `-`, `@` is prefixed with `'`), so opening
 * the file in a spreadsheet runs nothing. The export is audited.
 *
 * @example
 * const { fileName, chunks } = await exportList(ctx, listId, { selectionRuleId: 'rul_…' });
 */
export async function exportList(
  ctx: ServiceContext,
  listId: string,
  options: ExportListOptions = {},
): Promise<CsvExport> {
  const o = parseServiceInput(ExportListOptionsSchema, options, 'export options');
  const list = await getList(ctx, listId);
  const selection = await resolveSelection(ctx, o);
  const labels = await labelsOfSchema(ctx, list.labelSchemaId);
  const chunks = await primed(
    exportContacts({
      contacts: ctx.tenant.contacts,
      listId,
      labels,
      ...(selection === undefined ? {} : { selection }),
      ...(o.delimiter === undefined ? {} : { delimiter: o.delimiter }),
      ...(o.deviceDetails === undefined ? {} : { deviceDetails: o.deviceDetails }),
      ...(o.otherFields === false ? { columns: { others: [] } } : {}),
    }),
  );
  await ctx.audit({
    action: 'list.export',
    target: { type: 'list', id: listId },
    summary: `exported contact list "${list.name}"${selection === undefined ? '' : ' (with a selection)'}`,
    after: {
      selectionRuleId: o.selectionRuleId,
      inlineSelection: o.selection !== undefined,
      deviceDetails: o.deviceDetails ?? true,
      otherFields: o.otherFields ?? true,
    },
  });
  return { fileName: `${fileStem(list.name)}.csv`, chunks };
}

/**
 * Exports a suppression list as CSV (`Device1` or `ClientID`, `From`, `Till`),
 * streaming and formula-neutralised. The export is audited.
 */
export async function exportSuppression(
  ctx: ServiceContext,
  listId: string,
  options: { delimiter?: ',' | ';' | '\t' | '|' | undefined } = {},
): Promise<CsvExport> {
  const list = await getSuppressionList(ctx, listId);
  const chunks = await primed(
    exportSuppressionList({
      suppression: ctx.tenant.suppression,
      listId,
      ...(options.delimiter === undefined ? {} : { delimiter: options.delimiter }),
    }),
  );
  await ctx.audit({
    action: 'suppressionList.export',
    target: { type: 'suppressionList', id: listId },
    summary: `exported suppression list "${list.name}"`,
  });
  return { fileName: `${fileStem(list.name)}.csv`, chunks };
}
