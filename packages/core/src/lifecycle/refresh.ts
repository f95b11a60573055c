import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import type { ProtocolPort } from '../spec/protocol.js';
import type { TokenSet } from '../spec/tokens.js';
import { idTokenExpiresAt } from './freshness.js';

/** Thrown inside the lifecycle when the refresh token is no longer accepted. */
export class RefreshRejected extends Error {}

/**
 * One refresh round trip, through the runtime's protocol port (the one refresh grant: the
 * port's `refresh`, DPoP proofs included when the port has the entry's key). A response without a refresh token keeps the previous one. A
 * response without an ID token (OIDC Core §12.2 allows that) keeps the previous ID token only
 * while it is still valid, marked `idTokenCarriedOver`; an expired one is dropped, so nobody is
 * handed it. An ID token for another `iss` or `sub` is refused.
 */
export async function refreshTokens(
  protocol: ProtocolPort,
  previous: TokenSet,
  tokenParameters: Record<string, string | string[]>,
  now: () => number,
): Promise<TokenSet> {
  let next: TokenSet;
  try {
    next = await protocol.refresh(previous.refreshToken as string, tokenParameters);
  } catch (error) {
    if (OidcflowError.isInstance(error) && error.oauthError === 'invalid_grant')
      throw new RefreshRejected('invalid_grant');
    throw error;
  }
  const before = previous.idTokenClaims;
  if (
    next.idTokenClaims &&
    before &&
    (next.idTokenClaims.iss !== before.iss || next.idTokenClaims.sub !== before.sub)
  ) {
    throw new OidcflowError(
      ErrorCode.TOKEN_RESPONSE_INVALID,
      'The refreshed ID token is for another issuer or subject than the one logged in. Log in again (oidcflow login --force) and report this to the IdP administrators.',
    );
  }
  if (!next.idToken && previous.idToken) {
    const expiresAt = idTokenExpiresAt(previous);
    if (expiresAt !== undefined && expiresAt > now()) {
      next.idToken = previous.idToken;
      if (previous.idTokenClaims) next.idTokenClaims = previous.idTokenClaims;
      next.idTokenCarriedOver = true;
    }
  }
  if (!next.refreshToken && previous.refreshToken) next.refreshToken = previous.refreshToken;
  if (next.scope === undefined && previous.scope !== undefined) next.scope = previous.scope;
  return next;
}
