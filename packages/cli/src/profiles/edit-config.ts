import { splitList } from '../options/parse.js';
import { configError, readConfigText } from './config-file.js';
import { DEFAULT_PROFILE_KEY, lineOf, PROFILE_OPTIONS, parseConfig } from './profile-document.js';

const { mkdirSync, renameSync, writeFileSync } = process.getBuiltinModule('node:fs');
const { dirname } = process.getBuiltinModule('node:path');

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
export function valueFromWords(option: string, words: readonly string[]): unknown {
  const spec = PROFILE_OPTIONS.get(option);
  if (!spec) return undefined;
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
 */
export function withSetting(text: string, name: string | undefined, key: string, value: unknown): string {
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
  const header = lineOf(text, name);
  const keyLine = lineOf(text, name, key);
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
 * Writes the configuration file after checking the new text parses and validates, through a
 * file beside it renamed over it: the file is never left half written, and a change that
 * would make it invalid is refused.
 */
export function writeConfig(path: string, text: string): void {
  parseConfig(path, text);
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, path);
}

/** `oidcflow profile set NAME OPTION VALUE…`: the new text of the file at `path`. */
export function setProfileOption(path: string, name: string, option: string, words: readonly string[]): void {
  if (!PROFILE_OPTIONS.has(option)) {
    throw configError(
      path,
      undefined,
      `unknown option "${option}". A profile holds the options' flag names without "--": ${[...PROFILE_OPTIONS.keys()].join(', ')}.`,
    );
  }
  let value: unknown;
  try {
    value = valueFromWords(option, words);
  } catch (error) {
    throw configError(path, undefined, `${(error as Error).message}.`);
  }
  writeConfig(path, withSetting(readConfigText(path) ?? '', name, option, value));
}

/** `oidcflow profile use NAME`: sets `default-profile`. */
export function useProfile(path: string, name: string): void {
  writeConfig(path, withSetting(readConfigText(path) ?? '', undefined, DEFAULT_PROFILE_KEY, name));
}
