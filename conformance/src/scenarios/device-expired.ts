import { ErrorCode } from '@oidcflow/core';
import { pause } from '../support/time.js';
import { describeRequests, grantRequests } from '../support/traffic.js';
import { DEVICE_CODE_GRANT, deviceScriptUnavailable, tokenScriptOf } from './device-script.js';
import { check, expectErrorCode, type Scenario } from './scenario.js';

export const deviceExpired: Scenario = {
  name: 'device expired code',
  summary:
    'expired_token stops the device flow at once with DEVICE_CODE_EXPIRED; no further poll, no restart',
  flowKinds: ['device'],
  notApplicable: (target) => deviceScriptUnavailable(target),
  async run(cell) {
    tokenScriptOf(cell.target).scriptDevicePolls(cell.client.clientId, [{ error: 'expired_token' }]);
    const meter = cell.meter();
    const mark = meter.mark();
    const opened: string[] = [];
    // Nobody enters the code: the IdP answers the first poll with expired_token.
    const auth = cell.auth({
      ports: {
        openUrl: async (url) => {
          opened.push(url);
          return true;
        },
      },
    });
    await expectErrorCode(() => auth.getAccessToken(), ErrorCode.DEVICE_CODE_EXPIRED);
    // Long enough for a (wrong) next poll at a 1 s interval to show up.
    await pause(2_500);
    const requests = meter.since(mark);
    const polls = grantRequests(requests, DEVICE_CODE_GRANT);
    check(polls.length === 1, `expected exactly one poll, saw: ${describeRequests(requests)}`);
    const authorizations = requests.filter(
      (request) => request.path.includes('device') && !request.grantType,
    );
    check(authorizations.length <= 1, `the flow restarted itself: ${describeRequests(requests)}`);
    check(
      (await cell.cache.get(cell.cacheKey())) === undefined,
      'something was cached after the code expired',
    );
    return 'DEVICE_CODE_EXPIRED after the first poll; no further poll or new device authorization';
  },
};
