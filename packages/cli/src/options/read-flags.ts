import type { OptionSpec } from './option-table.js';

/** What the flags of a command line gave, by flag name: a value, `true`, or every value of a repeatable option. */
export type FlagValues = Map<string, string | true | string[]>;

/** A malformed command line; `parseCommandLine` turns it into a usage error. */
export class FlagError extends Error {
  override name = 'FlagError';
}

const takesValue = (option: OptionSpec) => option.kind !== 'boolean';
const repeatable = (option: OptionSpec) => option.kind === 'list' || option.kind === 'pairs';

/**
 * Reads the flags of a command line against some options of the table, the way `node:util`'s
 * `parseArgs` does with `strict: true` and no positionals (`--flag value`, `--flag=value`, `-o value`,
 * `-ovalue`, grouped short booleans `-ho`, `--` ending the flags; a repeated flag: its last value, or
 * every value of a list), with its messages. test/read-flags.test.ts holds the two to the same
 * answer, value or error, for the same command lines.
 *
 * The speed device of the CLI's parsing, in this one module: `oidcflow token`'s warm path parses
 * on every call (kubectl and git start it for each request), and parseArgs costs a new process
 * 0.6–1.1 ms for its module and its first call with the warm path's ten options (Node 20 and
 * 24). With this instead, a warm `oidcflow token` spends 0.6 ms less CPU (A/B of the two builds:
 * both runs on Node 20, three of five on Node 24; bench/RESULTS.md, "Fourth session").
 */
export function readFlags(args: readonly string[], options: readonly OptionSpec[]): FlagValues {
  const byFlag = new Map(options.map((option) => [option.flag, option]));
  const byShort = new Map(options.filter((option) => option.short).map((option) => [option.short, option]));
  const values: FlagValues = new Map();
  const remaining = [...args];

  const store = (option: OptionSpec, value: string | true) => {
    if (!repeatable(option)) {
      values.set(option.flag, value);
      return;
    }
    const list = values.get(option.flag);
    if (Array.isArray(list)) list.push(value as string);
    else values.set(option.flag, [value as string]);
  };
  /**
   * One option as written (`rawName`: `--issuer`, `-o`), with its value written after `=` or
   * joined to a short flag (`inline`), or the next argument when the option takes one.
   */
  const take = (option: OptionSpec | undefined, rawName: string, inline: string | undefined) => {
    if (!option) throw new FlagError(`Unknown option '${rawName}'`);
    const written = `${option.short ? `-${option.short}, ` : ''}--${option.flag}`;
    if (!takesValue(option)) {
      if (inline !== undefined) throw new FlagError(`Option '${written}' does not take an argument`);
      store(option, true);
      return;
    }
    if (inline !== undefined) {
      store(option, inline);
      return;
    }
    const value = remaining.shift();
    if (value === undefined) throw new FlagError(`Option '${written} <value>' argument missing`);
    // `--issuer --help`: more likely a forgotten value than an issuer named "--help".
    if (value.length > 1 && value.startsWith('-')) {
      const example = rawName.startsWith('--')
        ? `'${rawName}=-XYZ'`
        : `'--${option.flag}=-XYZ' or '${rawName}-XYZ'`;
      throw new FlagError(
        `Option '${rawName}' argument is ambiguous.\nDid you forget to specify the option argument for '${rawName}'?\n` +
          `To specify an option argument starting with a dash use ${example}.`,
      );
    }
    store(option, value);
  };

  for (let arg = remaining.shift(); arg !== undefined; arg = remaining.shift()) {
    if (arg === '--') {
      // After `--` every word is a positional, and no command takes one: the first is refused below.
      arg = remaining.shift();
      if (arg === undefined) break;
    } else if (arg.startsWith('--')) {
      const equals = arg.indexOf('=', 3);
      const name = equals === -1 ? arg.slice(2) : arg.slice(2, equals);
      take(byFlag.get(name), `--${name}`, equals === -1 ? undefined : arg.slice(equals + 1));
      continue;
    } else if (arg.length >= 2 && arg.startsWith('-')) {
      const option = byShort.get(arg[1] as string);
      if (arg.length === 2 || (option && takesValue(option))) {
        // `-o value`, or `-ovalue`.
        take(option, arg.slice(0, 2), arg.length === 2 ? undefined : arg.slice(2));
        continue;
      }
      // `-ho token` is `-h -o token`; a short option that takes a value takes the rest (`-hotoken`).
      const group: string[] = [];
      for (let index = 1; index < arg.length; index++) {
        const member = byShort.get(arg[index] as string);
        if (member && takesValue(member) && index < arg.length - 1) {
          group.push(`-${arg.slice(index)}`);
          break;
        }
        group.push(`-${arg[index]}`);
      }
      remaining.unshift(...group);
      continue;
    }
    throw new FlagError(`Unexpected argument '${arg}'. This command does not take positional arguments`);
  }
  return values;
}
