import { interruptionOf } from './interrupt.js';
import type { CliIo, CommandContext, CommandRunner, OutputStream } from './io.js';
import { AUTH, COMMAND_NAMES, type CommandName } from './options/option-table.js';
import { parseCommandLine } from './options/parse.js';
import { createProgress } from './output/progress.js';
import { redact } from './output/redact.js';
import { reportError } from './output/report-error.js';
import { colourEnabled, createStyle } from './output/style.js';
import type { ProfiledCommandLine } from './profiles/apply-profile.js';
import { UsageError } from './usage-error.js';

// Taken with process.getBuiltinModule, not `import`: an ES import of node:module builds a facade
// over all of its exports, ≈ 0.2 ms of every command's start (Node 20 and 24, measured).
const { createRequire } = process.getBuiltinModule('node:module');

// Each command loads on demand: `oidcflow token` never parses the dev IdP's oidc-provider.
const COMMANDS: Record<CommandName, () => Promise<CommandRunner>> = {
  login: async () => (await import('./commands/login.js')).runLogin,
  token: async () => (await import('./commands/token.js')).runToken,
  logout: async () => (await import('./commands/logout.js')).runLogout,
  status: async () => (await import('./commands/status.js')).runStatus,
  explain: async () => (await import('./commands/explain.js')).runExplain,
  'git-credential': async () => (await import('./commands/git-credential.js')).runGitCredential,
  fetch: async () => (await import('./commands/fetch.js')).runFetch,
  accounts: async () => (await import('./commands/accounts.js')).runAccounts,
  profile: async () => (await import('./commands/profile.js')).runProfile,
  whoami: async () => (await import('./commands/whoami.js')).runWhoami,
  completion: async () => (await import('./commands/completion.js')).runCompletion,
  'dev-idp': async () => (await import('./commands/dev-idp.js')).runDevIdp,
};

export function cliVersion(): string {
  // By the package's own name, so it works from any file of the build (bundled or not).
  return (createRequire(import.meta.url)('@oidcflow/cli/package.json') as { version: string }).version;
}

function isCommandName(value: string): value is CommandName {
  return (COMMAND_NAMES as readonly string[]).includes(value);
}

/** stderr as commands and flows see it: a progress line is cleared first, secrets are filtered. */
function guardedStderr(stderr: OutputStream, secrets: Set<string>, clearProgress: () => void): OutputStream {
  return {
    write: (text: string) => {
      clearProgress();
      return stderr.write(redact(text, secrets));
    },
    get isTTY() {
      return stderr.isTTY;
    },
    get columns() {
      return stderr.columns;
    },
  };
}

/**
 * git runs a credential helper as `<helper command> <action>`: for git-credential the last
 * word, when it is not an option, is the action. Other commands take options only.
 */
function splitOperands(command: CommandName, args: string[]): { options: string[]; operands: string[] } {
  // `oidcflow accounts use NAME [options]`, `oidcflow profile set …`: the words before the first option.
  if (command === 'accounts' || command === 'profile' || command === 'completion') {
    const first = args.findIndex((arg) => arg.startsWith('-'));
    const end = first === -1 ? args.length : first;
    return { options: args.slice(end), operands: args.slice(0, end) };
  }
  const last = args.at(-1);
  if ((command === 'git-credential' || command === 'fetch') && last !== undefined && !last.startsWith('-')) {
    return { options: args.slice(0, -1), operands: [last] };
  }
  return { options: args, operands: [] };
}

/** Help, version, or the command to run with its arguments. */
type Invocation =
  | { kind: 'text'; text: string; exitCode: number; to: 'stdout' | 'stderr' }
  | { kind: 'command'; command: CommandName; args: string[] };

// Help text loads only when asked for: it is not on the path of `oidcflow token`.
const helpModule = () => import('./options/help.js');
const commandTable = () => import('./options/command-table.js');

