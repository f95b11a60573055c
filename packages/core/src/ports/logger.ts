import { terminalLines } from '../errors/terminal-text.js';

/** Where oidcflow reports what it does. Never give it a token or a secret. */
export interface Logger {
  debug(message: string): void;
  warn(message: string): void;
}

/** Warnings to stderr; debug lines only when OIDCFLOW_DEBUG is set. */
export function createStderrLogger(env: NodeJS.ProcessEnv = process.env): Logger {
  const debugEnabled = Boolean(env.OIDCFLOW_DEBUG);
  return {
    debug(message) {
      if (debugEnabled) process.stderr.write(`oidcflow: ${terminalLines(message)}\n`);
    },
    warn(message) {
      process.stderr.write(`oidcflow: warning: ${terminalLines(message)}\n`);
    },
  };
}

export const silentLogger: Logger = { debug() {}, warn() {} };
