import { acceptedOptionsFor, type CommandName } from '../options/option-table.js';
import type { ParsedCommandLine } from '../options/parse.js';

/** The profile a command line used, for `explain` and messages. */
export interface UsedProfile {
  name: string;
  path: string;
}

export interface ProfiledCommandLine extends ParsedCommandLine {
  profile?: UsedProfile;
}

/**
 * Fills what the flags and variables left unset from a profile of the configuration file (read and
 * checked by core, as the library's `profile` option is): flag > environment variable >
 * profile > defaults. The profile is `--profile` / `OIDCFLOW_PROFILE`, else the file's
 * `default-profile`; without a file and without a name, nothing changes (one read that finds
 * no file; the TOML parser does not load). Each value's origin names the profile, the file
 * and the line.
 */
export async function applyProfile(
  command: CommandName,
  parsed: ParsedCommandLine,
  env: NodeJS.ProcessEnv,
): Promise<ProfiledCommandLine> {
  const requested = parsed.settings.profile;
  // Core is what a login command loads next anyway (the warm `token` too).
  const file = await (await import('@oidcflow/core')).readProfileFile({ env });
  const name = requested ?? file.defaultProfile;
  if (name === undefined) return parsed;
  const profile = file.profile(name);
  const { path } = file;
  const settings: Record<string, unknown> = { ...parsed.settings };
  const origins: Record<string, string> = { ...parsed.origins };
  if (requested === undefined) origins.profile = `default-profile in ${path}`;
  settings.profile = name;
  for (const option of acceptedOptionsFor(command)) {
    const value = profile.settings[option.key];
    if (value === undefined || settings[option.key] !== undefined) continue;
    // The secret's own flag and variable win over the profile's file, as any flag or variable does.
    if (option.key === 'clientSecretFile' && (settings.clientSecretStdin || env.OIDCFLOW_CLIENT_SECRET))
      continue;
    settings[option.key] = value;
    const line = profile.lines[option.key];
    origins[option.key] = `profile ${name} (${path}${line ? `:${line}` : ''})`;
  }
  return {
    settings: settings as ParsedCommandLine['settings'],
    origins: origins as ParsedCommandLine['origins'],
    profile: { name, path },
  };
}
