import type { AuthenticationRequirements } from '../config/login-request.js';
import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import { terminalText } from '../errors/terminal-text.js';
import type { TokenSet } from '../spec/tokens.js';

/**
 * How far the IdP's clock may be behind ours when `auth_time` is compared with the login's
 * start (openid-client tolerates the same 30 s on its own time checks).
 */
const AUTH_TIME_TOLERANCE_SECONDS = 30;

function unmet(detail: string): OidcflowError {
  return new OidcflowError(
    ErrorCode.LOGIN_REQUIREMENT_UNMET,
    `The IdP did not authenticate as asked: ${detail} The tokens were not kept. Check that the IdP supports this (its administrators may have to configure it), or leave the option out.`,
  );
}

/**
 * Checks the validated ID token claims of a login against what the request asked: `acr` among
 * `acrValues`, and `auth_time` no older than `maxAge` before the login started (OIDC Core
 * §3.1.2.1 makes `auth_time` required when `max_age` is sent). Done here, once, for every
 * flow: openid-client checks `max_age` only in its code exchange, not for the device grant.
 */
export function checkAuthentication(
  tokens: TokenSet,
  requirements: AuthenticationRequirements,
  loginStartedAt: number,
): void {
  const { acrValues, maxAge } = requirements;
  if (!acrValues && maxAge === undefined) return;
  const claims = tokens.idTokenClaims;
  if (!claims) {
    throw unmet(
      'acr_values and max_age are checked in the ID token, and the IdP sent none (ask for the openid scope).',
    );
  }
  if (acrValues) {
    const acr = claims.acr;
    if (typeof acr !== 'string' || !acrValues.includes(acr)) {
      const got = typeof acr === 'string' ? `"${terminalText(acr)}"` : 'no acr claim';
      throw unmet(`acr_values "${acrValues.join(' ')}" was asked, and the ID token shows ${got}.`);
    }
  }
  if (maxAge !== undefined) {
    const authTime = claims.auth_time;
    if (typeof authTime !== 'number' || !Number.isFinite(authTime)) {
      throw unmet(
        `max_age=${maxAge} was asked, and the ID token has no auth_time to show when the user authenticated.`,
      );
    }
    const earliest = loginStartedAt / 1000 - maxAge - AUTH_TIME_TOLERANCE_SECONDS;
    if (authTime < earliest) {
      throw unmet(
        `max_age=${maxAge} was asked, and the ID token says the user authenticated at ${new Date(authTime * 1000).toISOString()}, ${Math.round(loginStartedAt / 1000 - authTime)} s before this login began.`,
      );
    }
  }
}
