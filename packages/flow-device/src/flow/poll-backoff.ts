import { MAX_BACKOFF_SECONDS } from './constants.js';

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
