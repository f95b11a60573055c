import type { TokenSet } from './tokens.js';

/**
 * Request parameters: a value, or several (sent as repeated parameters). What IdP plugins and
 * the audience option add (`RequestAdjustments`) has this shape, so it can be passed on as is.
 */
/** The grant type of a device code at the token endpoint (RFC 8628 §3.4). */
export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

export type RequestParameters = Readonly<Record<string, string | readonly string[]>>;

/** What `authorizationRequest` needs. */
export interface AuthorizationRequestInput {
  /** The redirect URI the callback will arrive at (a loopback listener's URL). */
  redirectUri: string;
  /** Requested scopes; `openid` among them adds a `nonce`. @default the context's scopes */
  scopes?: readonly string[];
  /**
   * Extra parameters (IdP plugins', the audience, `prompt`). They go in first: `state`, `nonce`,
   * PKCE, `response_type` and `redirect_uri` are set after them and cannot be replaced.
   */
  parameters?: RequestParameters;
  /** Send a PKCE challenge (always S256). @default true */
  pkce?: boolean;
}

/** One authorization request and the secrets needed to check its answer. Keep it for `exchangeCode`. */
export interface AuthorizationRequest {
  /** The URL to open in the browser. */
  url: string;
  redirectUri: string;
  state: string;
  /** Sent when the scopes include `openid`; the ID token must carry it back. */
  nonce?: string;
  /** The PKCE verifier; absent when `pkce: false`. */
  codeVerifier?: string;
}

/** What `exchangeCode` needs. */
export interface CodeExchangeInput {
  /** The redirect URI with the query the browser arrived with (`code`, `state`, `iss`, …). */
  callbackUrl: string | URL;
  /** What `authorizationRequest` returned for this login. */
  request: AuthorizationRequest;
  /** Extra token request parameters (the context's `adjustments.tokenParameters`). */
  parameters?: RequestParameters;
  /** An ID token must be in the response (the scopes had `openid`). @default request.nonce !== undefined */
  idTokenExpected?: boolean;
}

/** A device authorization response (RFC 8628 §3.2), checked and in core's words. */
export interface DeviceAuthorization {
  /** The secret of this login: send it only to `pollDeviceAuthorization`; never show or log it. */
  deviceCode: string;
  userCode: string;
  verificationUri: string;
  verificationUriComplete?: string;
  /** Seconds the codes are valid, as the IdP said. */
  expiresIn: number;
  /** Seconds between polls, when the IdP said. */
  interval?: number;
}

/**
 * One poll of the token endpoint for a device code (RFC 8628 §3.4–3.5). The outcomes a polling
 * loop acts on are values; anything that ends the login is thrown as an `OidcflowError`
 * (`DEVICE_CODE_EXPIRED`, `LOGIN_DENIED`, `TOKEN_REQUEST_FAILED`, `IDP_TLS_UNTRUSTED`, …, with
 * `oauthError` when the IdP sent one).
 */
export type DevicePollOutcome =
  | { kind: 'tokens'; tokens: TokenSet }
  /** The user has not approved yet: poll again after the interval. */
  | { kind: 'authorization_pending' }
  /** The IdP asked to slow down: add 5 seconds to the interval (RFC 8628 §3.5). */
  | { kind: 'slow_down' }
  /** The IdP could not be reached or did not answer in time (`error.code` is `IDP_UNREACHABLE`). */
  | { kind: 'unreachable'; error: Error }
  /**
   * A 5xx without an OAuth error body (a proxy's page, a restart) or a 429 from a rate limiter:
   * worth a few retries. `error` is what to throw when giving up.
   */
  | { kind: 'unavailable'; status: number; contentType: string; retryAfterSeconds?: number; error: Error };

/** What `validateIdToken` checks besides the signature, issuer, audience and times. */
export interface IdTokenExpectations {
  /** The nonce the authorization request sent. */
  nonce?: string;
  /** Reject a token issued (`iat`) more than this many seconds ago. */
  maxAgeSeconds?: number;
}

/**
 * The protocol port: every request a flow makes to the IdP, owned and versioned by
 * @oidcflow/core (specification v2) and implemented by core on openid-client. The requests go
 * through core's HTTP client (CA bundle, proxy, timeouts) and the client authentication core
 * chose (secret, private_key_jwt, or an IdP plugin's `tokenEndpointAuthMethod`); responses are
 * checked (state, iss, PKCE, ID token signature and nonce) before a flow sees them; failures
 * are `OidcflowError`s. No type of the library underneath is reachable from here, so a new
 * major version of it changes nothing for a flow.
 */
export interface ProtocolPort {
  /** Builds an authorization URL with a fresh `state`, a `nonce` (for `openid`) and PKCE (S256). */
  authorizationRequest(input: AuthorizationRequestInput): Promise<AuthorizationRequest>;
  /** Checks the callback (state, iss, error) and exchanges its code (RFC 6749 §4.1.3). */
  exchangeCode(input: CodeExchangeInput): Promise<TokenSet>;
  /** Asks for a device code and a user code (RFC 8628 §3.1); `scope` is taken from `scopes`. */
  startDeviceAuthorization(
    parameters?: RequestParameters,
    scopes?: readonly string[],
  ): Promise<DeviceAuthorization>;
  /** One token request for a device code; see `DevicePollOutcome`. */
  pollDeviceAuthorization(deviceCode: string, parameters?: RequestParameters): Promise<DevicePollOutcome>;
  /**
   * Any grant at the token endpoint with extra parameters (`client_credentials`, token exchange,
   * a password grant, an IdP's own), authenticated as core configured the client.
   */
  grant(grantType: string, parameters?: RequestParameters): Promise<TokenSet>;
  /** Renews tokens with a refresh token (RFC 6749 §6). Core refreshes by itself; a flow rarely needs this. */
  refresh(refreshToken: string, parameters?: RequestParameters): Promise<TokenSet>;
  /** Revokes a token at the IdP's revocation endpoint (RFC 7009). Core does it at logout. */
  revoke(token: string, tokenTypeHint?: 'refresh_token' | 'access_token'): Promise<void>;
  /**
   * Validates an ID token obtained outside this port (signature against the IdP's keys, `iss`,
   * `aud`, times, and the expectations) and returns its claims.
   */
  validateIdToken(idToken: string, expectations?: IdTokenExpectations): Promise<Record<string, unknown>>;
}
