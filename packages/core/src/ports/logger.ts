import { terminalMessage } from '../errors/terminal-text.js';
import type { Logger } from '../spec/ports.js';

export type { Logger } from '../spec/ports.js';

/**
 * Warnings to stderr; debug lines only when OIDCFLOW_DEBUG is set. Each is one line
 * (`terminalMessage`), whatever the IdP put into it.
 */
export function createStderrLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  const debugEnabled = Boolean(env.OIDCFLOW_DEBUG);
  return {
    debug(message) {
      if (debugEnabled) process.stderr.write(`oidcflow: ${terminalMessage(message)}\n`);
    },
    warn(message) {
      process.stderr.write(`oidcflow: warning: ${terminalMessage(message)}\n`);
    },
  };
}

export const silentLogger: Logger = { debug() {}, warn() {} };

/** Warnings already given in this process, by kind: one per kind is enough to tell the user. */
const warnedInProcess = new Set<string>();

/**
 * Says `message` through `log` the first time its `kind` comes up, so a bad IdP or a cache that
 * keeps failing cannot flood stderr. `seen` is the memory: by default the whole process; an
 * instance that should say things again passes its own set.
 */
export function warnOnce(
  log: Pick<Logger, 'warn'> | undefined,
  kind: string,
  message: string,
  seen: Set<string> = warnedInProcess,
): void {
  if (!log || seen.has(kind)) return;
  seen.add(kind);
  log.warn(message);
}
