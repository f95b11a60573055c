import { parse, TomlError } from 'smol-toml';
import { ErrorCode } from '../errors/codes.js';
import { profileError, unknownProfileText } from './profile-errors.js';
import { PROFILE_OPTIONS, type ProfileOption } from './profile-options.js';

export { PROFILE_OPTIONS };

/** The key of the file's top level that names the profile `oidcflow` uses when none is given. */
const DEFAULT_PROFILE_KEY = 'default-profile';

/** One `[profiles.NAME]` table of the configuration file, checked. */
export interface Profile {
  readonly name: string;
  /** The line of its `[profiles.NAME]` header, when the table has one. */
  readonly line: number | undefined;
  /**
   * Its values by setting (`ProfileOption.setting`: the library option's name, e.g. `clientId`
   * for `client-id`), converted to the option's kind: `no-browser = true` is `openBrowser: false`.
   */
  readonly settings: Readonly<Record<string, unknown>>;
  /** The file's line of each setting, for `explain` and messages. */
  readonly lines: Readonly<Record<string, number>>;
}

/** The configuration file: where it is, and what it holds once checked. */
export interface ProfileFile {
  readonly path: string;
  /** The text read (or given); undefined when there is no file. */
  readonly text: string | undefined;
  /** The file's `default-profile`: what `oidcflow` uses without `--profile`. Never used by the library on its own. */
  readonly defaultProfile: string | undefined;
  readonly profiles: ReadonlyMap<string, Profile>;
  /** The profile `name`; `PROFILE_UNKNOWN`, listing the profiles there are, when the file has none of that name. */
  profile(name: string): Profile;
}

const invalid = (path: string, line: number | undefined, message: string) =>
  profileError(ErrorCode.PROFILE_INVALID, path, line, message);

const HEADER = /^\s*\[\s*profiles\s*\.\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*\]/;

/**
 * `key` as a regular expression's text. The keys are the file's own, read before they are
 * checked: `"a(b" = 1` must be an unknown option on its line, not a broken expression.
 */
const regExpText = (key: string) => key.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');

/** A line that sets `key`: `key = …`, `"key" = …`. */
const keyLine = (key: string) => new RegExp(`^\\s*["']?${regExpText(key)}["']?\\s*=`);

/** The line of `key` in profile `name` (1-based), or of the profile's header; undefined when neither is found. */
function lineOf(lines: readonly string[], name: string, key?: string): number | undefined {
  const setting = key === undefined ? undefined : keyLine(key);
  let header: number | undefined;
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index] as string;
    const match = HEADER.exec(line);
    if (match) {
      if (header !== undefined) break;
      if ((match[1] ?? match[2] ?? match[3]) === name) header = index;
      continue;
    }
    if (header !== undefined && /^\s*\[/.test(line)) break;
    if (header !== undefined && setting?.test(line)) return index + 1;
  }
  return header === undefined ? undefined : header + 1;
}

function topLineOf(lines: readonly string[], key: string): number | undefined {
  const pattern = keyLine(key);
  const index = lines.findIndex((line) => pattern.test(line));
  return index === -1 ? undefined : index + 1;
}

function headerLineOf(lines: readonly string[], key: string): number | undefined {
  const pattern = new RegExp(`^\\s*\\[\\s*${regExpText(key)}\\b`);
  const index = lines.findIndex((line) => pattern.test(line));
  return index === -1 ? undefined : index + 1;
}

type Table = Record<string, unknown>;
const isTable = (value: unknown): value is Table =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** `openid, profile email` → ['openid', 'profile', 'email'], as the CLI splits a list. */
const splitList = (value: string) => value.split(/[\s,]+/).filter((item) => item !== '');

