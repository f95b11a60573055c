import { FLOW_KINDS } from '../matrix/subject.js';
import { secondsUntil } from '../support/time.js';
import { check, type Scenario } from './scenario.js';

/** The first login: a token from the IdP, through the flow the subject chooses. */
export const login: Scenario = {
  name: 'login',
  summary: 'a first login completes (browser pages driven through ports.openUrl) and yields usable tokens',
  flowKinds: FLOW_KINDS,
  forCachePlugins: true,
  forIdpPlugins: true,
  async run(cell) {
    const { tokens, driver } = await cell.logIn();
    check(tokens.accessToken.length > 0, 'no access token');
    check(/^bearer$/i.test(tokens.tokenType), `token type is "${tokens.tokenType}", not Bearer`);
    check(tokens.expiresAt > Date.now(), 'the access token is already expired');
    const cached = await cell.cache.get(cell.cacheKey());
    check(cached?.tokens.accessToken === tokens.accessToken, 'the tokens were not saved in the cache');
    const parts = [`access token valid ${secondsUntil(tokens.expiresAt)}`];
    if (driver) {
      check(driver.opened.length === 1, `the flow opened ${driver.opened.length} URLs, expected 1`);
      // A target may not take openid for a flow (Spring AS refuses it in a device request).
      if (cell.client.scopes.includes('openid')) {
        check(tokens.idToken !== undefined, 'no ID token although openid was asked for');
        const subject = tokens.idTokenClaims?.sub;
        check(typeof subject === 'string', 'the ID token claims have no sub');
        parts.push(`ID token for sub ${subject}`);
      } else parts.push('no openid scope asked, so no ID token');
      parts.push(tokens.refreshToken ? 'a refresh token' : 'no refresh token');
    }
    return parts.join(', ');
  },
};
