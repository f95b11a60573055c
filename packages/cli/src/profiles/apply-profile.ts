import { acceptedOptionsFor, type CommandName } from '../options/option-table.js';
import type { ParsedCommandLine } from '../options/parse.js';
import { configError, configFilePath, readConfigText } from './config-file.js';

/** The profile a command line used, for `explain` and messages. */
export interface UsedProfile {
  name: string;
  path: string;
}

export interface ProfiledCommandLine extends ParsedCommandLine {
  profile?: UsedProfile;
}

/**
 * Fills what the flags and variables left unset from a profile of the configuration file:
 * flag > environment variable > profile > defaults. The profile is `--profile` /
 * `OIDCFLOW_PROFILE`, else the file's `default-profile`; without a file and without a name,
 * nothing changes (one read that finds no file). Each value's origin names the profile, the
 * file and the line.
 */
export async function applyProfile(
  command: CommandName,
  parsed: ParsedCommandLine,
  env: NodeJS.ProcessEnv,
): Promise<ProfiledCommandLine> {
  const requested = parsed.settings.profile;
  const path = configFilePath(env);
  const text = readConfigText(path);
  if (text === undefined) {
    if (requested === undefined) return parsed;
    throw configError(
      path,
      undefined,
      `profile "${requested}" was asked for (${parsed.origins.profile}), and there is no configuration file here. Create it with oidcflow profile set ${requested} issuer URL, or set OIDCFLOW_CONFIG.`,
    );
  }
  // The TOML parser loads only when there is a file.
  const { parseConfig, unknownProfileText } = await import('./profile-document.js');
  const document = parseConfig(path, text);
  const name = requested ?? document.defaultProfile;
  if (name === undefined) return parsed;
  const profile = document.profiles.get(name);
  if (!profile) throw configError(path, undefined, unknownProfileText(name, document.profiles));
  const settings: Record<string, unknown> = { ...parsed.settings };
  const origins: Record<string, string> = { ...parsed.origins };
  if (requested === undefined) origins.profile = `default-profile in ${path}`;
  settings.profile = name;
  for (const option of acceptedOptionsFor(command)) {
    const value = (profile.settings as Record<string, unknown>)[option.key];
    if (value === undefined || settings[option.key] !== undefined) continue;
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
