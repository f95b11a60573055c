import { parse, TomlError } from 'smol-toml';
import { type CliSettings, OPTION_TABLE, type OptionSpec } from '../options/option-table.js';
import { splitList } from '../options/parse.js';
import { configError } from './config-file.js';

/** The key of the configuration file's top level that names the profile used when none is given. */
export const DEFAULT_PROFILE_KEY = 'default-profile';

/** Options a profile may not set: they are about one run, not about a setting. */
const NOT_IN_PROFILES = new Set([
  'help',
  'profile',
  'output',
  'include-refresh-token',
  'client-secret-stdin',
  'data-stdin',
  'method',
  'content-type',
  'port',
]);

/** Every option a profile may hold, by its flag name (the profile's key). */
export const PROFILE_OPTIONS: ReadonlyMap<string, OptionSpec> = new Map(
  OPTION_TABLE.filter((option) => !NOT_IN_PROFILES.has(option.flag)).map((option) => [option.flag, option]),
);

/** One profile's settings, with the line each came from. */
export interface Profile {
  name: string;
  settings: CliSettings;
  /** The file's line for each setting, for `explain` and messages. */
  lines: Partial<Record<keyof CliSettings, number>>;
}

/** The configuration file, parsed and checked. */
export interface ConfigDocument {
  path: string;
  defaultProfile?: string;
  profiles: ReadonlyMap<string, Profile>;
}

const HEADER = /^\s*\[\s*profiles\s*\.\s*(?:"([^"]*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*\]/;

/** The line of `key` in profile `name` (1-based), or of the profile's header; undefined when neither is found. */
export function lineOf(text: string, name: string, key?: string): number | undefined {
  const lines = text.split(/\r?\n/);
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
    if (
      header !== undefined &&
      key &&
      new RegExp(`^\\s*["']?${key.replace(/[-]/g, '\\-')}["']?\\s*=`).test(line)
    ) {
      return index + 1;
    }
  }
  return header === undefined ? undefined : header + 1;
}

function topLineOf(text: string, key: string): number | undefined {
  const index = text.split(/\r?\n/).findIndex((line) => new RegExp(`^\\s*["']?${key}["']?\\s*=`).test(line));
  return index === -1 ? undefined : index + 1;
}

type Json = Record<string, unknown>;
const isTable = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);

/** A profile value in the option's terms, or why it is not one. */
function profileValue(option: OptionSpec, raw: unknown): { value: unknown } | { problem: string } {
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

function readProfile(path: string, text: string, name: string, table: unknown): Profile {
  if (!isTable(table)) {
    throw configError(
      path,
      lineOf(text, name),
      `profiles.${name} must be a table of options ([profiles.${name}]).`,
    );
  }
  const settings: Record<string, unknown> = {};
  const lines: Record<string, number> = {};
  for (const [key, raw] of Object.entries(table)) {
    const line = lineOf(text, name, key);
    const option = PROFILE_OPTIONS.get(key);
    if (!option) {
      throw configError(
        path,
        line,
        `unknown option "${key}" in profile "${name}". A profile holds the options' flag names without "--": ${[...PROFILE_OPTIONS.keys()].join(', ')}.`,
      );
    }
    const converted = profileValue(option, raw);
    if ('problem' in converted) {
      throw configError(path, line, `option "${key}" in profile "${name}" must be ${converted.problem}.`);
    }
    settings[option.key] = converted.value;
    if (line !== undefined) lines[option.key] = line;
  }
  return { name, settings: settings as CliSettings, lines: lines as Profile['lines'] };
}

/**
 * Parses and checks the configuration file's text: `default-profile = "NAME"` and
 * `[profiles.NAME]` tables of options (their flag names). Anything else — a TOML syntax error,
 * an unknown key or option, a value of the wrong kind — throws with the file, line and option.
 */
export function parseConfig(path: string, text: string): ConfigDocument {
  let document: Json;
  try {
    document = parse(text) as Json;
  } catch (error) {
    if (error instanceof TomlError) {
      throw configError(path, error.line, `not valid TOML: ${error.message.split('\n')[0]}`);
    }
    throw error;
  }
  const profiles = new Map<string, Profile>();
  let defaultProfile: string | undefined;
  for (const [key, value] of Object.entries(document)) {
    if (key === DEFAULT_PROFILE_KEY) {
      if (typeof value !== 'string')
        throw configError(path, topLineOf(text, key), `${key} must be a profile name in quotes.`);
      defaultProfile = value;
    } else if (key === 'profiles') {
      if (!isTable(value))
        throw configError(path, topLineOf(text, key), 'profiles must hold tables: [profiles.NAME].');
      for (const [name, table] of Object.entries(value))
        profiles.set(name, readProfile(path, text, name, table));
    } else {
      throw configError(
        path,
        topLineOf(text, key) ?? headerLineOf(text, key),
        `unknown key "${key}": the file holds ${DEFAULT_PROFILE_KEY} = "NAME" and [profiles.NAME] tables.`,
      );
    }
  }
  if (defaultProfile !== undefined && !profiles.has(defaultProfile)) {
    throw configError(
      path,
      topLineOf(text, DEFAULT_PROFILE_KEY),
      unknownProfileText(defaultProfile, profiles),
    );
  }
  return { path, ...(defaultProfile !== undefined ? { defaultProfile } : {}), profiles };
}

function headerLineOf(text: string, key: string): number | undefined {
  const index = text.split(/\r?\n/).findIndex((line) => new RegExp(`^\\s*\\[\\s*${key}\\b`).test(line));
  return index === -1 ? undefined : index + 1;
}

/** `no profile "x"; profiles: a, b` — what an unknown profile name is told. */
export function unknownProfileText(name: string, profiles: ReadonlyMap<string, Profile>): string {
  const known = [...profiles.keys()];
  return `no profile "${name}"; ${known.length > 0 ? `the profiles are: ${known.join(', ')}` : 'the file defines no profile'}.`;
}