async function commandHelp(command: CommandName): Promise<string> {
  const [{ renderCommandHelp }, { commandSpec }] = await Promise.all([helpModule(), commandTable()]);
  return renderCommandHelp(commandSpec(command)!);
}

async function interpret(args: readonly string[]): Promise<Invocation> {
  const [first, ...rest] = args;
  if (first === undefined) {
    const { renderTopHelp } = await helpModule();
    return { kind: 'text', text: renderTopHelp(cliVersion()), exitCode: 2, to: 'stderr' };
  }
  if (first === '--help' || first === '-h') {
    const { renderTopHelp } = await helpModule();
    return { kind: 'text', text: renderTopHelp(cliVersion()), exitCode: 0, to: 'stdout' };
  }
  if (first === 'help') {
    const topic = rest[0];
    if (topic !== undefined) {
      if (!isCommandName(topic)) throw unknownCommand(topic);
      return { kind: 'text', text: await commandHelp(topic), exitCode: 0, to: 'stdout' };
    }
    const { renderTopHelp } = await helpModule();
    return { kind: 'text', text: renderTopHelp(cliVersion()), exitCode: 0, to: 'stdout' };
  }
  if (first === '--version' || first === '-V') {
    return { kind: 'text', text: `${cliVersion()}\n`, exitCode: 0, to: 'stdout' };
  }
  if (!isCommandName(first)) throw unknownCommand(first);
  return { kind: 'command', command: first, args: rest };
}

function unknownCommand(word: string): UsageError {
  const commands = COMMAND_NAMES.join(', ');
  if (word.startsWith('-')) {
    return new UsageError(`a command comes first, before options like ${word}; commands: ${commands}.`);
  }
  return new UsageError(`unknown command ${JSON.stringify(word)}; commands: ${commands}.`);
}

/**
 * Runs one `oidcflow` invocation and resolves with its exit code. Never throws and never exits
 * the process, so tests can run it in-process with buffers for streams.
 */
export async function runCli(args: readonly string[], io: CliIo): Promise<number> {
  const colour = colourEnabled(io.stderr, io.env);
  const style = createStyle(colour);
  const secrets = new Set<string>();
  // Progress is decoration, so it follows the colour rule: a terminal, and no NO_COLOR.
  let progress: (message: string) => void = () => {};
  const stderr = guardedStderr(io.stderr, secrets, () => progress(''));
  progress = createProgress(io.stderr, colour);
  let command: CommandName | undefined;
  try {
    const invocation = await interpret(args);
    if (invocation.kind === 'text') {
      (invocation.to === 'stdout' ? io.stdout : stderr).write(invocation.text);
      return invocation.exitCode;
    }
    command = invocation.command;
    const { options, operands } = splitOperands(command, invocation.args);
    const parsed = parseCommandLine(command, options, io.env);
    // Settings of a login: flag > variable > profile (configuration file) > defaults.
    const { settings, origins, profile }: ProfiledCommandLine = AUTH.includes(command)
      ? await (await import('./profiles/apply-profile.js')).applyProfile(command, parsed, io.env)
      : parsed;
    if (settings.help) {
      io.stdout.write(await commandHelp(command));
      return 0;
    }
    const context: CommandContext = {
      ...io,
      stderr,
      settings,
      operands,
      origins,
      ...(profile ? { profile } : {}),
      style,
      progress,
      secrets,
      interrupted: new Promise<void>((resolve) => {
        if (io.signal.aborted) resolve();
        else io.signal.addEventListener('abort', () => resolve(), { once: true });
      }),
    };
    const run = await COMMANDS[command]();
    return await run(context);
  } catch (error) {
    progress('');
    if (error instanceof UsageError && command && !error.command) {
      return await reportError(new UsageError(error.message, command), stderr, io.env, style);
    }
    const signal = interruptionOf(io.signal);
    return await reportError(error, stderr, io.env, style, signal ? { signal } : {});
  }
}
