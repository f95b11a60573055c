import type { CommandContext } from '../io.js';
import { COMMAND_TABLE } from '../options/command-table.js';
import { helpOf } from '../options/option-help.js';
import { acceptedOptionsFor, type CommandName, type OptionSpec } from '../options/option-table.js';
import { UsageError } from '../usage-error.js';

/** Words after the command that are not options: `accounts use`, `profile set`, git's actions. */
const SUBCOMMANDS: Partial<Record<CommandName, readonly string[]>> = {
  accounts: ['use'],
  profile: ['list', 'show', 'set', 'use'],
  'git-credential': ['get', 'store', 'erase'],
  completion: ['bash', 'zsh', 'fish'],
};

const flagsOf = (option: OptionSpec) => [`--${option.flag}`, ...(option.short ? [`-${option.short}`] : [])];

/** Per command: its flags, and the values of the flags that have a fixed set of them. */
function commandWords(command: CommandName) {
  const options = acceptedOptionsFor(command);
  return {
    flags: [...new Set(options.flatMap(flagsOf))],
    choices: options
      .filter((option) => option.choices)
      .map((option) => ({ flags: flagsOf(option), values: option.choices! })),
    words: SUBCOMMANDS[command] ?? [],
  };
}

const quote = (text: string) => `'${text.replaceAll("'", "'\\''")}'`;

function bash(): string {
  const names = COMMAND_TABLE.map((command) => command.name).join(' ');
  const cases = COMMAND_TABLE.map(({ name }) => {
    const { flags, choices, words } = commandWords(name);
    const values = choices.map(
      (choice) =>
        `        ${choice.flags.join('|')}) COMPREPLY=( $(compgen -W ${quote(choice.values.join(' '))} -- "$cur") ); return ;;`,
    );
    return [
      `    ${name})`,
      '      case "$prev" in',
      ...values,
      '      esac',
      `      COMPREPLY=( $(compgen -W ${quote([...words, ...flags].join(' '))} -- "$cur") ) ;;`,
    ].join('\n');
  });
  return [
    '# oidcflow completion for bash: eval "$(oidcflow completion bash)" in ~/.bashrc',
    '_oidcflow() {',
    '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}"',
    '  if [ "$COMP_CWORD" -eq 1 ]; then',
    `    COMPREPLY=( $(compgen -W ${quote(`${names} help --help --version`)} -- "$cur") )`,
    '    return',
    '  fi',
    '  case "${COMP_WORDS[1]}" in',
    ...cases,
    '  esac',
    '}',
    'complete -o default -F _oidcflow oidcflow',
    '',
  ].join('\n');
}

function zsh(): string {
  const names = COMMAND_TABLE.map((command) => command.name).join(' ');
  const cases = COMMAND_TABLE.map(({ name }) => {
    const { flags, choices, words } = commandWords(name);
    const values = choices.map(
      (choice) => `        ${choice.flags.join('|')}) compadd -- ${choice.values.join(' ')}; return ;;`,
    );
    return [
      `    ${name})`,
      '      case "$prev" in',
      ...values,
      '      esac',
      `      compadd -- ${[...words, ...flags].join(' ')} ;;`,
    ].join('\n');
  });
  return [
    '#compdef oidcflow',
    '# oidcflow completion for zsh: source <(oidcflow completion zsh) in ~/.zshrc',
    '_oidcflow() {',
    '  local prev="${words[CURRENT-1]}"',
    '  if (( CURRENT == 2 )); then',
    `    compadd -- ${names} help --help --version`,
    '    return',
    '  fi',
    '  case "${words[2]}" in',
    ...cases,
    '  esac',
    '}',
    'if (( ! $+functions[compdef] )); then autoload -Uz compinit && compinit; fi',
    'compdef _oidcflow oidcflow',
    '',
  ].join('\n');
}

function fish(): string {
  const lines = [
    '# oidcflow completion for fish: oidcflow completion fish > ~/.config/fish/completions/oidcflow.fish',
    'complete -c oidcflow -f',
  ];
  for (const command of COMMAND_TABLE) {
    lines.push(
      `complete -c oidcflow -n __fish_use_subcommand -a ${command.name} -d ${quote(command.summary)}`,
    );
    const when = `'__fish_seen_subcommand_from ${command.name}'`;
    for (const word of SUBCOMMANDS[command.name] ?? [])
      lines.push(`complete -c oidcflow -n ${when} -a ${word}`);
    const seen = new Set<string>();
    for (const option of acceptedOptionsFor(command.name)) {
      if (seen.has(option.flag)) continue;
      seen.add(option.flag);
      const short = option.short ? ` -s ${option.short}` : '';
      const value =
        option.kind === 'boolean' ? '' : option.choices ? ` -x -a ${quote(option.choices.join(' '))}` : ' -r';
      lines.push(
        `complete -c oidcflow -n ${when} -l ${option.flag}${short}${value} -d ${quote(helpOf(option).description)}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

const SHELLS = { bash, zsh, fish } as const;

/** `oidcflow completion bash|zsh|fish`: the completion script, made from the command and option tables. */
export async function runCompletion(context: CommandContext): Promise<number> {
  const [shell, ...extra] = context.operands;
  if (!shell || extra.length > 0 || !Object.hasOwn(SHELLS, shell)) {
    throw new UsageError('name a shell: oidcflow completion bash, zsh or fish.');
  }
  context.stdout.write(SHELLS[shell as keyof typeof SHELLS]());
  return 0;
}
