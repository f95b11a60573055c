/**
 * A failure of the CLI itself (not of core, not of the command line) with the exit code to end
 * with, e.g. the dev IdP's port being taken.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  /** What the process ends with (one of `ExitCode`). */
  readonly exitCode: number;

  constructor(message: string, exitCode: number, options?: ErrorOptions) {
    super(message, options);
    this.exitCode = exitCode;
  }
}
