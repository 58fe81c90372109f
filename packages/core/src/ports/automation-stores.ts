import type {
  Automation,
  NewAutomationInput,
  NewSchedulerRunInput,
  ProcessedFile,
  SchedulerRun,
  SchedulerRunKind,
  SchedulerRunPatch,
} from '../schemas/automation.js';
import type { Page, PageQuery } from '../schemas/common.js';

/**
 * List automations of one tenant: their settings (with sealed secrets, as
 * given) and their run state, which settings changes never touch.
 */
export interface AutomationStore {
  create(input: NewAutomationInput): Promise<Automation>;
  get(id: string): Promise<Automation | undefined>;
  /** Ordered by id (creation order). */
  list(query?: PageQuery): Promise<Page<Automation>>;
  /**
   * Replaces the settings and increments `version`. With `expectedVersion`,
   * refuses (`CONFLICT`) when the stored version differs. Throws `NOT_FOUND`.
   */
  update(id: string, input: NewAutomationInput, expectedVersion?: number): Promise<Automation>;
  /** Resolves to false when the id was unknown. */
  delete(id: string): Promise<boolean>;
  /**
   * Takes the run lock for `ttlMs` when it is free, expired or already
   * `owner`'s; resolves to false when another owner holds an unexpired lock
   * (or the automation does not exist).
   */
  acquireLock(id: string, owner: string, ttlMs: number): Promise<boolean>;
  /** Gives the lock up if `owner` holds it. */
  releaseLock(id: string, owner: string): Promise<void>;
  /**
   * Records files whose import committed (newest last; the oldest beyond
   * `PROCESSED_FILES_LIMIT` are forgotten) and the run that did it.
   */
  recordProcessed(id: string, files: readonly ProcessedFile[]): Promise<void>;
  /** Forgets processed files (by path) that are no longer on the server. */
  forgetProcessed(id: string, paths: readonly string[]): Promise<void>;
  /** Notes the last run of the automation. */
  noteRun(id: string, runId: string, at: number): Promise<void>;
}

/** Query of {@link SchedulerRunStore.list}. */
export interface SchedulerRunQuery extends PageQuery {
  automationId?: string;
  kind?: SchedulerRunKind;
}

/** Runs of scheduled jobs (automations and housekeeping) of one tenant, with their outcomes. */
export interface SchedulerRunStore {
  /** Creates a run; `id` may be chosen by the caller (a queued manual run). */
  create(input: NewSchedulerRunInput & { id?: string }): Promise<SchedulerRun>;
  get(id: string): Promise<SchedulerRun | undefined>;
  /** Throws `NOT_FOUND`. */
  update(id: string, patch: SchedulerRunPatch): Promise<SchedulerRun>;
  /** Newest first. */
  list(query?: SchedulerRunQuery): Promise<Page<SchedulerRun>>;
  /** Deletes finished runs created before `before`; resolves to the number deleted. */
  deleteBefore(before: number): Promise<number>;
}
