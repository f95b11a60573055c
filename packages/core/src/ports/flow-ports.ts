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

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    }),
};

/**
 * Opens `url` in the user's browser (see `open-url.ts` for the order of openers). The opener
 * and `node:child_process` load on first use, so importing core stays off that cost.
 */
export async function openSystemBrowser(
  url: string,
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): Promise<boolean> {
  return (await import('./open-url.js')).openSystemBrowser(url, env, platform);
}