/** A profile value in the option's terms, or what it should have been. */
function profileValue(option: ProfileOption, raw: unknown): { value: unknown } | { problem: string } {
  switch (option.kind) {
    case 'boolean':
      if (typeof raw !== 'boolean') return { problem: 'true or false' };
      return { value: option.inverted ? !raw : raw };
    case 'integer':
      if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 0)
        return { problem: 'a whole number' };
      return { value: raw };
    case 'list':
      if (typeof raw === 'string') return { value: splitList(raw) };
      if (Array.isArray(raw) && raw.every((item) => typeof item === 'string'))
        return { value: raw.flatMap(splitList) };
      return { problem: 'a list of strings, e.g. ["openid", "profile"]' };
    case 'pairs':
      if (isTable(raw) && Object.values(raw).every((item) => typeof item === 'string'))
        return { value: { ...raw } };
      return { problem: 'a table of strings, e.g. { kc_idp_hint = "github" }' };
    case 'string':
      if (typeof raw !== 'string') return { problem: 'a string (in quotes)' };
      if (option.choices && !option.choices.includes(raw))
        return { problem: `one of ${option.choices.join(', ')}` };
      return { value: raw };
  }
}

function readProfile(path: string, lines: readonly string[], name: string, table: unknown): Profile {
  if (!isTable(table)) {
    throw invalid(
      path,
      lineOf(lines, name),
      `profiles.${name} must be a table of options ([profiles.${name}]).`,
    );
  }
  const settings: Record<string, unknown> = {};
  const settingLines: Record<string, number> = {};
  for (const [key, raw] of Object.entries(table)) {
    const line = lineOf(lines, name, key);
    const option = PROFILE_OPTIONS.get(key);
    if (!option) {
      throw invalid(
        path,
        line,
        `unknown option "${key}" in profile "${name}". A profile holds the options' flag names without "--": ${[...PROFILE_OPTIONS.keys()].join(', ')}.`,
      );
    }
    const converted = profileValue(option, raw);
    if ('problem' in converted) {
      throw invalid(path, line, `option "${key}" in profile "${name}" must be ${converted.problem}.`);
    }
    settings[option.setting] = converted.value;
    if (line !== undefined) settingLines[option.setting] = line;
  }
  const header = lineOf(lines, name);
  return { name, line: header, settings, lines: settingLines };
}

/**
 * Parses and checks the configuration file's text: `default-profile = "NAME"` and `[profiles.NAME]`
 * tables of options (by their flag names). Anything else — a TOML syntax error, an unknown key
 * or option, a value of the wrong kind, a default profile that is not there — throws
 * `PROFILE_INVALID` with the file, the line and the option.
 */
export function parseProfileFile(path: string, text: string): ProfileFile {
  let document: Table;
  try {
    document = parse(text) as Table;
  } catch (error) {
    if (error instanceof TomlError) {
      throw invalid(path, error.line, `not valid TOML: ${error.message.split('\n')[0]}`);
    }
    throw error;
  }
  const lines = text.split(/\r?\n/);
  const profiles = new Map<string, Profile>();
  let defaultProfile: string | undefined;
  for (const [key, value] of Object.entries(document)) {
    if (key === DEFAULT_PROFILE_KEY) {
      if (typeof value !== 'string')
        throw invalid(path, topLineOf(lines, key), `${key} must be a profile name in quotes.`);
      defaultProfile = value;
    } else if (key === 'profiles') {
      if (!isTable(value))
        throw invalid(path, topLineOf(lines, key), 'profiles must hold tables: [profiles.NAME].');
      for (const [name, table] of Object.entries(value))
        profiles.set(name, readProfile(path, lines, name, table));
    } else {
      throw invalid(
        path,
        topLineOf(lines, key) ?? headerLineOf(lines, key),
        `unknown key "${key}": the file holds ${DEFAULT_PROFILE_KEY} = "NAME" and [profiles.NAME] tables.`,
      );
    }
  }
  const names = [...profiles.keys()];
  if (defaultProfile !== undefined && !profiles.has(defaultProfile)) {
    throw invalid(path, topLineOf(lines, DEFAULT_PROFILE_KEY), unknownProfileText(defaultProfile, names));
  }
  return {
    path,
    text,
    defaultProfile,
    profiles,
    profile(name) {
      const profile = profiles.get(name);
      if (!profile)
        throw profileError(ErrorCode.PROFILE_UNKNOWN, path, undefined, unknownProfileText(name, names));
      return profile;
    },
  };
}
