import { OidcAuth, OidcCredentialsAuth, type OidcCredentialsAuthOptions } from '@oidcflow/core';
import { audienceOf, jwtClaims } from '../support/jwt.js';
import { workloadSupport, workloadUnavailable } from '../support/workload.js';
import { check, type Scenario } from './scenario.js';

/** Where the exchange finds the user's token: a variable, as a script would hand it over. */
const USER_TOKEN_VARIABLE = 'OIDCFLOW_USER_ACCESS_TOKEN';

export const tokenExchangeNarrower: Scenario = {
  name: 'token exchange narrower audience',
  summary:
    "a user's own access token is exchanged (RFC 8693, subject_token_type access_token) for one whose aud is only the API",
  flowKinds: ['client'],
  forWorkload: true,
  notApplicable(target) {
    const unavailable = workloadUnavailable(target, 'narrower-audience');
    if (unavailable) return unavailable;
    return target.workloadIdentity?.narrowing ? undefined : `${target.name} names no user client to narrow`;
  },
  async run(cell) {
    const narrowing = workloadSupport(cell).narrowing;
    check(narrowing, 'no narrowing client');
    const {
      clientSecret: _secret,
      flow: _flow,
      ...base
    } = cell.options({
      clientId: narrowing.client.clientId,
      scopes: narrowing.client.scopes,
    });
    // The user logs in through the browser (auth code + PKCE) with the IdP's public user client.
    const driver = await cell.loginDriver();
    const user = new OidcAuth({
      ...base,
      flow: 'auth_code',
      ports: { ...base.ports, openUrl: (url) => driver.openUrl(url) },
    });
    const userTokens = await user.getTokens();
    await driver.settled();
    const userAudience = audienceOf(jwtClaims(userTokens.accessToken));
    check(
      userAudience.length > 1,
      `the user's token has aud [${userAudience.join(', ')}]: nothing to narrow`,
    );

    // The same client exchanges it for a token only the API accepts.
    const exchange: OidcCredentialsAuthOptions = {
      ...base,
      env: { ...cell.environment(), [USER_TOKEN_VARIABLE]: userTokens.accessToken },
      identitySource: `env:${USER_TOKEN_VARIABLE}`,
      identityUse: 'token_exchange',
      tokenExchange: { subjectTokenType: 'urn:ietf:params:oauth:token-type:access_token' },
      audience: narrowing.audience,
    };
    const exchanged = await new OidcCredentialsAuth(exchange).getTokens();
    const claims = jwtClaims(exchanged.accessToken);
    check(claims, 'the exchanged token is not a JWT, so its audience cannot be read');
    const aud = audienceOf(claims);
    check(
      aud.length === 1 && aud[0] === narrowing.audience,
      `the exchanged token's aud is [${aud.join(', ')}], not [${narrowing.audience}]`,
    );
    const userSub = jwtClaims(userTokens.accessToken)?.sub;
    check(
      claims.sub === userSub,
      `the exchanged token is for ${String(claims.sub)}, not the user ${String(userSub)}`,
    );
    return `aud [${userAudience.join(', ')}] narrowed to [${narrowing.audience}] for ${String(userSub)}`;
  },
};
