/**
 * A failure of the CLI itself (not of core, not of the command line) with the exit code to end
 * with, e.g. the dev IdP's port being taken.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode: number,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
