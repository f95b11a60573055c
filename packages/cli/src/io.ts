import type { CliSettings } from './options/option-table.js';
import type { Style } from './output/style.js';

/** A stream the CLI writes to: `process.stdout`/`stderr`, or a buffer in tests. */
export interface OutputStream {
  /** Text, or bytes (`fetch` passes the answer on as it comes); false: wait for `drain`. */
  write(chunk: string | Uint8Array): unknown;
  /** A stream's `drain`, when it has one: writing bytes waits for it, so memory stays bounded. */
  once?(event: 'drain', listener: () => void): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

/** The outside world of one `oidcflow` run, injected so it can run in-process in tests. */
export interface CliIo {
  stdout: OutputStream;
  stderr: OutputStream;
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Aborted on Ctrl-C / SIGTERM (reason: `Interrupted`): stops a running login or request. */
  signal: AbortSignal;
}

export interface CommandContext extends CliIo {
  settings: CliSettings;
  /** Words after the options that are not options: git-credential's action. Empty elsewhere. */
  operands: readonly string[];
  /** Where each setting came from (`--issuer`, `OIDCFLOW_ISSUER`), for messages. */
  origins: Partial<Record<keyof CliSettings, string>>;
  /** The profile of the configuration file the settings came from, when one was used. */
  profile?: { name: string; path: string };
  /** Colours for stderr: plain text unless stderr is a TTY and NO_COLOR is unset. */
  style: Style;
  /** A transient progress line on stderr, shown only on a TTY without NO_COLOR; '' clears it. */
  progress(message: string): void;
  /**
   * Secrets and tokens this run has seen. Anything written to stderr passes through a filter
   * that replaces them, a second line of defence behind core's secret-free messages.
   */
  secrets: Set<string>;
  /** Resolves when `signal` aborts; long-running commands (dev-idp) wait on it. */
  interrupted: Promise<void>;
}

/** A command's entry point: resolves with the exit code. */
export type CommandRunner = (context: CommandContext) => Promise<number>;
