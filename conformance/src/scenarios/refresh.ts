import { FLOW_KINDS } from '../matrix/subject.js';
import { fingerprint } from '../support/jwt.js';
import { describeRequests, discoveryRequests, grantRequests } from '../support/traffic.js';
import { check, type Scenario } from './scenario.js';

export const refresh: Scenario = {
  name: 'refresh',
  summary: 'an expired access token is renewed in one token request, without discovery or a login',
  flowKinds: FLOW_KINDS,
  forCachePlugins: true,
  forIdpPlugins: true,
  async run(cell) {
    const { tokens: first, driver } = await cell.logIn();
    await cell.expireCachedAccessToken();
    const meter = cell.meter();
    const mark = meter.mark();
    const renewed = await cell.auth().getTokens();
    const requests = meter.since(mark);
    check(renewed.accessToken !== first.accessToken, 'the expired access token was returned again');
    const saved = await cell.cache.get(cell.cacheKey());
    check(
      saved?.tokens.accessToken === renewed.accessToken,
      'the renewed token was not written to the cache',
    );
    // Client credentials have no refresh token: a renewal is a new grant, under the lock.
    const grant = cell.subject.flowKind === 'client' ? 'client_credentials' : 'refresh_token';
    const parts: string[] = [];
    if (grant === 'refresh_token') {
      check(first.refreshToken !== undefined, 'the login gave no refresh token, so nothing can be refreshed');
      if (cell.target.capabilities.refreshTokenRotation) {
        check(
          renewed.refreshToken !== undefined,
          'the refresh returned no refresh token although the IdP rotates them',
        );
        check(renewed.refreshToken !== first.refreshToken, 'the rotated refresh token was not stored');
        check(
          fingerprint(saved?.tokens.refreshToken) === fingerprint(renewed.refreshToken),
          'the cache holds another refresh token than the rotated one',
        );
        parts.push('rotated refresh token stored');
      }
    }
    if (meter.seesRequests) {
      const grants = grantRequests(requests, grant);
      check(grants.length === 1, `expected one ${grant} request, saw: ${describeRequests(requests)}`);
      check(discoveryRequests(requests).length === 0, `discovery ran again: ${describeRequests(requests)}`);
      check(
        grantRequests(requests, 'authorization_code').length === 0 && !driver?.opened.slice(1).length,
        'a login ran instead of a refresh',
      );
      parts.unshift(`one ${grant} request, no discovery`);
    } else {
      parts.unshift(`new access token (${requests.length} connection(s); requests hidden by TLS)`);
    }
    return parts.join(', ');
  },
};
