import type * as OpenIdClient from 'openid-client';
import { type Logger, warnOnce } from '../ports/logger.js';
import { DEFAULT_EXPIRES_IN_SECONDS, MAX_EXPIRES_IN_SECONDS, type TokenSet } from '../spec/tokens.js';

type TokenResponse = OpenIdClient.TokenEndpointResponse & OpenIdClient.TokenEndpointResponseHelpers;

/**
 * The access token's lifetime in seconds as the IdP gave it, bounded: absent, zero, negative
 * or not a number → `DEFAULT_EXPIRES_IN_SECONDS`; more than `MAX_EXPIRES_IN_SECONDS` (an IdP
 * that sends `1e300` would otherwise make an expiry no date can hold) → the maximum, with a
 * warning.
 */
export function boundedExpiresIn(value: unknown, log?: Pick<Logger, 'warn'>): number {
  if (typeof value !== 'number' || !(value > 0)) return DEFAULT_EXPIRES_IN_SECONDS;
  if (value > MAX_EXPIRES_IN_SECONDS) {
    warnOnce(
      log,
      'token-expires-in',
      `the IdP said the access token lives ${String(value)} s; oidcflow uses it for at most ${MAX_EXPIRES_IN_SECONDS} s.`,
    );
    return MAX_EXPIRES_IN_SECONDS;
  }
  return value;
}

/**
 * Normalises an openid-client token response. A response without `expires_in` gets
 * `DEFAULT_EXPIRES_IN_SECONDS`, so such a token is reused for a while instead of never; one
 * beyond `MAX_EXPIRES_IN_SECONDS` is clamped (warned once through `log`).
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
    if (claims) tokens.idTokenClaims = { ...claims };
  }
  if (typeof response.scope === 'string') tokens.scope = response.scope;
  return tokens;
}
