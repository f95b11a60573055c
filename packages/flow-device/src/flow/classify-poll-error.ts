import { ErrorCode, OidcflowError, oauthErrorDetails, toOidcflowError } from '@oidcflow/core';
import { DEVICE_FLOW_NAME } from './constants.js';

/** What one failed poll of the token endpoint means for the loop. */
export type PollFailure =
  | { kind: 'authorization_pending' }
  | { kind: 'slow_down' }
  /** The IdP could not be reached or did not answer in time: back off and try again. */
  | { kind: 'connection'; error: unknown }
  /**
   * A 5xx without a JSON OAuth error body (a proxy's HTML page, a restart) or a 429 from a rate
   * limiter in front of the IdP: retry a few times.
   */
  | { kind: 'server'; response: Response; retryAfterSeconds?: number; error: unknown }
  /** Anything else ends the flow with this error. */
  | { kind: 'fatal'; error: OidcflowError | unknown };

interface ErrorShape {
  name?: string;
  code?: unknown;
  message?: string;
  cause?: unknown;
}

const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  // openid-client's code when its request timeout fired.
  'OAUTH_TIMEOUT',
]);

/** The error and its causes, outermost first (bounded: cause chains can be cyclic). */
function causeChain(error: unknown): ErrorShape[] {
  const chain: ErrorShape[] = [];
  let current = error;
  while (current && typeof current === 'object' && chain.length < 6) {
    chain.push(current as ErrorShape);
    current = (current as ErrorShape).cause;
  }
  return chain;
}

function isConnectionFailure(chain: ErrorShape[]): boolean {
  return chain.some(
    (link) =>
      (OidcflowError.isInstance(link) && link.code === ErrorCode.IDP_UNREACHABLE) ||
      (typeof link.code === 'string' && CONNECTION_CODES.has(link.code)) ||
      // undici's fetch rejects with a bare TypeError("fetch failed") around the socket error.
      (link.name === 'TypeError' && link.message === 'fetch failed'),
  );
}

/**
 * The HTTP response openid-client attached to a "not a conform response" error (a status or
 * content type that is no OAuth answer, e.g. a proxy's HTML error page).
 */
export function unexpectedResponse(error: unknown): Response | undefined {
  const outer = causeChain(error)[0];
  if (outer?.code !== 'OAUTH_RESPONSE_IS_NOT_CONFORM' && outer?.code !== 'OAUTH_RESPONSE_IS_NOT_JSON') {
    return undefined;
  }
  // Duck-typed: core's fetch is undici's, whose Response is not necessarily the global class.
  const cause = outer.cause as Partial<Response> | undefined;
  return typeof cause?.status === 'number' && typeof cause.headers?.get === 'function'
    ? (cause as Response)
    : undefined;
}

function retryAfterSeconds(response: Response): number | undefined {
  const value = Number(response.headers.get('retry-after'));
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/** Sorts a failed device-code token request into what the polling loop does next. */
export function classifyPollError(error: unknown): PollFailure {
  const oauthError = oauthErrorDetails(error)?.error;
  if (oauthError === 'authorization_pending') return { kind: 'authorization_pending' };
  if (oauthError === 'slow_down') return { kind: 'slow_down' };
  const chain = causeChain(error);
  const tlsFailure = chain.find(
    (link) => OidcflowError.isInstance(link) && link.code === ErrorCode.IDP_TLS_UNTRUSTED,
  );
  // An untrusted certificate does not fix itself by waiting.
  if (tlsFailure) return { kind: 'fatal', error: tlsFailure };
  if (!oauthError && isConnectionFailure(chain)) return { kind: 'connection', error };
  // A 5xx whose body is a JSON OAuth error (`server_error`, "user not found") is the IdP's
  // answer, not an outage: it ends the login with the IdP's words instead of being retried.
  const response = oauthError ? undefined : unexpectedResponse(error);
  if (response && (response.status >= 500 || response.status === 429)) {
    const retryAfter = retryAfterSeconds(response);
    return {
      kind: 'server',
      response,
      error,
      ...(retryAfter ? { retryAfterSeconds: retryAfter } : {}),
    };
  }
  if (response) return { kind: 'fatal', error: notOAuthResponseError(error, response, 1) };
  return { kind: 'fatal', error: fatalPollError(error, oauthError) };
}

function contentTypeOf(response: Response): string {
  return response.headers.get('content-type')?.split(';')[0]?.trim() || 'no content type';
}

/**
 * The error for a token endpoint that answered something other than OAuth `times` times in a
 * row. The body is not quoted: an HTML error page says nothing useful in a terminal.
 */
export function notOAuthResponseError(error: unknown, response: Response, times: number): OidcflowError {
  const repeated = times > 1 ? ` ${times} times in a row` : '';
  const advice =
    response.status >= 500 || response.status === 429
      ? 'The IdP or a proxy in front of it is failing; try again later, and tell its administrators if it persists.'
      : 'Check the token endpoint URL (tokenEndpoint) and any proxy in front of the IdP.';
  return new OidcflowError(
    ErrorCode.TOKEN_REQUEST_FAILED,
    `The token endpoint answered HTTP ${response.status} (${contentTypeOf(response)}) instead of an OAuth response${repeated} while waiting for the device login. ${advice}`,
    { cause: error, status: response.status, flow: DEVICE_FLOW_NAME },
  );
}

/** An `OidcflowError` core's HTTP client raised (unreachable, untrusted TLS) inside openid-client's error. */
export function embeddedOidcflowError(error: unknown): OidcflowError | undefined {
  return causeChain(error).find((link) => OidcflowError.isInstance(link)) as OidcflowError | undefined;
}

function fatalPollError(error: unknown, oauthError: string | undefined): unknown {
  const description = oauthErrorDetails(error)?.description;
  const said = oauthError ? (description ? `${oauthError}: ${description}` : oauthError) : '';
  const details = {
    cause: error,
    flow: DEVICE_FLOW_NAME,
    ...(oauthError ? { oauthError } : {}),
    ...(description ? { oauthErrorDescription: description } : {}),
  };
  if (oauthError === 'expired_token') {
    return new OidcflowError(
      ErrorCode.DEVICE_CODE_EXPIRED,
      `The device code expired before the login was approved (${said}). Run the login again and enter the new code before it expires.`,
      details,
    );
  }
  if (oauthError === 'access_denied') {
    return new OidcflowError(
      ErrorCode.LOGIN_DENIED,
      `The login was denied at the IdP (${said}). If that was a mistake, run the login again and approve the request.`,
      details,
    );
  }
  // Core's conversion also unwraps its own errors (unreachable, TLS) and failed checks.
  return toOidcflowError(error, 'issue tokens for the device login', DEVICE_FLOW_NAME);
}
