import { DEVICE_CODE_GRANT_TYPE } from '@oidcflow/core';
import type { CellHarness } from '../matrix/cell-harness.js';
import type { ProxiedRequest } from '../support/counting-proxy.js';
import { describeRequests, grantRequests } from '../support/traffic.js';
import type { IdpRequest } from '../targets/target.js';
import { deviceTimingScenario, type TimingProxyRun } from './device-scenario.js';
import { describePolls } from './device-timing.js';
import { check } from './scenario.js';

const SLOW_DOWN_SECONDS = 5;
// Recorded times, not a speed assertion: a poll may come late on a busy machine, never early.
const TOLERANCE_SECONDS = 0.5;
/** What the proxy tells the client to poll at: faster than the IdP allows. */
const ADVERTISED_INTERVAL_SECONDS = 1;
/** Bound on waiting for the IdP's slow_down before the browser logs in. */
const SLOW_DOWN_WAIT_MS = 20_000;

export const deviceSlowDown = deviceTimingScenario({
  name: 'device slow_down',
  summary:
    'after slow_down the poll interval grows by 5 s, for that poll and every later one (RFC 8628 §3.5)',
  // The embedded IdP answers the first poll with slow_down, the second with authorization_pending.
  scripted: {
    polls: [{ error: 'slow_down' }, { error: 'authorization_pending' }],
    run: slowedDownByScript,
  },
  atTheIdp: {
    client: (timing) => timing.slowClient,
    advertise: { interval: ADVERTISED_INTERVAL_SECONDS },
    run: slowedDownByTheIdp,
  },
});

async function slowedDownByScript(
  cell: CellHarness,
  requestsSince: () => readonly IdpRequest[],
): Promise<string> {
  const { tokens } = await cell.logIn();
  check(tokens.accessToken.length > 0, 'no access token after the slowed-down polls');
  const polls = grantRequests(requestsSince(), DEVICE_CODE_GRANT_TYPE);
  check(
    polls.length >= 3,
    `expected at least 3 polls (slow_down, pending, success), saw ${describeRequests(polls)}`,
  );
  const gaps = gapsOf(polls);
  const minimum = SLOW_DOWN_SECONDS - TOLERANCE_SECONDS;
  check(
    gaps.every((gap) => gap >= minimum),
    `poll gaps after slow_down were ${formatGaps(gaps)} s; each must be at least the interval + ${SLOW_DOWN_SECONDS} s`,
  );
  return `${polls.length} polls, gaps after slow_down ${gaps.map((gap) => `${gap.toFixed(1)} s`).join(', ')}`;
}

/**
 * A real IdP (Keycloak) that answers slow_down to a poll coming before its interval: a proxy
 * advertises a shorter interval than the client's real one, so oidcflow polls too fast until
 * the IdP itself says slow_down. The browser logs in only after that answer, so the login
 * cannot end the flow first.
 */
async function slowedDownByTheIdp(
  cell: CellHarness,
  { proxy, overrides, timing }: TimingProxyRun,
): Promise<string> {
  const polls = () => proxy.requests.filter((request) => request.grantType === DEVICE_CODE_GRANT_TYPE);
  const driver = await cell.loginDriver('approve', {
    beforeLogin: () => until(() => polls().some((poll) => poll.oauthError === 'slow_down'), cell.signal),
  });
  const auth = cell.auth({ ...overrides, ports: { openUrl: (url) => driver.openUrl(url) } });
  const tokens = await auth.getTokens();
  await driver.settled();
  check(tokens.accessToken.length > 0, 'no access token after the slowed-down polls');

  const seen = polls();
  const slowedAt = seen.findIndex((poll) => poll.oauthError === 'slow_down');
  check(slowedAt >= 0, `the IdP never answered slow_down: ${describePolls(seen)}`);
  check(seen.at(-1)?.status === 200, `the last poll did not get the tokens: ${describePolls(seen)}`);
  const gaps = gapsOf(seen);
  const before = gaps.slice(0, slowedAt);
  const after = gaps.slice(slowedAt);
  check(
    before.every((gap) => gap >= ADVERTISED_INTERVAL_SECONDS - TOLERANCE_SECONDS),
    `polls before slow_down came faster than the advertised ${ADVERTISED_INTERVAL_SECONDS} s: ${formatGaps(before)} s`,
  );
  const minimum = ADVERTISED_INTERVAL_SECONDS + SLOW_DOWN_SECONDS - TOLERANCE_SECONDS;
  check(
    after.length > 0 && after.every((gap) => gap >= minimum),
    `poll gaps after slow_down were ${formatGaps(after)} s; each must be at least ${ADVERTISED_INTERVAL_SECONDS} + ${SLOW_DOWN_SECONDS} s (${describePolls(seen)})`,
  );
  // The IdP's own interval is shorter than the slowed-down one, so it never had to repeat itself.
  check(
    seen.slice(slowedAt + 1).every((poll) => poll.oauthError !== 'slow_down'),
    `the IdP answered slow_down again after the client slowed down: ${describePolls(seen)}`,
  );
  return `the IdP (interval ${timing.intervalSeconds} s, advertised ${ADVERTISED_INTERVAL_SECONDS} s) said slow_down at poll ${slowedAt + 1}; ${seen.length} polls, gaps after it ${formatGaps(after)} s`;
}

function gapsOf(polls: readonly Pick<ProxiedRequest, 'at'>[]): number[] {
  return polls.slice(1).map((poll, index) => (poll.at - (polls[index]?.at ?? poll.at)) / 1000);
}

function formatGaps(gaps: readonly number[]): string {
  return gaps.map((gap) => gap.toFixed(1)).join(', ') || 'none';
}

/** Waits until `condition` holds (checked every 100 ms), at most SLOW_DOWN_WAIT_MS. */
async function until(condition: () => boolean, signal: AbortSignal): Promise<void> {
  const deadline = Date.now() + SLOW_DOWN_WAIT_MS;
  while (!condition()) {
    if (signal.aborted || Date.now() > deadline)
      throw new Error(`the IdP did not answer slow_down within ${SLOW_DOWN_WAIT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
