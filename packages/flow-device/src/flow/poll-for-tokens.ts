import {
  type Clock,
  type DevicePollOutcome,
  ErrorCode,
  type Logger,
  OidcflowError,
  type TokenSet,
  untilAborted,
} from '@oidcflow/core';
import { abortedError, sleepUnlessAborted, throwIfAborted } from './abort.js';
import {
  DEVICE_FLOW_NAME,
  MAX_BACKOFF_SECONDS,
  MAX_INTERVAL_SECONDS,
  MAX_SERVER_ERROR_RETRIES,
  SLOW_DOWN_INCREMENT_SECONDS,
} from './constants.js';

/**
 * Seconds to wait after `consecutiveFailures` connection or server errors in a row (RFC 8628
 * §3.5: "exponential backoff"): the interval doubled per failure, capped at
 * `MAX_BACKOFF_SECONDS`, never less than the interval itself, and at least `retryAfterSeconds`
 * when the server asked for that.
 */
export function backoffSeconds(
  intervalSeconds: number,
  consecutiveFailures: number,
  retryAfterSeconds?: number,
): number {
  const doubled = intervalSeconds * 2 ** Math.min(consecutiveFailures, 16);
  const backoff = Math.max(intervalSeconds, Math.min(doubled, MAX_BACKOFF_SECONDS));
  return Math.max(backoff, retryAfterSeconds ?? 0);
}

export interface PollOptions {
  clock: Clock;
  signal?: AbortSignal;
  /** Seconds between polls as the IdP asked (RFC 8628 §3.2), 5 when it did not say. */
  intervalSeconds: number;
  /** Epoch ms when the device code expires; no poll is sent at or after it. */
  expiresAt: number;
  /** The code's lifetime as the IdP gave it, for messages and to bound the loop. */
  expiresInSeconds: number;
  /**
   * One device-code token request (core's `pollDeviceAuthorization`): tokens, or what to do
   * next; it throws what ends the login.
   */
  requestTokens: () => Promise<DevicePollOutcome>;
  log: Logger;
  /** Called after every poll that did not end the login (to refresh a prompt). */
  onPending?: () => void;
}

function deadlineReached(expiresInSeconds: number): OidcflowError {
  return new OidcflowError(
    ErrorCode.LOGIN_TIMEOUT,
    `The device login was not approved within the ${expiresInSeconds} seconds the code is valid, so oidcflow stopped waiting. ` +
      'Run the login again and enter the new code before it expires.',
    { flow: DEVICE_FLOW_NAME },
  );
}

/**
 * Polls the token endpoint until the user approves (RFC 8628 §3.4–3.5): first after one
 * interval; `authorization_pending` keeps the interval; `slow_down` adds 5 seconds for this
 * and every later poll; a connection error or a 5xx without an OAuth body backs off
 * exponentially (a few 5xx or 429 in a row end the login); any other error ends it at once. No
 * poll is sent at or after `expiresAt`. All waiting goes through `clock`, so tests can run
 * this on a fake clock; `signal` stops it at once.
 */
export async function pollForTokens(options: PollOptions): Promise<TokenSet> {
  const { clock, signal, log } = options;
  // Whole seconds of at least 1, so the deadline also bounds the number of polls.
  let intervalSeconds = Math.max(1, Math.ceil(options.intervalSeconds));
  let waitSeconds = intervalSeconds;
  let connectionFailures = 0;
  let serverFailures = 0;
  // A clock whose time does not move (a broken fake) still cannot make this loop endless.
  const maxPolls = Math.ceil(options.expiresInSeconds) + 1;
  for (let poll = 1; poll <= maxPolls; poll++) {
    if (clock.now() + waitSeconds * 1000 >= options.expiresAt) break;
    await sleepUnlessAborted(clock.sleep, waitSeconds * 1000, signal);
    let outcome: DevicePollOutcome;
    try {
      outcome = await untilAborted(options.requestTokens(), signal, abortedError);
    } catch (error) {
      throwIfAborted(signal);
      throw error;
    }
    switch (outcome.kind) {
      case 'tokens':
        return outcome.tokens;
      case 'authorization_pending':
        connectionFailures = 0;
        serverFailures = 0;
        waitSeconds = intervalSeconds;
        break;
      case 'slow_down':
        connectionFailures = 0;
        serverFailures = 0;
        // Bounded: an IdP that answers slow_down forever cannot stretch the wait without end.
        intervalSeconds = Math.min(MAX_INTERVAL_SECONDS, intervalSeconds + SLOW_DOWN_INCREMENT_SECONDS);
        waitSeconds = intervalSeconds;
        log.debug(`the IdP asked to slow down; polling every ${intervalSeconds} s from now on`);
        break;
      case 'unreachable':
        connectionFailures += 1;
        serverFailures = 0;
        waitSeconds = backoffSeconds(intervalSeconds, connectionFailures);
        log.debug(
          `polling the token endpoint failed: ${outcome.error.message} Retrying in ${waitSeconds} s.`,
        );
        break;
      case 'unavailable':
        serverFailures += 1;
        connectionFailures = 0;
        if (serverFailures > MAX_SERVER_ERROR_RETRIES) {
          log.debug(`the token endpoint failed ${serverFailures} times in a row; giving up`);
          // The port's error says what the IdP answered and what to do.
          throw outcome.error;
        }
        waitSeconds = backoffSeconds(intervalSeconds, serverFailures, outcome.retryAfterSeconds);
        log.debug(`the token endpoint answered HTTP ${outcome.status}; retrying in ${waitSeconds} s`);
        break;
    }
    options.onPending?.();
  }
  throw deadlineReached(options.expiresInSeconds);
}
