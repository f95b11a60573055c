import { DEVICE_CODE_GRANT_TYPE, ErrorCode } from '@oidcflow/core';
import type { CellHarness } from '../matrix/cell-harness.js';
import { pause } from '../support/time.js';
import { describeRequests, grantRequests } from '../support/traffic.js';
import type { IdpRequest } from '../targets/target.js';
import { deviceTimingScenario, type TimingProxyRun } from './device-scenario.js';
import { describePolls } from './device-timing.js';
import { check, expectErrorCode } from './scenario.js';

/** Long enough for a (wrong) next poll at a 1 s interval to show up. */
const QUIET_AFTER_EXPIRY_MS = 2_500;

export const deviceExpired = deviceTimingScenario({
  name: 'device expired code',
  summary:
    'expired_token stops the device flow at once with DEVICE_CODE_EXPIRED; no further poll, no restart',
  // The embedded IdP answers the first poll with expired_token.
  scripted: { polls: [{ error: 'expired_token' }], run: expiredAtOnce },
  atTheIdp: {
    client: (timing) => timing.expiringClient,
    // The proxy tells the client the code lives well past the IdP's own lifespan.
    advertise: { expires_in: 120 },
    run: expiredAtTheIdp,
  },
});

async function expiredAtOnce(cell: CellHarness, requestsSince: () => readonly IdpRequest[]): Promise<string> {
  // Nobody enters the code: the IdP answers the first poll with expired_token.
  const auth = cell.auth({ ports: { openUrl: async () => true } });
  await expectErrorCode(() => auth.getAccessToken(), ErrorCode.DEVICE_CODE_EXPIRED);
  await pause(QUIET_AFTER_EXPIRY_MS);
  const requests = requestsSince();
  const polls = grantRequests(requests, DEVICE_CODE_GRANT_TYPE);
  check(polls.length === 1, `expected exactly one poll, saw: ${describeRequests(requests)}`);
  const authorizations = requests.filter((request) => request.path.includes('device') && !request.grantType);
  check(authorizations.length <= 1, `the flow restarted itself: ${describeRequests(requests)}`);
  check((await cell.cache.get(cell.cacheKey())) === undefined, 'something was cached after the code expired');
  return 'DEVICE_CODE_EXPIRED after the first poll; no further poll or new device authorization';
}

/**
 * A real IdP (Keycloak): a client whose codes live a few seconds, while a proxy advertises
 * them as living much longer — so oidcflow keeps polling until the IdP itself says
 * expired_token, as it would when the IdP's clock or policy disagrees with `expires_in`.
 */
async function expiredAtTheIdp(
  cell: CellHarness,
  { proxy, overrides, timing }: TimingProxyRun,
): Promise<string> {
  // Nobody enters the code.
  const auth = cell.auth({ ...overrides, ports: { openUrl: async () => true } });
  const error = await expectErrorCode(() => auth.getAccessToken(), ErrorCode.DEVICE_CODE_EXPIRED);
  check(
    error.message.includes('expired_token'),
    `the error does not say what the IdP said: ${error.message}`,
  );
  await pause(QUIET_AFTER_EXPIRY_MS);
  const authorizations = proxy.requests.filter((request) => !request.grantType && request.method === 'POST');
  const polls = proxy.requests.filter((request) => request.grantType === DEVICE_CODE_GRANT_TYPE);
  check(authorizations.length === 1, `expected one device authorization, saw ${authorizations.length}`);
  const last = polls.at(-1);
  check(
    last?.oauthError === 'expired_token',
    `the last poll was not answered expired_token: ${describePolls(polls)}`,
  );
  check(
    polls.slice(0, -1).every((poll) => poll.oauthError === 'authorization_pending'),
    `polls before the expiry got other answers, or a poll followed expired_token: ${describePolls(polls)}`,
  );
  const authorizedAt = authorizations[0]?.at ?? 0;
  const expiredAfter = (last.at - authorizedAt) / 1000;
  check(
    expiredAfter >= timing.codeLifespanSeconds - 1,
    `the IdP said expired_token ${expiredAfter.toFixed(1)} s after the authorization, before the code's ${timing.codeLifespanSeconds} s`,
  );
  check(
    (await cell.cache.get(cell.cacheKey(overrides))) === undefined,
    'something was cached after the code expired',
  );
  return `the IdP answered expired_token ${expiredAfter.toFixed(1)} s in (poll ${polls.length}); DEVICE_CODE_EXPIRED, no further poll or new device authorization`;
}
