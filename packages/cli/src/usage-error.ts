/**
 * A mistake in how the command was called (unknown option, malformed value). Ends the
 * process with exit code 2 and, unlike IdP errors, a pointer to `--help`.
 */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  constructor(
    message: string,
    /** The command whose help to point at. */
    readonly command?: string,
  ) {
    super(message);
  }
}
