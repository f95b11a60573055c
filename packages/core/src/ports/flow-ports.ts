import type { Clock } from '../spec/ports.js';

export type { Clock, FlowPorts, PromptOutput } from '../spec/ports.js';

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
