/**
 * Machine-readable error codes. Each package adds its own prefix
 * (`LIST_*`, `COMPLIANCE_*`, `DIALER_*`, `ADAPTER_*`); the server maps codes to
 * HTTP statuses in one table. The type stays open (`string & {}`) so packages
 * can add codes without editing core.
 */
export type OutpaceErrorCode =
  | 'VALIDATION_FAILED'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'LIST_NOT_FOUND'
  | 'LIST_SPEC_INVALID'
  | 'LIST_MAPPING_INVALID'
  | 'LIST_FORMAT_UNSUPPORTED'
  | 'LIST_ENCODING_INVALID'
  | 'LIST_ERROR_LIMIT'
  | 'LIST_IMPORT_ABORTED'
  | 'LIST_UPLOAD_MODE_INVALID'
  | 'LIST_RULE_INVALID'
  | 'LIST_FILE_EMPTY'
  | 'LIST_DEPENDENCY_MISSING'
  | 'LIST_SPLIT_LIMIT'
  | 'LIST_IMPORT_FAILED'
  | 'SUPPRESSION_LIST_NOT_FOUND'
  | (string & {});

/** Options for {@link OutpaceError}. */
export interface OutpaceErrorOptions {
  /** The underlying error, kept for logs and debugging. */
  cause?: unknown;
  /** Structured details (offending value, path, line, hint) for API responses. */
  details?: Record<string, unknown>;
}

/**
 * The one error base of Outpace. Every error a package throws on purpose is an
 * `OutpaceError` with a stable `code`; the message says what was wrong, the
 * offending value, where, and how to fix it.
 *
 * @example
 * throw new OutpaceError('LIST_NOT_FOUND', `Contact list "${id}" does not exist; create it first or check the id.`);
 */
export class OutpaceError extends Error {
  /** Stable, SCREAMING_SNAKE machine-readable code. */
  readonly code: OutpaceErrorCode;
  /** Structured details for API responses; never contains secrets. */
  readonly details: Record<string, unknown> | undefined;

  constructor(code: OutpaceErrorCode, message: string, options: OutpaceErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OutpaceError';
    this.code = code;
    this.details = options.details;
  }
}

/** True when `error` is an {@link OutpaceError}, optionally with the given code. */
export function isOutpaceError(error: unknown, code?: OutpaceErrorCode): error is OutpaceError {
  return error instanceof OutpaceError && (code === undefined || error.code === code);
}
