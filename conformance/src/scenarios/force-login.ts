import { DEVICE_CODE_GRANT_TYPE } from '@oidcflow/core';
import { FLOW_KINDS } from '../matrix/subject.js';
import { grantRequests } from '../support/traffic.js';
import { check, type Scenario } from './scenario.js';

export const forceLogin: Scenario = {
  name: 'force login',
  summary: 'forceLogin ignores a valid cached token and logs in again, then caches the new tokens',
  flowKinds: FLOW_KINDS,
  async run(cell) {
    const first = await cell.loggingInAuth();
    const before = await first.auth.getAccessToken();
    await first.driver?.settled();
    const meter = cell.meter();
    const mark = meter.mark();
    const second = await cell.loggingInAuth({ forceLogin: true });
    // OidcCredentialsAuth has no forceLogin option: login() is the same request.
    const after = cell.credentialsAuth
      ? (await second.auth.login()).accessToken
      : await second.auth.getAccessToken();
    await second.driver?.settled();
    check(after !== before, 'the cached token came back although a login was forced');
    if (second.driver) check(second.driver.opened.length === 1, 'the forced login opened no browser page');
    const saved = await cell.cache.get(cell.cacheKey());
    check(saved?.tokens.accessToken === after, 'the new tokens were not cached');
    const grant = {
      browser: 'authorization_code',
      device: DEVICE_CODE_GRANT_TYPE,
      client: 'client_credentials',
    }[cell.subject.flowKind];
    if (meter.seesRequests) {
      const grants = grantRequests(meter.since(mark), grant);
      check(grants.length >= 1, `no ${grant} request was made for the forced login`);
    }
    return `a new login ran despite a valid cached token, and its tokens replaced the cached ones`;
  },
};
