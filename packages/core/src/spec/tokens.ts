/** What a login or refresh yields, normalised. Times are epoch milliseconds. */
export interface TokenSet {
  accessToken: string;
  /** As the IdP sent it; compare case-insensitively (`bearer` is `Bearer`). */
  tokenType: string;
  /** When the access token expires. An IdP that sends no `expires_in` gets `DEFAULT_EXPIRES_IN_SECONDS`. */
  expiresAt: number;
  refreshToken?: string;
  idToken?: string;
  /** Space-separated scopes granted, when the IdP said. */
  scope?: string;
  /**
   * Claims of the ID token, as validated at login; kept so a refresh can compare `iss` and
   * `sub`, and so the ID token's own expiry (`exp`) can be judged without decoding it. `exp`
   * is bounded like `expiresAt`: at most `MAX_EXPIRES_IN_SECONDS` after the token arrived.
   */
  idTokenClaims?: Record<string, unknown>;
  /**
   * Set when the last refresh response carried no ID token (OIDC allows that) and `idToken`
   * is the earlier one, kept because it was still valid. Once it expires, a login is needed
   * for a new ID token.
   */
  idTokenCarriedOver?: boolean;
}

/** Which token a caller asks for, and so whose expiry decides whether the cache can answer. */
export type TokenKind = 'access' | 'id';

/** Lifetime assumed for an access token whose response carried no `expires_in`. */
export const DEFAULT_EXPIRES_IN_SECONDS = 300;
/** A cached access token is used only while it is valid for at least this long. */
export const EXPIRY_SKEW_SECONDS = 60;
/**
 * Longest token lifetime oidcflow believes (7 days), for the access token's `expires_in` and
 * the ID token's `exp`. Longer claims are clamped: an expiry far in the future cannot be stored
 * as a date (`expires_in: 1e300`), and a token the IdP really lets live longer is simply
 * refreshed or renewed a little early.
 */
export const MAX_EXPIRES_IN_SECONDS = 7 * 24 * 3600;
