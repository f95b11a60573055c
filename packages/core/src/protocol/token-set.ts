import type * as OpenIdClient from 'openid-client';
import { type Logger, warnOnce } from '../ports/logger.js';
import { DEFAULT_EXPIRES_IN_SECONDS, MAX_EXPIRES_IN_SECONDS, type TokenSet } from '../spec/tokens.js';

type TokenResponse = OpenIdClient.TokenEndpointResponse & OpenIdClient.TokenEndpointResponseHelpers;

/** The tokens whose lifetimes the IdP states, in the words of the warning. */
type StatedLifetime = 'access token' | 'ID token';

/**
 * A lifetime in seconds the IdP stated, at most `MAX_EXPIRES_IN_SECONDS` (an IdP that sends
 * `1e300` would otherwise make an expiry no date can hold, and a token fresh forever), with one
 * warning per kind of token. The one bound on what the IdP says a token lives.
 */
function clampedLifetime(seconds: number, token: StatedLifetime, log?: Pick<Logger, 'warn'>): number {
  if (seconds <= MAX_EXPIRES_IN_SECONDS) return seconds;
  warnOnce(
    log,
    `token-lifetime:${token}`,
    `the IdP said the ${token} lives ${String(seconds)} s; oidcflow uses it for at most ${MAX_EXPIRES_IN_SECONDS} s.`,
  );
  return MAX_EXPIRES_IN_SECONDS;
}

/**
 * The access token's lifetime in seconds as the IdP gave it, bounded: absent, zero, negative
 * or not a number → `DEFAULT_EXPIRES_IN_SECONDS`; more than `MAX_EXPIRES_IN_SECONDS` → the
 * maximum, with a warning.
 */
function boundedExpiresIn(value: unknown, log?: Pick<Logger, 'warn'>): number {
  if (typeof value !== 'number' || !(value > 0)) return DEFAULT_EXPIRES_IN_SECONDS;
  return clampedLifetime(value, 'access token', log);
}

/**
 * The ID token's claims as kept beside it: `exp` bounded like `expires_in`, at most
 * `MAX_EXPIRES_IN_SECONDS` after `now` (a signed `exp: 1e300` made the entry fresh forever and
 * `Invalid time value` of every date printed from it). The ID token itself is unchanged.
 */
function keptIdTokenClaims(
  claims: Record<string, unknown>,
  now: number,
  log?: Pick<Logger, 'warn'>,
): Record<string, unknown> {
  const kept = { ...claims };
  if (typeof claims.exp === 'number') {
    const nowSeconds = Math.floor(now / 1000);
    const lifetime = claims.exp - nowSeconds;
    const bounded = clampedLifetime(lifetime, 'ID token', log);
    if (bounded !== lifetime) kept.exp = nowSeconds + bounded;
  }
  return kept;
}

/**
 * Normalises an openid-client token response. A response without `expires_in` gets
 * `DEFAULT_EXPIRES_IN_SECONDS`, so such a token is reused for a while instead of never; one
 * beyond `MAX_EXPIRES_IN_SECONDS` is clamped (warned once through `log`), and so is the ID
 * token's `exp` as kept in `idTokenClaims`.
 */
export function tokenSetFromResponse(
  response: TokenResponse,
  now: number,
  log?: Pick<Logger, 'warn'>,
): TokenSet {
  const expiresIn = boundedExpiresIn(response.expires_in, log);
  const tokens: TokenSet = {
    accessToken: response.access_token,
    tokenType: response.token_type,
    expiresAt: now + expiresIn * 1000,
  };
  if (response.refresh_token) tokens.refreshToken = response.refresh_token;
  if (response.id_token) {
    tokens.idToken = response.id_token;
    const claims = response.claims();
    if (claims) tokens.idTokenClaims = keptIdTokenClaims(claims, now, log);
  }
  if (typeof response.scope === 'string') tokens.scope = response.scope;
  return tokens;
}
