import { causeChain } from '../errors/cause-chain.js';
import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import { terminalText } from '../errors/terminal-text.js';
import type { DevicePollOutcome } from '../spec/protocol.js';
import { contentTypeOf, notOAuthAdvice, unexpectedResponse } from './http-answer.js';
import { oauthErrorDetails, toOidcflowError } from './oauth-errors.js';

/** A poll outcome other than tokens, or the error that ends the login. */
export type PollFailure = Exclude<DevicePollOutcome, { kind: 'tokens' }> | { kind: 'fatal'; error: unknown };

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

function isConnectionFailure(chain: ErrorShape[]): boolean {
  return chain.some(
    (link) =>
      (OidcflowError.isInstance(link) && link.code === ErrorCode.IDP_UNREACHABLE) ||
      (typeof link.code === 'string' && CONNECTION_CODES.has(link.code)) ||
      // undici's fetch rejects with a bare TypeError("fetch failed") around the socket error.
      (link.name === 'TypeError' && link.message === 'fetch failed'),
  );
}

/** Frees the connection of a response nobody will read (a proxy's error page). */
function discardBody(response: Response): void {
  response.body?.cancel().catch(() => {});
}

function retryAfterSeconds(response: Response): number | undefined {
  const value = Number(response.headers.get('retry-after'));
  return Number.isFinite(value) && value > 0 ? value : undefined;
}

/**
 * The error for a token endpoint that answered something other than OAuth while a device login
 * polls. The body is not quoted: an HTML error page says nothing useful in a terminal.
 */
function notOAuthResponseError(
  failure: { status: number; contentType: string; cause?: unknown },
  flow?: string,
): OidcflowError {
  const advice = notOAuthAdvice(failure.status, 'the token endpoint URL (tokenEndpoint)');
  return new OidcflowError(
    ErrorCode.TOKEN_REQUEST_FAILED,
    `The token endpoint answered HTTP ${failure.status} (${terminalText(failure.contentType)}) instead of an OAuth response while waiting for the device login. ${advice}`,
    { cause: failure.cause, status: failure.status, ...(flow ? { flow } : {}) },
  );
}

/** An `OidcflowError` core's HTTP client raised (unreachable, untrusted TLS) inside openid-client's error. */
function embeddedOidcflowError(error: unknown): OidcflowError | undefined {
  return causeChain<ErrorShape>(error).find((link) => OidcflowError.isInstance(link)) as
    | OidcflowError
    | undefined;
}

function unreachable(error: unknown, flow: string | undefined): OidcflowError {
  const embedded = embeddedOidcflowError(error);
  if (embedded) return embedded;
  return new OidcflowError(
    ErrorCode.IDP_UNREACHABLE,
    `The token endpoint did not answer: ${terminalText(String((error as Error)?.message ?? 'connection error'))}. Check the network and the IdP.`,
    { cause: error, ...(flow ? { flow } : {}) },
  );
}

/**
 * Sorts a failed device-code token request (what openid-client threw) into what a polling
 * loop does next: keep polling, slow down, back off, retry, or end with an `OidcflowError`.
 */
export function classifyPollError(error: unknown, flow?: string): PollFailure {
  const oauthError = oauthErrorDetails(error)?.error;
  if (oauthError === 'authorization_pending') return { kind: 'authorization_pending' };
  if (oauthError === 'slow_down') return { kind: 'slow_down' };
  const chain = causeChain<ErrorShape>(error);
  const tlsFailure = chain.find(
    (link) => OidcflowError.isInstance(link) && link.code === ErrorCode.IDP_TLS_UNTRUSTED,
  );
  // An untrusted certificate does not fix itself by waiting.
  if (tlsFailure) return { kind: 'fatal', error: tlsFailure };
  if (!oauthError && isConnectionFailure(chain))
    return { kind: 'unreachable', error: unreachable(error, flow) };
  // A 5xx whose body is a JSON OAuth error (`server_error`, "user not found") is the IdP's
  // answer, not an outage: it ends the login with the IdP's words instead of being retried.
  const response = oauthError ? undefined : unexpectedResponse(error);
  if (response) {
    discardBody(response);
    const failure = { status: response.status, contentType: contentTypeOf(response), cause: error };
    if (response.status >= 500 || response.status === 429) {
      const retryAfter = retryAfterSeconds(response);
      return {
        kind: 'unavailable',
        status: failure.status,
        contentType: failure.contentType,
        error: notOAuthResponseError(failure, flow),
        ...(retryAfter ? { retryAfterSeconds: retryAfter } : {}),
      };
    }
    return { kind: 'fatal', error: notOAuthResponseError(failure, flow) };
  }
  // Core's conversion also unwraps its own errors (unreachable, TLS) and failed checks, and
  // words expired_token and access_denied as every flow does.
  return { kind: 'fatal', error: toOidcflowError(error, 'issue tokens for the device login', flow) };
}

/**
 * What a failed device authorization request means, in words: a non-OAuth answer (a proxy's
 * page), a client not allowed the device grant, or whatever core's conversion says.
 */
export function deviceAuthorizationError(
  error: unknown,
  endpoint: string | undefined,
  flow?: string,
  scopes: readonly string[] = [],
): unknown {
  // An unreachable IdP or untrusted TLS comes out of toOidcflowError below, unwrapped.
  const details = oauthErrorDetails(error);
  // A 5xx with a JSON OAuth error is an answer: its words are reported by toOidcflowError.
  const response = details ? undefined : unexpectedResponse(error);
  const withFlow = flow ? { flow } : {};
  if (response) {
    discardBody(response);
    return new OidcflowError(
      ErrorCode.TOKEN_REQUEST_FAILED,
      `The device authorization endpoint ${terminalText(endpoint ?? '')} answered HTTP ${response.status} (${terminalText(contentTypeOf(response))}) instead of an OAuth response. ` +
        'Check deviceAuthorizationEndpoint and any proxy in front of the IdP, then run the login again.',
      { cause: error, status: response.status, ...withFlow },
    );
  }
  const status = (error as { status?: number } | undefined)?.status ?? details?.status;
  const description = details?.description;
  const said = description ? `: ${terminalText(description)}` : '';
  const oauthDetails = {
    cause: error,
    ...withFlow,
    ...(description ? { oauthErrorDescription: description } : {}),
    ...(status ? { status } : {}),
  };
  if (details?.error === 'unauthorized_client') {
    return new OidcflowError(
      ErrorCode.TOKEN_REQUEST_FAILED,
      `The IdP does not let this client use the device flow (unauthorized_client${said}). ` +
        'Enable the device authorization grant for the client at the IdP, or use another flow.',
      { ...oauthDetails, oauthError: 'unauthorized_client' },
    );
  }
  if (details?.error === 'invalid_scope') {
    // The default scopes come from the IdP's scopes_supported, which is not per grant:
    // Spring Authorization Server advertises openid but refuses it in a device request.
    return new OidcflowError(
      ErrorCode.TOKEN_REQUEST_FAILED,
      `The IdP refused the scopes of the device login [${terminalText(scopes.join(' '))}] (invalid_scope${said}). ` +
        'Set the scopes option to ones this client may ask for in a device login at this IdP ' +
        '(some IdPs, Spring Authorization Server among them, refuse openid there).',
      { ...oauthDetails, oauthError: 'invalid_scope' },
    );
  }
  return toOidcflowError(error, 'start the device login', flow);
}
