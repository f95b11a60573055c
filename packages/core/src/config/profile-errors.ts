import type { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';

/** A problem of the configuration file, named by file and line: `/home/ada/.config/oidcflow/config.toml:4: …`. */
export function profileError(
  code: typeof ErrorCode.PROFILE_INVALID | typeof ErrorCode.PROFILE_UNKNOWN,
  path: string,
  line: number | undefined,
  message: string,
): OidcflowError {
  return new OidcflowError(code, `${path}${line ? `:${line}` : ''}: ${message}`);
}

/**
 * `no profile "x"; the profiles are: a, b.` — what an unknown profile name is told, by the CLI
 * and the library alike. `names` undefined: there is no file.
 */
export function unknownProfileText(name: string, names: readonly string[] | undefined): string {
  if (names === undefined) {
    return `profile "${name}" was asked for, and there is no configuration file here. Create it with oidcflow profile set ${name} issuer URL, or set OIDCFLOW_CONFIG to the file.`;
  }
  return `no profile "${name}"; ${names.length > 0 ? `the profiles are: ${names.join(', ')}` : 'the file defines no profile'}.`;
}
