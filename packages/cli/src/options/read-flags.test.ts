import { parseArgs } from 'node:util';
import { describe, expect, it } from 'vitest';
import { acceptedOptionsFor, COMMAND_NAMES, OPTION_TABLE, type OptionSpec } from './option-table.js';
import { FlagError, readFlags } from './read-flags.js';

/** What node:util's parseArgs answers for the same options: the values, or its error's message. */
function platformAnswer(args: readonly string[], options: readonly OptionSpec[]): unknown {
  const config: NonNullable<Parameters<typeof parseArgs>[0]>['options'] = {};
  for (const option of options) {
    config[option.flag] = {
      type: option.kind === 'boolean' ? 'boolean' : 'string',
      ...(option.kind === 'list' || option.kind === 'pairs' ? { multiple: true } : {}),
      ...(option.short ? { short: option.short } : {}),
    };
  }
  try {
    const { values } = parseArgs({ args: [...args], options: config, strict: true, allowPositionals: false });
    return { values: { ...values } };
  } catch (error) {
    return { error: (error as Error).message };
  }
}

function ownAnswer(args: readonly string[], options: readonly OptionSpec[]): unknown {
  try {
    return { values: Object.fromEntries(readFlags(args, options)) };
  } catch (error) {
    if (!(error instanceof FlagError)) throw error;
    return { error: error.message };
  }
}

/** Every command line of exactly `length` words drawn from `words`. */
function* commandLinesOf(words: readonly string[], length: number): Generator<string[]> {
  if (length === 0) {
    yield [];
    return;
  }
  for (const line of commandLinesOf(words, length - 1)) for (const word of words) yield [...line, word];
}

/** Words that exercise each rule: values, flags of each kind, shorts, groups, `=`, `--`, dashes. */
const WORDS = [
  '--issuer',
  '--issuer=https://x.example',
  '--issuer=',
  'https://y.example',
  '--scope',
  '--scope=openid',
  '--client-credentials',
  '--client-credentials=1',
  '--no-browser',
  '--nope',
  '--=x',
  '-o',
  '-otoken',
  '-o=x',
  '-o-h',
  '-h',
  '-ho',
  '-hx',
  '-x',
  '--',
  '-',
  '',
  'token',
  '-1',
];

describe('readFlags', () => {
  it('answers as node:util parseArgs (strict, no positionals) for every command line of up to three words', () => {
    const tokenOptions = acceptedOptionsFor('token');
    const warmPath = tokenOptions.filter((option) =>
      ['issuer', 'scope', 'output', 'client-credentials'].includes(option.flag),
    );
    let compared = 0;
    for (const options of [tokenOptions, warmPath, acceptedOptionsFor('login')]) {
      for (const length of [0, 1, 2, 3]) {
        for (const line of commandLinesOf(WORDS, length)) {
          expect(ownAnswer(line, options), JSON.stringify(line)).toEqual(platformAnswer(line, options));
          compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(3 * WORDS.length ** 3);
  });

  it('answers as parseArgs for the command lines of every command, flags of each kind repeated', () => {
    for (const command of COMMAND_NAMES) {
      const options = acceptedOptionsFor(command);
      for (const option of options) {
        const lines =
          option.kind === 'boolean'
            ? [[`--${option.flag}`], [`--${option.flag}`, `--${option.flag}`], [`--${option.flag}=yes`]]
            : [
                [`--${option.flag}`, 'a=1', `--${option.flag}=b=2`],
                [`--${option.flag}`],
                [`--${option.flag}`, '-v'],
              ];
        for (const line of lines) expect(ownAnswer(line, options)).toEqual(platformAnswer(line, options));
      }
    }
  });

  it('the table has no one-letter flag (parseArgs would take `-x` for a flag named x)', () => {
    expect(OPTION_TABLE.filter((option) => option.flag.length < 2)).toEqual([]);
  });
});
