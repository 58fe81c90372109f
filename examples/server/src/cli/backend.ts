import type { ImportJob } from '@outpace/core';
import type { CheckResult } from '../services/compliance.js';
import type { DryRunResult } from '../services/imports.js';

/** Contact lists or suppression lists. */
export type ListKind = 'contacts' | 'suppression';

/** An import the CLI asks for: the service's options, as the API's form fields take them. */
export interface ImportRequest {
  kind: ListKind;
  /** Path of the file to read. */
  file: string;
  /** Append to this list; absent: a new list. */
  listId?: string | undefined;
  /** Options of `ContactImportOptionsSchema` / `SuppressionImportOptionsSchema`. */
  options: Record<string, string | boolean | number>;
}

/** Progress of an import: bytes of the file read so far, and the job's counters when known. */
export interface ImportProgress {
  start(totalBytes: number): void;
  bytes(read: number): void;
  counters(job: Pick<ImportJob, 'processedLines' | 'acceptedLines' | 'rejectedLines'>): void;
  stop(): void;
}

/** One rejected line of an import. */
export interface RejectedLine {
  line: number;
  messages: string[];
}

/** How an import ended. */
export type ImportSummary =
  | { dryRun: true; result: DryRunResult }
  | {
      dryRun: false;
      job: ImportJob;
      /** The first rejected lines (at most 10). */
      rejects: RejectedLine[];
    };

/** Options of an export. */
export interface ExportRequest {
  kind: ListKind;
  listId: string;
  selectionRuleId?: string | undefined;
  /** An inline selection (parsed JSON). */
  selection?: unknown;
  delimiter?: 'comma' | 'semicolon' | 'tab' | 'pipe' | undefined;
  deviceDetails?: boolean | undefined;
}

/** A list as `outpace lists` shows it. */
export interface ListLine {
  id: string;
  name: string;
  size: number;
}

/**
 * What the commands need, done either with the packages on a local data folder
 * (`local.ts`) or through a running server's API (`http.ts`).
 */
export interface Backend {
  /** Where the CLI acts, for messages: `data folder …` or `server …`. */
  readonly where: string;
  importFile(request: ImportRequest, progress: ImportProgress): Promise<ImportSummary>;
  /** Writes the rejected lines of a finished import job; resolves to how many. */
  writeRejects(jobId: string, write: (chunk: string) => Promise<void>): Promise<number>;
  exportList(request: ExportRequest, write: (chunk: string) => Promise<void>): Promise<void>;
  check(input: Record<string, unknown>): Promise<CheckResult>;
  lists(kind: ListKind): Promise<ListLine[]>;
  close(): Promise<void>;
}
