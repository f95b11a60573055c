import { type Clock, ErrorCode, OidcflowError } from '@oidcflow/core';
import type { LoopbackListener, ReceivedCallback } from '../listener/loopback-listener.js';

export interface AwaitCallbackOptions {
  clock: Clock;
  timeoutSeconds: number;
  signal?: AbortSignal;
}

export function loginAborted(reason: unknown): OidcflowError {
  return new OidcflowError(ErrorCode.LOGIN_ABORTED, 'The login was stopped before it completed.', {
    cause: reason,
    flow: 'auth_code',
  });
}

/** Waits for the listener's accepted response, at most `timeoutSeconds`, until `signal` aborts. */
export async function awaitCallback(
  listener: LoopbackListener,
  options: AwaitCallbackOptions,
): Promise<ReceivedCallback> {
  const { signal } = options;
  if (signal?.aborted) throw loginAborted(signal.reason);
  const timer = new AbortController();
  let onAbort: (() => void) | undefined;
  try {
    return await new Promise<ReceivedCallback>((resolve, reject) => {
      listener.callback.then(resolve, reject);
      onAbort = () => reject(loginAborted(signal?.reason));
      signal?.addEventListener('abort', onAbort, { once: true });
      options.clock.sleep(options.timeoutSeconds * 1000, timer.signal).then(
        () =>
          reject(
            new OidcflowError(
              ErrorCode.LOGIN_TIMEOUT,
              `The browser did not return to ${listener.redirectUri} within ${options.timeoutSeconds} seconds. ` +
                'Run the login again and finish it sooner, raise callbackTimeoutSeconds, or use the device ' +
                "flow (flow: 'device') when the browser cannot reach this machine.",
              { flow: 'auth_code' },
            ),
          ),
        // The timer was cancelled because the wait ended some other way.
        () => {},
      );
    });
  } finally {
    timer.abort();
    if (onAbort) signal?.removeEventListener('abort', onAbort);
  }
}
