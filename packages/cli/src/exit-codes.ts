import type { ErrorCode } from '@oidcflow/core';

/**
 * The exit codes of `oidcflow`, the one place they are defined. Scripts switch on these, so a
 * number never changes meaning once released. The README's table is generated from the same
 * descriptions (see `EXIT_CODE_DESCRIPTIONS`).
 */
export const ExitCode = {
  OK: 0,
  /** Anything not foreseen below (a bug, an I/O error); the message says what. */
  UNEXPECTED: 1,
  USAGE: 2,
  NOT_LOGGED_IN: 3,
  LOGIN_DENIED: 4,
  UNREACHABLE: 5,
  TIMEOUT: 6,
  CONFIGURATION: 7,
  IDP_ERROR: 8,
  /** `oidcflow fetch`: the API answered 4xx or 5xx (its body is still printed). */
  HTTP_ERROR: 9,
  /** 128 + SIGINT. */
  INTERRUPTED: 130,
  /** 128 + SIGTERM. */
  TERMINATED: 143,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export const EXIT_CODE_DESCRIPTIONS: Readonly<Record<ExitCode, string>> = {
  0: 'success',
  1: 'unexpected error (a bug or a local I/O problem; the message says which)',
  2: 'usage error: unknown command or option, missing or malformed value',
  3: 'not logged in: nothing usable is cached and no login may run here (`status`; kubectl calls with interactive: false)',
  4: 'login denied by the user or the IdP',
  5: 'IdP or server unreachable, or its TLS certificate is not trusted',
  6: 'timed out: browser callback, device code, cache lock, or the answer of `fetch`',
  7: 'configuration error: missing issuer or client id, bad option value, no usable flow, no platform token (workload identity)',
  8: 'the IdP rejected a request or answered something invalid',
  9: '`fetch`: the API answered with an HTTP error (4xx, 5xx); its body is still printed',
  130: 'interrupted (Ctrl-C); the cache is left as it was',
  143: 'terminated (SIGTERM); the cache is left as it was',
};

/**
 * Every `OidcflowError` code and the exit code it ends the process with. A `Record` over
 * `ErrorCode`, so a code added to core without a mapping here fails the typecheck.
 */
export const EXIT_CODE_BY_ERROR: Readonly<Record<ErrorCode, ExitCode>> = {
  CONFIG_MISSING_ISSUER: ExitCode.CONFIGURATION,
  CONFIG_MISSING_CLIENT_ID: ExitCode.CONFIGURATION,
  CONFIG_INVALID: ExitCode.CONFIGURATION,
  CONFIG_INSECURE_URL: ExitCode.CONFIGURATION,
  PROFILE_INVALID: ExitCode.CONFIGURATION,
  PROFILE_UNKNOWN: ExitCode.CONFIGURATION,
  CA_CERT_NOT_FOUND: ExitCode.CONFIGURATION,
  CA_CERT_INVALID: ExitCode.CONFIGURATION,
  // Most often the resource server is down; a wrong URL reads the same to a script.
  SERVER_SOURCE_FAILED: ExitCode.UNREACHABLE,
  IDP_UNREACHABLE: ExitCode.UNREACHABLE,
  IDP_TLS_UNTRUSTED: ExitCode.UNREACHABLE,
  IDP_RESPONSE_TOO_LARGE: ExitCode.IDP_ERROR,
  // The host answered but has no metadata there: almost always a wrong issuer URL.
  DISCOVERY_NOT_FOUND: ExitCode.CONFIGURATION,
  DISCOVERY_INVALID: ExitCode.IDP_ERROR,
  ISSUER_MISMATCH: ExitCode.IDP_ERROR,
  ENDPOINT_MISSING: ExitCode.CONFIGURATION,
  FLOW_UNKNOWN: ExitCode.CONFIGURATION,
  FLOW_NOT_INSTALLED: ExitCode.CONFIGURATION,
  NO_FLOW_AVAILABLE: ExitCode.CONFIGURATION,
  PLUGIN_INVALID: ExitCode.CONFIGURATION,
  LOGIN_DENIED: ExitCode.LOGIN_DENIED,
  LOGIN_TIMEOUT: ExitCode.TIMEOUT,
  LOGIN_ABORTED: ExitCode.INTERRUPTED,
  DEVICE_CODE_EXPIRED: ExitCode.TIMEOUT,
  CALLBACK_INVALID: ExitCode.IDP_ERROR,
  CALLBACK_PORT_IN_USE: ExitCode.CONFIGURATION,
  BROWSER_UNAVAILABLE: ExitCode.CONFIGURATION,
  CLIENT_SECRET_MISSING: ExitCode.CONFIGURATION,
  INVALID_TARGET: ExitCode.IDP_ERROR,
  TOKEN_REQUEST_FAILED: ExitCode.IDP_ERROR,
  TOKEN_RESPONSE_INVALID: ExitCode.IDP_ERROR,
  CACHE_INSECURE: ExitCode.CONFIGURATION,
  CACHE_LOCK_TIMEOUT: ExitCode.TIMEOUT,
  CACHE_KEYRING_UNAVAILABLE: ExitCode.CONFIGURATION,
  // The IdP did not authenticate as asked (acr_values, max_age): the login was not granted as asked.
  LOGIN_REQUIREMENT_UNMET: ExitCode.LOGIN_DENIED,
  NOT_LOGGED_IN: ExitCode.NOT_LOGGED_IN,
  // As NOT_LOGGED_IN: a login (a stronger one) is needed and may not run here.
  STEP_UP_REQUIRED: ExitCode.NOT_LOGGED_IN,
  ACCOUNT_UNKNOWN: ExitCode.CONFIGURATION,
  // The IdP logged in someone else than the account asked for.
  ACCOUNT_MISMATCH: ExitCode.LOGIN_DENIED,
  ID_TOKEN_UNAVAILABLE: ExitCode.CONFIGURATION,
  FETCH_ORIGIN_NOT_ALLOWED: ExitCode.CONFIGURATION,
  // The API refused the token and the request could not be sent again.
  FETCH_NOT_REPLAYABLE: ExitCode.IDP_ERROR,
  FETCH_TOO_MANY_REDIRECTS: ExitCode.UNEXPECTED,
  // Workload identity: the job or pod does not provide what the settings name (a missing
  // id-token permission, an unmounted token file), or it provided an expired token.
  IDENTITY_SOURCE_UNAVAILABLE: ExitCode.CONFIGURATION,
  IDENTITY_TOKEN_INVALID: ExitCode.CONFIGURATION,
  FETCH_UNREACHABLE: ExitCode.UNREACHABLE,
  FETCH_TLS_UNTRUSTED: ExitCode.UNREACHABLE,
  FETCH_TIMEOUT: ExitCode.TIMEOUT,
  // The IdP is not set up to bind this client's tokens: a setting to change, here or there.
  DPOP_NOT_BOUND: ExitCode.CONFIGURATION,
};

/** The exit code for an error code; unknown codes (a newer core) count as IdP errors. */
export function exitCodeForError(code: string): ExitCode {
  return (EXIT_CODE_BY_ERROR as Record<string, ExitCode>)[code] ?? ExitCode.IDP_ERROR;
}
