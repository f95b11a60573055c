// The outside world as core and flows see it: types only (the defaults are in ports/).

/** Time, injected so tests can run polling and timeouts on a fake clock. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or rejects with the signal's reason when it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** A stream the prompts go to (stderr by default, never stdout). */
export interface PromptOutput {
  write(text: string): unknown;
  isTTY?: boolean | undefined;
  columns?: number | undefined;
}

/**
 * The outside world of a flow. Core fills in the defaults; a caller (or a test, or the
 * conformance harness driving Playwright) replaces any of them through `OidcAuthOptions.ports`.
 */
export interface FlowPorts {
  /** Opens `url` in the user's browser; resolves false when no browser could be started. */
  openUrl(url: string): Promise<boolean>;
  output: PromptOutput;
  clock: Clock;
}

/** Where oidcflow reports what it does. Never give it a token or a secret. */
export interface Logger {
  debug(message: string): void;
  warn(message: string): void;
}
