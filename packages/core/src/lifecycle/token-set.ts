import type * as OpenIdClient from 'openid-client';
import { DEFAULT_EXPIRES_IN_SECONDS, type TokenSet } from '../spec/tokens.js';

type TokenResponse = OpenIdClient.TokenEndpointResponse & OpenIdClient.TokenEndpointResponseHelpers;

/**
 * Normalises an openid-client token response. A response without `expires_in` gets
 * `DEFAULT_EXPIRES_IN_SECONDS`, so such a token is reused for a while instead of never.
 */
export function tokenSetFromResponse(response: TokenResponse, now: number): TokenSet {
  const expiresIn =
    typeof response.expires_in === 'number' && response.expires_in > 0
      ? response.expires_in
      : DEFAULT_EXPIRES_IN_SECONDS;
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
