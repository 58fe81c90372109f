import { OutpaceError } from '../../errors.js';
import type { Clock } from '../../ports/clock.js';
import type { ImportJobStore, ImportLineReport } from '../../ports/stores.js';
import { emptyImportCounters, type ImportCounters, type ImportIssue } from '../../schemas/import-job.js';

/** The part of the import-job store an import writes to. */
export type ImportJobWriter = Pick<ImportJobStore, 'create' | 'update' | 'appendReports'>;

/** A progress event of an import. */
export interface ImportProgress {
  /** `counting` is the first pass of a percent split; `importing` the real one. */
  phase: 'counting' | 'importing' | 'committing' | 'done';
  processedLines: number;
  acceptedLines: number;
  rejectedLines: number;
  warningLines: number;
  /** Bytes read from the input so far (compressed size for archives). */
  bytesRead: number;
  /** True on the last event. */
  done: boolean;
}

export interface ImportRunOptions {
  clock: Clock;
  jobs?: ImportJobWriter | undefined;
  onProgress?: ((p: ImportProgress) => void) | undefined;
  onReports?: ((reports: readonly ImportLineReport[]) => void | Promise<void>) | undefined;
  progressIntervalMs: number;
  maxReportsInResult: number;
  errorLimit?: number | undefined;
  errorLimitPercent?: number | undefined;
  signal?: AbortSignal | undefined;
  bytesRead: () => number;
  /** Reports kept in memory before they are appended to the job store. @default 500 */
  reportBatch?: number;
}

/**
 * Counters, line reports, progress, error limits and abort checks of one
 * import. Lines are settled in file order; reports go to the job store in
 * batches, in line order.
 */
export class ImportRun {
  readonly counters: ImportCounters = emptyImportCounters();
  readonly sample: ImportLineReport[] = [];
  sampleTruncated = false;
  phase: ImportProgress['phase'] = 'importing';
  /** The job the reports and counters go to. */
  jobId: string | undefined;
  /** Rejected lines that count toward the error limits (filtered lines do not). */
  private limitRejected = 0;
  private pending: ImportLineReport[] = [];
  private lastProgress: number;

  constructor(private readonly o: ImportRunOptions) {
    this.lastProgress = o.clock.now();
  }

  /** A data line was read. */
  processed(): void {
    this.counters.processedLines++;
  }

  /** Settles a rejected line. Throws `LIST_ERROR_LIMIT` when the limit is reached. */
  reject(line: number, raw: string, issues: ImportIssue[], countsTowardLimit = true): void {
    this.counters.rejectedLines++;
    this.report({ line, rejected: true, raw, issues });
    if (!countsTowardLimit) return;
    this.limitRejected++;
    const limit = this.o.errorLimit;
    if (limit !== undefined && this.limitRejected >= limit) {
      throw new OutpaceError(
        'LIST_ERROR_LIMIT',
        `The import stopped at line ${line}: ${this.limitRejected} lines were rejected and the error limit is ${limit}. Nothing was stored; fix the rejected lines (see the rejects) and import again.`,
        { details: { line, rejected: this.limitRejected, limit } },
      );
    }
  }

  /** Settles an accepted line, with its warnings if any. */
  accept(line: number, warnings: ImportIssue[] | undefined): void {
    this.counters.acceptedLines++;
    if (warnings && warnings.length > 0) {
      this.counters.warningLines++;
      this.report({ line, rejected: false, raw: null, issues: warnings });
    }
  }

  private report(r: ImportLineReport): void {
    if (this.sample.length < this.o.maxReportsInResult) this.sample.push(r);
    else this.sampleTruncated = true;
    if (this.o.jobs || this.o.onReports) this.pending.push(r);
  }

  /** Checks the percentage limit once every line is known. */
  checkPercent(): void {
    const pct = this.o.errorLimitPercent;
    const processed = this.counters.processedLines;
    if (pct === undefined || processed === 0) return;
    const share = (this.limitRejected / processed) * 100;
    if (share > pct) {
      throw new OutpaceError(
        'LIST_ERROR_LIMIT',
        `The import was stopped: ${this.limitRejected} of ${processed} lines (${share.toFixed(1)}%) were rejected and the error limit is ${pct}%. Nothing was stored; fix the rejected lines (see the rejects) and import again.`,
        { details: { rejected: this.limitRejected, processed, limitPercent: pct } },
      );
    }
  }

  /** Throws `LIST_IMPORT_ABORTED` once the signal fired. */
  checkAbort(): void {
    const signal = this.o.signal;
    if (signal?.aborted) {
      throw new OutpaceError('LIST_IMPORT_ABORTED', 'The import was aborted; nothing was stored.', {
        cause: signal.reason,
        details: { processedLines: this.counters.processedLines },
      });
    }
  }

  /** Between chunks: abort check, throttled progress and job counters, report flushing. */
  async tick(force = false): Promise<void> {
    this.checkAbort();
    if (this.pending.length >= (this.o.reportBatch ?? 500)) await this.flushReports();
    const now = this.o.clock.now();
    if (!force && now - this.lastProgress < this.o.progressIntervalMs) return;
    this.lastProgress = now;
    this.emit(false);
    if (this.o.jobs && this.jobId && this.phase !== 'counting') {
      await this.o.jobs.update(this.jobId, { ...this.counters });
    }
  }

  /** Sends one progress event. */
  emit(done: boolean): void {
    this.o.onProgress?.({
      phase: this.phase,
      processedLines: this.counters.processedLines,
      acceptedLines: this.counters.acceptedLines,
      rejectedLines: this.counters.rejectedLines,
      warningLines: this.counters.warningLines,
      bytesRead: this.o.bytesRead(),
      done,
    });
  }

  /** Appends pending reports to the job store and the report callback. */
  async flushReports(): Promise<void> {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    if (this.o.jobs && this.jobId) await this.o.jobs.appendReports(this.jobId, batch);
    await this.o.onReports?.(batch);
  }
}
