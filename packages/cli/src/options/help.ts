import { EXIT_CODE_DESCRIPTIONS } from '../exit-codes.js';
import { COMMAND_TABLE, type CommandSpec } from './command-table.js';
import { helpOf } from './option-help.js';
import { ENVIRONMENT_ONLY, OPTION_TABLE, type OptionSpec, optionsFor } from './option-table.js';

function flagText(option: OptionSpec): string {
  const short = option.short ? `-${option.short}, ` : '';
  const value = option.kind === 'boolean' ? '' : ` ${helpOf(option).placeholder ?? 'VALUE'}`;
  return `${short}--${option.flag}${value}`;
}

function optionLine(option: OptionSpec, width: number): string {
  const help = helpOf(option);
  const notes = [
    // An inverted flag's description already shows its variable with the value that matches.
    option.env && !option.inverted ? `env ${option.env}` : '',
    help.defaultText ? `default: ${help.defaultText}` : '',
  ].filter(Boolean);
  const suffix = notes.length > 0 ? ` [${notes.join('; ')}]` : '';
  return `  ${flagText(option).padEnd(width)}  ${help.description}${suffix}`;
}

export function renderCommandHelp(command: CommandSpec): string {
  const options = optionsFor(command.name);
  const ignored = [
    ...new Set(
      OPTION_TABLE.filter((option) => option.ignoredBy?.includes(command.name)).map(
        (option) => `--${option.flag}`,
      ),
    ),
  ];
  const width = Math.max(...options.map((option) => flagText(option).length));
  return [
    `oidcflow ${command.name} — ${command.summary}`,
    '',
    `Usage: oidcflow ${command.name} ${command.usage ?? '[options]'}`,
    '',
    command.description,
    '',
    'Options (flag > environment variable > default):',
    ...options.map((option) => optionLine(option, width)),
    ...(ignored.length > 0
      ? ['', `Also accepted and ignored, so the same flags work for every command: ${ignored.join(', ')}.`]
      : []),
    '',
    'Examples:',
    ...command.examples.map((example) => `  ${example}`),
    '',
  ].join('\n');
}

export function renderTopHelp(version: string): string {
  const width = Math.max(...COMMAND_TABLE.map((command) => command.name.length));
  return [
    `oidcflow ${version} — OIDC login for the command line`,
    '',
    'Usage: oidcflow <command> [options]',
    '',
    'Commands:',
    ...COMMAND_TABLE.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Run `oidcflow <command> --help` for its options. Settings come from flags, else from',
    'OIDCFLOW_* environment variables (OIDCFLOW_ISSUER, OIDCFLOW_CLIENT_ID, …).',
    '',
    'Environment only:',
    ...ENVIRONMENT_ONLY.map((variable) => `  ${variable.name}: ${variable.description}`),
    '',
    'Try it: `oidcflow dev-idp` in one terminal, then follow what it prints in another.',
    '',
    'Exit codes:',
    ...Object.entries(EXIT_CODE_DESCRIPTIONS).map(([code, text]) => `  ${code.padStart(3)}  ${text}`),
    '',
  ].join('\n');
}

/** The README's option table, generated so it cannot drift from the parser (a test compares). */
export function renderOptionsMarkdown(): string {
  const seen = new Set<string>();
  const rows = ['| flag | environment variable | commands | meaning |', '| --- | --- | --- | --- |'];
  for (const option of OPTION_TABLE) {
    const id = `${option.flag}:${option.commands.join(',')}`;
    if (seen.has(id) || option.flag === 'help') continue;
    seen.add(id);
    const choices = option.choices ? `: ${option.choices.map((choice) => `\`${choice}\``).join(', ')}` : '';
    const { defaultText, description } = helpOf(option);
    const fallback = defaultText ? `; default ${markdownCode(defaultText)}` : '';
    const commands = option.commands.length >= 5 ? 'all but dev-idp' : option.commands.join(', ');
    rows.push(
      `| \`${flagText(option)}\` | ${option.env ? `\`${option.env}\`` : ''} | ${commands} | ${description}${choices}${fallback} |`,
    );
  }
  rows.push('', '| environment variable (no flag) | meaning |', '| --- | --- |');
  for (const variable of ENVIRONMENT_ONLY) rows.push(`| \`${variable.name}\` | ${variable.description} |`);
  return `${rows.join('\n')}\n`;
}

// Defaults such as `http://127.0.0.1:<callback-port>/callback` would read as HTML in Markdown.
function markdownCode(text: string): string {
  return /[<>]/.test(text) ? `\`${text}\`` : text;
}

export function renderExitCodesMarkdown(): string {
  const rows = ['| code | meaning |', '| --- | --- |'];
  for (const [code, text] of Object.entries(EXIT_CODE_DESCRIPTIONS)) rows.push(`| ${code} | ${text} |`);
  return `${rows.join('\n')}\n`;
}
