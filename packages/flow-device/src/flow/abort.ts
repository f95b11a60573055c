import { ErrorCode, OidcflowError } from '@oidcflow/core';
import { DEVICE_FLOW_NAME } from './constants.js';

export function abortedError(signal: AbortSignal): OidcflowError {
  return new OidcflowError(
    ErrorCode.LOGIN_ABORTED,
    'The device login was stopped before it completed (the login was aborted). Run the login again when you are ready.',
    { cause: signal.reason, flow: DEVICE_FLOW_NAME },
  );
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortedError(signal);
}

/**
 * Settles with `work`, or rejects with LOGIN_ABORTED as soon as `signal` aborts. openid-client
 * takes no signal for token requests, so an abandoned request ends by its own timeout; its
 * outcome is ignored.
 */
export function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) {
    work.catch(() => {});
    return Promise.reject(abortedError(signal));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(abortedError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** `clock.sleep`, turning an abort into LOGIN_ABORTED. */
export async function sleepUnlessAborted(
  sleep: (milliseconds: number, signal?: AbortSignal) => Promise<void>,
  milliseconds: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  throwIfAborted(signal);
  try {
    await sleep(milliseconds, signal);
  } catch (error) {
    if (signal?.aborted) throw abortedError(signal);
    throw error;
  }
  throwIfAborted(signal);
}
