import { CliError } from '../cli-error.js';
import { ExitCode, exitCodeForError } from '../exit-codes.js';
import { OPTION_TABLE } from '../options/option-table.js';
import { UsageError } from '../usage-error.js';
import type { Style } from './style.js';

// Core's messages name library options; where the command line spells the fix differently, say how.
const COMMAND_LINE_HINTS: Readonly<Record<string, string>> = {
  CLIENT_SECRET_MISSING:
    'On the command line: OIDCFLOW_CLIENT_SECRET=… in the environment, or --client-secret-file PATH.',
  NO_FLOW_AVAILABLE: 'Run `oidcflow explain` with the same options to see each flow and why it cannot run.',
  FLOW_NOT_INSTALLED: 'Run `oidcflow explain` with the same options to see which flows are installed.',
  NOT_LOGGED_IN:
    "Run `oidcflow login` in a terminal with the same options (with the --account the message names, if it names one; for kubectl: the args and env of the kubeconfig's exec entry), then try again.",
  ID_TOKEN_UNAVAILABLE: 'On the command line: --token-type access (OIDCFLOW_TOKEN_TYPE=access).',
  CA_CERT_NOT_FOUND: 'On the command line, caCertPath is OIDCFLOW_CA_CERT_PATH / --ca-cert-path.',
  CA_CERT_INVALID: 'On the command line, caCertPath is OIDCFLOW_CA_CERT_PATH / --ca-cert-path.',
  IDP_TLS_UNTRUSTED: 'On the command line, caCertPath is OIDCFLOW_CA_CERT_PATH / --ca-cert-path.',
};

/**
 * Core names its options in its words (`set the issuer option to "…"`); on the command line
 * each is a flag and a variable, which the option table knows: `the issuer option
 * (OIDCFLOW_ISSUER / --issuer)`.
 */
function withCommandLineNames(message: string): string {
  return message.replace(/\bthe (\w+) option\b/g, (phrase, key: string) => {
    const option = OPTION_TABLE.find((candidate) => candidate.key === key && !candidate.inverted);
    if (!option) return phrase;
    return `${phrase} (${option.env ? `${option.env} / ` : ''}--${option.flag})`;
  });
}

/**
 * Writes `oidcflow: <message> (<code>)` to stderr and returns the exit code. Core's messages
 * never hold a token or a secret; a stack (and its causes) is shown only with OIDCFLOW_DEBUG.
 * Any message but a usage error's may quote the IdP, so it passes core's `terminalMessage`
 * (one line, control, bidi and line-break characters spelled out as `\uXXXX`, bounded): no
 * IdP text can print a line of its own. Core loads only on that path.
 */
export async function reportError(
  error: unknown,
  stderr: { write(text: string): unknown },
  env: NodeJS.ProcessEnv,
  style: Style,
  interrupted: { signal?: 'SIGINT' | 'SIGTERM' } = {},
): Promise<number> {
  // Made safe before our own colours go around it.
  const core = error instanceof UsageError || interrupted.signal ? undefined : await import('@oidcflow/core');
  const safe = core ? core.terminalMessage : (text: string) => text;
  const prefix = style.red('oidcflow:');
  if (interrupted.signal) {
    stderr.write(`${prefix} interrupted (${interrupted.signal}); the token cache was left as it was.\n`);
    return interrupted.signal === 'SIGTERM' ? ExitCode.TERMINATED : ExitCode.INTERRUPTED;
  }
  let exitCode: number;
  if (error instanceof UsageError) {
    const help = error.command ? `oidcflow ${error.command} --help` : 'oidcflow --help';
    stderr.write(`${prefix} ${error.message}\nRun '${help}' for usage.\n`);
    exitCode = ExitCode.USAGE;
  } else if (core?.OidcflowError.isInstance(error)) {
    const hint = COMMAND_LINE_HINTS[error.code];
    const message = withCommandLineNames(safe(error.message));
    stderr.write(`${prefix} ${message} (${error.code})\n${hint ? `${hint}\n` : ''}`);
    exitCode = exitCodeForError(error.code);
  } else if (error instanceof CliError) {
    stderr.write(`${prefix} ${safe(error.message)}\n`);
    exitCode = error.exitCode;
  } else {
    const message = error instanceof Error ? error.message : String(error);
    stderr.write(`${prefix} ${safe(message)}\n`);
    exitCode = ExitCode.UNEXPECTED;
  }
  if (env.OIDCFLOW_DEBUG) {
    // Core's walk of the causes: with OIDCFLOW_DEBUG even a usage error may load core.
    const core = await import('@oidcflow/core');
    const stacks = causeChain(core, error);
    stderr.write(`${style.dim(stacks.join('\ncaused by: '))}\n`);
  }
  return exitCode;
}

/**
 * Each error of the cause chain as `Name: message` (one line by core's rule: a cause's message
 * may quote a server) and its stack frames, which are several lines of oidcflow's own.
 */
function causeChain(core: typeof import('@oidcflow/core'), error: unknown): string[] {
  return core
    .causeChain<object>(error, 5)
    .filter((link): link is Error => link instanceof Error)
    .map((link) => {
      // The stack starts with the message as it was when the error was made ("Error: …").
      const at = link.stack?.indexOf(link.message) ?? -1;
      const frames = link.stack && at >= 0 ? link.stack.slice(at + link.message.length) : '';
      return `${link.name}: ${core.terminalMessage(link.message)}${core.terminalLines(frames)}`;
    });
}
