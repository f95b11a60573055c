import { type ProfileFile, type ProfileOption, profileOptions, readProfileFile } from '@oidcflow/core';
import { CliError } from '../cli-error.js';
import { ExitCode } from '../exit-codes.js';
import { splitList } from '../options/parse.js';

const { mkdirSync, renameSync, writeFileSync } = process.getBuiltinModule('node:fs');
const { dirname } = process.getBuiltinModule('node:path');

/** The key of the file's top level that names the profile used when none is given. */
const DEFAULT_PROFILE_KEY = 'default-profile';

/** A change the file cannot take, named by the file: exit 7, as the file's own problems. */
const refused = (path: string, message: string) =>
  new CliError(`${path}: ${message}`, ExitCode.CONFIGURATION);

const BARE_KEY = /^[A-Za-z0-9_-]+$/;
const tomlKey = (key: string) => (BARE_KEY.test(key) ? key : JSON.stringify(key));

/** A TOML value for a profile option (JSON's string escapes are TOML's basic string escapes). */
function tomlValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(tomlValue).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    const pairs = Object.entries(value).map(([key, item]) => `${tomlKey(key)} = ${tomlValue(item)}`);
    return `{ ${pairs.join(', ')} }`;
  }
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** `VALUE` of `oidcflow profile set NAME OPTION VALUE` in the option's kind, or a usage problem. */
export function valueFromWords(spec: ProfileOption, words: readonly string[]): unknown {
  const option = spec.key;
  const text = words.join(' ');
  switch (spec.kind) {
    case 'boolean':
      if (!/^(true|false)$/.test(text)) throw new Error(`${option} takes true or false`);
      return text === 'true';
    case 'integer':
      if (!/^\d+$/.test(text)) throw new Error(`${option} takes a whole number`);
      return Number(text);
    case 'list':
      return splitList(text);
    case 'pairs':
      return Object.fromEntries(
        words.map((word) => {
          const equals = word.indexOf('=');
          if (equals <= 0) throw new Error(`${option} takes KEY=VALUE words`);
          return [word.slice(0, equals), word.slice(equals + 1)];
        }),
      );
    case 'string':
      return text;
  }
}

/**
 * The file's text with `key = value` set in `[profiles.NAME]` (`name` undefined: at the top
 * level), every other line — comments, order, spacing — as it was: the line of the key is
 * replaced, or a line is added at the end of the table (the table at the end of the file).
 * `setting` is the key's setting, by which the checked file knows its line.
 */
export function withSetting(
  file: ProfileFile,
  name: string | undefined,
  key: string,
  setting: string,
  value: unknown,
): string {
  const text = file.text ?? '';
  const lines = text === '' ? [] : text.replace(/\r?\n$/, '').split(/\r?\n/);
  const line = `${tomlKey(key)} = ${tomlValue(value)}`;
  if (name === undefined) {
    const existing = lines.findIndex((item) => new RegExp(`^\\s*${key}\\s*=`).test(item));
    const firstTable = lines.findIndex((item) => /^\s*\[/.test(item));
    if (existing !== -1 && (firstTable === -1 || existing < firstTable)) lines[existing] = line;
    else
      lines.splice(
        firstTable === -1 ? lines.length : firstTable,
        0,
        line,
        ...(firstTable === -1 ? [] : ['']),
      );
    return `${lines.join('\n')}\n`;
  }
  const profile = file.profiles.get(name);
  const header = profile?.line;
  const keyLine = profile?.lines[setting];
  if (header === undefined) {
    if (lines.length > 0) lines.push('');
    lines.push(`[profiles.${tomlKey(name)}]`, line);
  } else if (keyLine !== undefined && keyLine !== header) {
    lines[keyLine - 1] = line;
  } else {
    let end = header;
    while (end < lines.length && !/^\s*\[/.test(lines[end] as string)) end++;
    while (end > header && (lines[end - 1] as string).trim() === '') end--;
    lines.splice(end, 0, line);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Writes the configuration file after core checked the new text, through a file beside it renamed
 * over it: the file is never left half written, and a change that would make it invalid is
 * refused.
 */
async function writeConfig(path: string, text: string): Promise<void> {
  await readProfileFile({ path, text });
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, path);
}

/**
 * `oidcflow profile set NAME OPTION VALUE…`: the file at `path` (checked as it is) with the
 * option set.
 */
export async function setProfileOption(
  path: string,
  name: string,
  option: string,
  words: readonly string[],
): Promise<void> {
  const options = await profileOptions();
  const spec = options.get(option);
  if (!spec) {
    throw refused(
      path,
      `unknown option "${option}". A profile holds the options' flag names without "--": ${[...options.keys()].join(', ')}.`,
    );
  }
  let value: unknown;
  try {
    value = valueFromWords(spec, words);
  } catch (error) {
    throw refused(path, `${(error as Error).message}.`);
  }
  const file = await readProfileFile({ path });
  await writeConfig(path, withSetting(file, name, option, spec.setting, value));
}

/** `oidcflow profile use NAME`: sets `default-profile` to a profile the file has. */
export async function useProfile(path: string, name: string): Promise<void> {
  const file = await readProfileFile({ path });
  file.profile(name);
  await writeConfig(path, withSetting(file, undefined, DEFAULT_PROFILE_KEY, DEFAULT_PROFILE_KEY, name));
}
