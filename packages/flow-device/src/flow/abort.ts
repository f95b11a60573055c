import { ErrorCode, OidcflowError } from '@oidcflow/core';
import { DEVICE_FLOW_NAME } from './constants.js';

/** LOGIN_ABORTED for the device flow, caused by the signal's reason (core's `untilAborted` takes it). */
export function abortedError(reason: unknown): OidcflowError {
  return new OidcflowError(
    ErrorCode.LOGIN_ABORTED,
    'The device login was stopped before it completed (the login was aborted). Run the login again when you are ready.',
    { cause: reason, flow: DEVICE_FLOW_NAME },
  );
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortedError(signal.reason);
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
    if (signal?.aborted) throw abortedError(signal.reason);
    throw error;
  }
  throwIfAborted(signal);
}
