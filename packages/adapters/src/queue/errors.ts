/** Error codes of the job queues (both implementations). */
export const QueueErrorCode = {
  /** An option of the factory is missing or malformed. */
  OPTIONS_INVALID: 'ADAPTER_QUEUE_OPTIONS_INVALID',
  /** A queue name, send option or payload is malformed. */
  JOB_INVALID: 'ADAPTER_QUEUE_JOB_INVALID',
  /** A cron expression or time zone is malformed. */
  SCHEDULE_INVALID: 'ADAPTER_QUEUE_SCHEDULE_INVALID',
  /** `send`, `schedule` or `deadLetters` before `start()`. */
  NOT_STARTED: 'ADAPTER_QUEUE_NOT_STARTED',
  /** The queue was stopped. */
  STOPPED: 'ADAPTER_QUEUE_STOPPED',
  /** An attempt ran longer than its `timeoutSeconds` (the handler's signal carries this reason). */
  JOB_TIMEOUT: 'ADAPTER_QUEUE_JOB_TIMEOUT',
  /** pg-boss or pg is not installed. */
  DEPENDENCY_MISSING: 'ADAPTER_QUEUE_DEPENDENCY_MISSING',
} as const;
