import { profileFilePath, profileOptions, readProfileFile } from '@oidcflow/core';
import { CliError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import type { CommandContext } from '../io.js';
import { setProfileOption, useProfile } from '../profiles/edit-config.js';
import { UsageError } from '../usage-error.js';

const USAGE =
  'use `oidcflow profile list`, `profile show [NAME]`, `profile set NAME OPTION VALUE…` or `profile use NAME`.';

/** `issuer = "https://…"`, as the file holds it (never a secret: the file has none). */
function renderValue(value: unknown): string {
  if (Array.isArray(value)) return value.join(' ');
  if (typeof value === 'object' && value !== null)
    return Object.entries(value)
      .map(([key, item]) => `${key}=${String(item)}`)
      .join(' ');
  return String(value);
}

/**
 * `oidcflow profile list|show|set|use`: the named settings of the configuration file. `set`
 * and `use` change only the line concerned: the file stays the user's, comments and all.
 */
export async function runProfile(context: CommandContext): Promise<number> {
  const [action = 'list', ...words] = context.operands;
  const path = profileFilePath(context.env);
  switch (action) {
    case 'list': {
      const document = await readProfileFile({ path });
      if (document.profiles.size === 0) {
        context.stdout.write(`No profiles in ${path}. Add one: oidcflow profile set NAME issuer URL\n`);
        return 0;
      }
      for (const name of document.profiles.keys()) {
        context.stdout.write(`${name === document.defaultProfile ? '*' : ' '} ${name}\n`);
      }
      context.stdout.write(`(${path}; * the default profile)\n`);
      return 0;
    }
    case 'show': {
      const document = await readProfileFile({ path });
      const name = words[0] ?? context.settings.profile ?? document.defaultProfile;
      if (name === undefined)
        throw new CliError(`${path}: no profile named and no default-profile set.`, ExitCode.CONFIGURATION);
      const profile = document.profile(name);
      const rows = [...(await profileOptions()).entries()].flatMap(([flag, option]) => {
        const value = profile.settings[option.setting];
        if (value === undefined) return [];
        const line = profile.lines[option.setting];
        // An inverted flag's setting is the opposite of its name: no-browser = true is openBrowser false.
        const shown = option.inverted ? !value : value;
        return [`${flag} = ${renderValue(shown)}${line ? `  (line ${line})` : ''}`];
      });
      context.stdout.write(
        `profile ${name} in ${path}${name === document.defaultProfile ? ' (default)' : ''}\n${rows.join('\n')}\n`,
      );
      return 0;
    }
    case 'set': {
      const [name, option, ...value] = words;
      if (!name || !option || value.length === 0) throw new UsageError(USAGE);
      await setProfileOption(path, name, option, value);
      context.stderr.write(`Set ${option} in profile ${name} (${path}).\n`);
      return 0;
    }
    case 'use': {
      const [name, ...extra] = words;
      if (!name || extra.length > 0) throw new UsageError(USAGE);
      await useProfile(path, name);
      context.stderr.write(`Profile ${name} is now the default (${path}).\n`);
      return 0;
    }
    default:
      throw new UsageError(USAGE);
  }
}
