/**
 * A failure of the CLI itself (not of core, not of the command line) with the exit code to end
 * with, e.g. the dev IdP's port being taken.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  readonly exitCode: number;

  constructor(message: string, exitCode: number, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.exitCode = exitCode;
  }
}
