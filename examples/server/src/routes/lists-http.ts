import {
  ContactListSchema,
  ContactSchema,
  ImportIssueSchema,
  ImportJobSchema,
  OutpaceError,
  SuppressionListSchema,
} from '@outpace/core';
import type { Context } from 'hono';
import { z } from 'zod';
import type { AppEnv } from '../http/env.js';
import type { CsvExport } from '../services/exports.js';
import type { UploadOutcome } from '../services/imports-upload.js';

/** OpenAPI components of the list routes. */
export const ContactListView = ContactListSchema.meta({ id: 'ContactList' });
export const ContactView = ContactSchema.meta({ id: 'Contact' });
export const ImportJobView = ImportJobSchema.meta({ id: 'ImportJob' });
export const SuppressionListView = SuppressionListSchema.meta({ id: 'SuppressionList' });
export const Deleted = z.object({ deleted: z.literal(true) }).meta({ id: 'Deleted' });

/** A line report of an import (rejects artifact rows and warnings). */
export const ImportReportView = z
  .object({
    line: z.number().int(),
    rejected: z.boolean(),
    raw: z.string().nullable(),
    issues: z.array(ImportIssueSchema),
  })
  .meta({ id: 'ImportLineReport' });

/** A dry run's result. */
export const DryRunView = z
  .object({
    dryRun: z.literal(true),
    kind: z.enum(['contacts', 'suppression']),
    counters: ImportJobSchema.pick({
      totalLines: true,
      processedLines: true,
      acceptedLines: true,
      rejectedLines: true,
      insertedRecords: true,
      updatedRecords: true,
      deletedRecords: true,
      warningLines: true,
    }),
    targets: z.array(z.object({ name: z.string(), listId: z.string().optional(), contacts: z.number() })).optional(),
    reports: z.array(ImportReportView),
    reportsTruncated: z.boolean(),
    input: z.record(z.string(), z.unknown()),
    mapping: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'ImportDryRun' });

/** A query flag: `true`/`false` (also `1`/`0`). */
export const QueryBool = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .optional();

/** Query delimiters by name, since a raw tab or comma is awkward in a URL. */
export const QueryDelimiter = z
  .enum(['comma', 'semicolon', 'tab', 'pipe'])
  .transform((v) => ({ comma: ',', semicolon: ';', tab: '\t', pipe: '|' })[v] as ',' | ';' | '\t' | '|')
  .optional();

/** Parses a JSON-valued query parameter (an inline selection). */
export function jsonQuery(name: string, raw: string | undefined): unknown {
  if (raw === undefined || raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new OutpaceError(
      'INVALID_JSON',
      `Query parameter "${name}" is not valid JSON; URL-encode a JSON object such as {"conditionSets":[…]}.`,
      { details: { parameter: name } },
    );
  }
}

type FormField = { type: 'string' | 'boolean' | 'integer' | 'number'; description: string; enum?: readonly string[] };

/**
 * A multipart request body for the OpenAPI document. It is a plain schema
 * object, not zod, so no validator buffers the upload: the route streams it.
 */
export function uploadBody(description: string, fields: Record<string, FormField>) {
  return {
    body: {
      required: true,
      description,
      content: {
        'multipart/form-data': {
          schema: {
            type: 'object' as const,
            properties: {
              ...fields,
              file: {
                type: 'string' as const,
                format: 'binary',
                description: 'The list file (CSV/TXT/fixed width/XLSX, optionally gzip or zip). Send it last.',
              },
            },
            required: ['file'],
          },
        },
      },
    },
  };
}

/** Form fields every import shares (reading and mapping). */
export const READING_FIELDS: Record<string, FormField> = {
  specFileId: { type: 'string', description: 'A stored specification file mapping the columns.' },
  spec: { type: 'string', description: 'An inline specification file (its text).' },
  dataMappingId: {
    type: 'string',
    description: 'A stored data mapping. Without spec or mapping, the header row maps.',
  },
  encoding: {
    type: 'string',
    description: 'auto (default), utf-8, iso-8859-1, windows-1252, utf-16le, utf-16be.',
  },
  format: { type: 'string', enum: ['auto', 'delimited', 'fixed', 'xlsx'], description: 'Default auto.' },
  delimiter: { type: 'string', description: 'Field separator (, ; | tab :); detected when absent.' },
  errorLimit: { type: 'integer', description: 'Abort (storing nothing) after this many rejected lines.' },
  errorLimitPercent: { type: 'number', description: 'Abort when more than this percentage of lines is rejected.' },
  dryRun: { type: 'boolean', description: 'Validate and count only; store nothing, create no job.' },
};

/**
 * The response of an upload: 202 with the job (and its Location), or 200 with
 * a dry run's result. Typed as the route's declared responses (`R`).
 */
export function uploadResponse<R>(c: Context<AppEnv>, outcome: UploadOutcome): R {
  if (outcome.dryRun) return c.json(outcome.result, 200) as R;
  c.header('Location', `/api/v1/imports/${outcome.job.id}`);
  return c.json(outcome.job, 202) as R;
}

/** Streams text chunks as a download. */
export function download<R = Response>(
  c: Context<AppEnv>,
  exp: { fileName: string; chunks: AsyncIterable<string> },
  contentType: string,
): R {
  const encoder = new TextEncoder();
  const iterator = exp.chunks[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        // Batch small rows into larger writes.
        let text = '';
        while (text.length < 64 * 1024) {
          const next = await iterator.next();
          if (next.done) {
            if (text.length > 0) controller.enqueue(encoder.encode(text));
            controller.close();
            return;
          }
          text += next.value;
        }
        controller.enqueue(encoder.encode(text));
      } catch (error) {
        c.get('deps').logger.error('download failed mid-stream', { err: String(error), path: c.req.path });
        controller.error(error);
      }
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  c.header('Content-Type', contentType);
  c.header('Content-Disposition', `attachment; filename="${exp.fileName.replace(/["\\\r\n]/g, '_')}"`);
  c.header('Cache-Control', 'no-store');
  return c.body(body, 200) as R;
}

/** A CSV download. */
export function csvDownload(c: Context<AppEnv>, exp: CsvExport): Response {
  return download(c, exp, 'text/csv; charset=utf-8');
}
