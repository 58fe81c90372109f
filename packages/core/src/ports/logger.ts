/** Structured fields attached to a log line. Never put secrets here. */
export type LogFields = Record<string, unknown>;

/**
 * The logging port. Shaped so that pino, console or any structured logger fits
 * with a thin wrapper; packages never depend on a logging library.
 */
export interface Logger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
  /** A logger that adds `bindings` to every line. */
  child(bindings: LogFields): Logger;
}

/** A logger that drops everything; the default in every package. */
export const noopLogger: Logger = Object.freeze({
  debug() {},
  info() {},
  warn() {},
  error() {},
  child: () => noopLogger,
});
