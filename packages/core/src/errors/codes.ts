/**
 * Stable error codes. A code never changes meaning once released; callers switch on
 * `error.code`, never on the message.
 */
export const ErrorCode = {
  /** No issuer was given and no server source can supply one. */
  CONFIG_MISSING_ISSUER: 'CONFIG_MISSING_ISSUER',
  /** No client id was given and no server source can supply one. */
  CONFIG_MISSING_CLIENT_ID: 'CONFIG_MISSING_CLIENT_ID',
  /** An option has a value of the wrong form (a port out of range, a relative URL, …). */
  CONFIG_INVALID: 'CONFIG_INVALID',
  /** An `http:` issuer or endpoint on a non-loopback host without `allowInsecureHttp`. */
  CONFIG_INSECURE_URL: 'CONFIG_INSECURE_URL',
  /**
   * The configuration file (`OIDCFLOW_CONFIG`, else `config.toml` in the platform's configuration
   * folder) cannot be read, is not valid TOML, or holds an unknown option or a value of the
   * wrong kind: the message names the file, the line and the option.
   */
  PROFILE_INVALID: 'PROFILE_INVALID',
  /** `profile` (`--profile`) names no profile of the file, or there is no file; the message lists the profiles there are. */
  PROFILE_UNKNOWN: 'PROFILE_UNKNOWN',
  /** `caCertPath` names no readable file. */
  CA_CERT_NOT_FOUND: 'CA_CERT_NOT_FOUND',
  /** `caCertPath` is readable but holds no PEM certificate. */
  CA_CERT_INVALID: 'CA_CERT_INVALID',
  /** The server source (RFC 9728 metadata URL or function) failed or returned nothing usable. */
  SERVER_SOURCE_FAILED: 'SERVER_SOURCE_FAILED',
  /** The IdP could not be reached (DNS, connection refused, TLS, timeout). */
  IDP_UNREACHABLE: 'IDP_UNREACHABLE',
  /** TLS verification failed: the IdP's certificate is not trusted (see `caCertPath`). */
  IDP_TLS_UNTRUSTED: 'IDP_TLS_UNTRUSTED',
  /**
   * An IdP response was larger than `maxResponseBytes` (1 MiB by default); it was not read
   * further. Metadata, keys and tokens are a few KB: this is a misbehaving or hostile server.
   */
  IDP_RESPONSE_TOO_LARGE: 'IDP_RESPONSE_TOO_LARGE',
  /** Neither OpenID Connect discovery nor RFC 8414 metadata was found. */
  DISCOVERY_NOT_FOUND: 'DISCOVERY_NOT_FOUND',
  /** The discovery response is not a JSON metadata document. */
  DISCOVERY_INVALID: 'DISCOVERY_INVALID',
  /** The metadata's `issuer` differs from the issuer asked for. */
  ISSUER_MISMATCH: 'ISSUER_MISMATCH',
  /** An endpoint the chosen flow needs is neither in the metadata nor given as an override. */
  ENDPOINT_MISSING: 'ENDPOINT_MISSING',
  /** `flow` names no flow oidcflow knows. */
  FLOW_UNKNOWN: 'FLOW_UNKNOWN',
  /** `flow` names a first-party flow whose package is not installed. */
  FLOW_NOT_INSTALLED: 'FLOW_NOT_INSTALLED',
  /** No installed flow can run with this IdP and environment (the message lists each and why). */
  NO_FLOW_AVAILABLE: 'NO_FLOW_AVAILABLE',
  /** A plugin does not satisfy the plugin specification (wrong kind or version, missing method). */
  PLUGIN_INVALID: 'PLUGIN_INVALID',
  /** The user or the IdP refused the login (`access_denied`). */
  LOGIN_DENIED: 'LOGIN_DENIED',
  /** The login did not complete in time (callback timeout, device code deadline). */
  LOGIN_TIMEOUT: 'LOGIN_TIMEOUT',
  /** The caller aborted the login (AbortSignal, Ctrl-C). */
  LOGIN_ABORTED: 'LOGIN_ABORTED',
  /** The device code expired before the user approved it (`expired_token`). */
  DEVICE_CODE_EXPIRED: 'DEVICE_CODE_EXPIRED',
  /** The authorization response failed a check: state, iss (RFC 9207), or its form. */
  CALLBACK_INVALID: 'CALLBACK_INVALID',
  /** The loopback port is taken by another program. */
  CALLBACK_PORT_IN_USE: 'CALLBACK_PORT_IN_USE',
  /** A browser could not be opened and no other way to show the URL was possible. */
  BROWSER_UNAVAILABLE: 'BROWSER_UNAVAILABLE',
  /** A confidential client needs a secret and none was given. */
  CLIENT_SECRET_MISSING: 'CLIENT_SECRET_MISSING',
  /** The IdP rejected the audience or resource (`invalid_target`). */
  INVALID_TARGET: 'INVALID_TARGET',
  /** The IdP answered a token or device request with an OAuth error. */
  TOKEN_REQUEST_FAILED: 'TOKEN_REQUEST_FAILED',
  /** The IdP's response failed validation (ID token claims, token type, malformed JSON). */
  TOKEN_RESPONSE_INVALID: 'TOKEN_RESPONSE_INVALID',
  /** The cache file or directory has modes that let other users change it. */
  CACHE_INSECURE: 'CACHE_INSECURE',
  /** Another process held the cache lock longer than the wait allows. */
  CACHE_LOCK_TIMEOUT: 'CACHE_LOCK_TIMEOUT',
  /** The OS keyring was asked for (`cache: 'keyring'`) but does not answer, and no fallback is allowed. */
  CACHE_KEYRING_UNAVAILABLE: 'CACHE_KEYRING_UNAVAILABLE',
  /**
   * The ID token does not show the authentication the login asked for: another `acr` than
   * `acrValues`, or no `auth_time` (or an older one) for `maxAge`. The IdP ignored the request.
   */
  LOGIN_REQUIREMENT_UNMET: 'LOGIN_REQUIREMENT_UNMET',
  /** `account` (`--account`) names no account logged in with these settings; the message lists those that are. */
  ACCOUNT_UNKNOWN: 'ACCOUNT_UNKNOWN',
  /**
   * A login for an account returned another user (another `sub`, or none to tell): nothing was
   * stored under the account asked for.
   */
  ACCOUNT_MISMATCH: 'ACCOUNT_MISMATCH',
  /**
   * An API asked for a stronger login (RFC 9470 `insufficient_user_authentication`: the
   * `acr_values` and `max_age` in the message) and `auth.fetch` may not log in here (not
   * interactive, and `stepUp` is not `login`). Log in with those, then call again.
   */
  STEP_UP_REQUIRED: 'STEP_UP_REQUIRED',
  /** A token is needed but none is cached and `login()` is not allowed here (e.g. `status`). */
  NOT_LOGGED_IN: 'NOT_LOGGED_IN',
  /** An ID token was asked for where none is issued: client credentials, or no `openid` scope. */
  ID_TOKEN_UNAVAILABLE: 'ID_TOKEN_UNAVAILABLE',
  /** `auth.fetch` was asked to send the token to an origin not in `allowedOrigins` (or not the first one used). */
  FETCH_ORIGIN_NOT_ALLOWED: 'FETCH_ORIGIN_NOT_ALLOWED',
  /** `auth.fetch` had to send a request again (401 `invalid_token`, a 307/308) but its body is a stream. */
  FETCH_NOT_REPLAYABLE: 'FETCH_NOT_REPLAYABLE',
  /** `auth.fetch` followed more same-origin redirects than allowed (a redirect loop). */
  FETCH_TOO_MANY_REDIRECTS: 'FETCH_TOO_MANY_REDIRECTS',
  /**
   * The workload identity source gave no token: not present here (no variable, no file), or
   * the platform refused it (GitHub's request endpoint answered an error).
   */
  IDENTITY_SOURCE_UNAVAILABLE: 'IDENTITY_SOURCE_UNAVAILABLE',
  /** The platform token is not a JWT, or has expired, before it was sent. */
  IDENTITY_TOKEN_INVALID: 'IDENTITY_TOKEN_INVALID',
  /** `auth.fetch` could not reach the API (DNS, connection refused, proxy). */
  FETCH_UNREACHABLE: 'FETCH_UNREACHABLE',
  /** TLS verification of the API failed: its certificate is not trusted (see `caCertPath`). */
  FETCH_TLS_UNTRUSTED: 'FETCH_TLS_UNTRUSTED',
  /**
   * The API's answer did not arrive in full within `fetchTimeoutSeconds` (default
   * `httpTimeoutSeconds`), from sending the request to the last byte of the body.
   */
  FETCH_TIMEOUT: 'FETCH_TIMEOUT',
  /**
   * `dpop` is on but the authorization server answered a login or a refresh with a token that is
   * not DPoP-bound (`token_type: Bearer`): it was not used or cached. Enable DPoP for the client
   * at the IdP, or turn `dpop` off.
   */
  DPOP_NOT_BOUND: 'DPOP_NOT_BOUND',
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];
