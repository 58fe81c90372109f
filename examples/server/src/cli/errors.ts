/** Exit code of a usage mistake (bad or missing argument). */
export const EXIT_USAGE = 2;
/** Exit code of an operation that failed (refused input, server error, failed import). */
export const EXIT_FAILED = 1;

/**
 * A failure the CLI reports as one message, without a stack: what was wrong,
 * the offending value and how to fix it.
 */
export class CliError extends Error {
  constructor(
    message: string,
    /** The process exit code. @default EXIT_FAILED */
    readonly exitCode: number = EXIT_FAILED,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
