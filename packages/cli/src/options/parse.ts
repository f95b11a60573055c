import { UsageError } from '../usage-error.js';
import { acceptedOptionsFor, type CliSettings, type CommandName, type OptionSpec } from './option-table.js';
import { FlagError, type FlagValues, readFlags } from './read-flags.js';

/** `openid, profile email` → ['openid', 'profile', 'email']. */
export function splitList(value: string): string[] {
  return value.split(/[\s,]+/).filter((item) => item !== '');
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off']);

function booleanFromEnv(name: string, raw: string): boolean {
  const value = raw.trim().toLowerCase();
  if (TRUE_WORDS.has(value)) return true;
  if (FALSE_WORDS.has(value)) return false;
  throw new UsageError(
    `${name}=${JSON.stringify(raw)} is not a boolean: use 1 or 0, true or false, yes or no.`,
  );
}

function integerFrom(origin: string, raw: string): number {
  const value = raw.trim();
  if (!/^\d+$/.test(value))
    throw new UsageError(`${origin} needs a whole number, not ${JSON.stringify(raw)}.`);
  return Number(value);
}

function checkChoice(option: OptionSpec, origin: string, value: string): string {
  if (option.choices && !option.choices.includes(value)) {
    throw new UsageError(
      `${origin} must be one of ${option.choices.join(', ')}, not ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

/** `--auth-param a=1 --auth-param b=x,y` → { a: '1', b: 'x,y' }: values are kept whole. */
function pairsFrom(origin: string, raw: readonly string[]): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const item of raw) {
    const equals = item.indexOf('=');
    if (equals <= 0) throw new UsageError(`${origin} needs KEY=VALUE, not ${JSON.stringify(item)}.`);
    pairs[item.slice(0, equals)] = item.slice(equals + 1);
  }
  return pairs;
}

function fromFlag(option: OptionSpec, raw: unknown): CliSettings[keyof CliSettings] {
  const origin = `--${option.flag}`;
  switch (option.kind) {
    case 'boolean':
      return option.inverted ? !raw : Boolean(raw);
    case 'integer':
      return integerFrom(origin, raw as string);
    case 'list':
      return (raw as string[]).flatMap(splitList);
    case 'pairs':
      return pairsFrom(origin, raw as string[]);
    case 'string':
      return checkChoice(option, origin, raw as string);
  }
}

function fromEnv(option: OptionSpec, name: string, raw: string): CliSettings[keyof CliSettings] {
  switch (option.kind) {
    // The variable names the setting itself (OIDCFLOW_OPEN_BROWSER), so it is never inverted.
    case 'boolean':
      return booleanFromEnv(name, raw);
    case 'integer':
      return integerFrom(name, raw);
    case 'list':
      return splitList(raw);
    // Whitespace-separated KEY=VALUE words.
    case 'pairs':
      return pairsFrom(name, splitList(raw));
    case 'string':
      return checkChoice(option, name, raw);
  }
}

export interface ParsedCommandLine {
  settings: CliSettings;
  /** Which settings came from a flag or an environment variable, for messages. */
  origins: Partial<Record<keyof CliSettings, string>>;
}

const SECRET_FLAG = /^--client-secret(=|$)/;

/**
 * Parses a command's arguments: flag, else environment variable, else absent (core applies
 * the reference API's default). Throws `UsageError` for anything malformed.
 *
 * `options` narrows the table to some of the command's options (`oidcflow token`'s warm path:
 * those it can answer with); a flag outside them is then an unknown option, and the full CLI
 * parses again with them all.
 */
export function parseCommandLine(
  command: CommandName,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: readonly OptionSpec[] = acceptedOptionsFor(command),
): ParsedCommandLine {
  // Refused before parsing, so the value is never echoed in an "unknown option" message.
  if (args.some((arg) => SECRET_FLAG.test(arg))) {
    throw new UsageError(
      '--client-secret is not accepted: a secret on the command line is visible to other users (ps) and ' +
        'kept in shell history. Use the OIDCFLOW_CLIENT_SECRET environment variable, --client-secret-file PATH, ' +
        'or --client-secret-stdin.',
    );
  }
  let values: FlagValues;
  try {
    values = readFlags(args, options);
  } catch (error) {
    if (!(error instanceof FlagError)) throw error;
    throw new UsageError(`${error.message.replace(/\.?$/, '.')}`);
  }
  const settings: Record<string, unknown> = {};
  const origins: Record<string, string> = {};
  for (const option of options) {
    const raw = values.get(option.flag);
    if (raw !== undefined) {
      settings[option.key] = fromFlag(option, raw);
      origins[option.key] = `--${option.flag}`;
      continue;
    }
    const envValue = option.env ? env[option.env] : undefined;
    if (option.env && envValue !== undefined && envValue !== '') {
      settings[option.key] = fromEnv(option, option.env, envValue);
      origins[option.key] = option.env;
    }
  }
  return { settings: settings as CliSettings, origins: origins as ParsedCommandLine['origins'] };
}
