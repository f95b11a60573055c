import { causeChain } from '../errors/cause-chain.js';
import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import { terminalText } from '../errors/terminal-text.js';
import { type OAuthErrorDetails, unreadOAuthError } from './error-response-body.js';
import { contentTypeOf, notOAuthAdvice, unexpectedResponse } from './http-answer.js';

export type { OAuthErrorDetails };

interface ResponseBodyErrorShape {
  name?: string;
  error?: string;
  error_description?: string;
  status?: number;
  code?: string;
  message?: string;
}

interface ChallengeShape {
  parameters?: Record<string, unknown>;
}

/**
 * The OAuth `error` and `error_description` the IdP answered with: from a JSON body
 * (`ResponseBodyError`, or an error response `keepOAuthErrorBody` read), or from a
 * `WWW-Authenticate` challenge (`WWWAuthenticateChallengeError`, e.g. oidc-provider's 401 for
 * a wrong client secret).
 */
export function oauthErrorDetails(error: unknown): OAuthErrorDetails | undefined {
  const shape = error as (ResponseBodyErrorShape & { cause?: unknown }) | null;
  const unread = unreadOAuthError(shape?.cause);
  if (unread) return unread;
  if (shape?.name === 'ResponseBodyError' && typeof shape.error === 'string') {
    return {
      error: shape.error,
      ...(shape.error_description ? { description: shape.error_description } : {}),
    };
  }
  if (shape?.name === 'WWWAuthenticateChallengeError' && Array.isArray(shape.cause)) {
    const parameters = (shape.cause as ChallengeShape[]).find(
      (challenge) => typeof challenge?.parameters?.error === 'string',
    )?.parameters;
    if (!parameters) return undefined;
    const description = parameters.error_description;
    return {
      error: parameters.error as string,
      ...(typeof description === 'string' && description ? { description } : {}),
    };
  }
  return undefined;
}

/**
 * The status and content type of an error response that holds no OAuth error (a proxy's HTML
 * page, an empty 503): openid-client's "unexpected HTTP response" errors carry the response.
 * The body is not quoted: an HTML page says nothing useful in a terminal.
 */
function notAnOAuthResponse(error: unknown): { status: number; contentType: string } | undefined {
  const response = unexpectedResponse(error);
  return response && { status: response.status, contentType: contentTypeOf(response) };
}

/**
 * The two spellings when the IdP names another issuer than the one configured: in an ID
 * token's `iss` (oauth4webapi's cause: `{ claim: 'iss', expected, claims }`) or in the RFC 9207
 * `iss` of an authorization response (`{ expected, parameters }`). Without discovery (endpoints
 * given as options) this is the first place a misspelt issuer shows, so the fix is said here.
 */
function issuerMismatchIn(error: unknown): { expected: string; actual: string; where: string } | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (code !== 'OAUTH_JWT_CLAIM_COMPARISON_FAILED' && code !== 'OAUTH_INVALID_RESPONSE') return undefined;
  for (const link of causeChain<ResponseBodyErrorShape>(error) as Array<Record<string, unknown>>) {
    if (typeof link.expected !== 'string') continue;
    const claims = link.claims as Record<string, unknown> | undefined;
    if (link.claim === 'iss' && typeof claims?.iss === 'string') {
      return { expected: link.expected, actual: claims.iss, where: "The ID token's issuer (iss)" };
    }
    const parameters = link.parameters as URLSearchParams | undefined;
    const iss = parameters instanceof URLSearchParams ? parameters.get('iss') : null;
    if (iss !== null && iss !== link.expected) {
      return {
        expected: link.expected,
        actual: iss,
        where: 'The issuer in the authorization response (iss)',
      };
    }
  }
  return undefined;
}

/** openid-client codes for an answer that failed its checks; the detail is in the cause. */
const INVALID_ANSWER_CODES = new Set([
  'OAUTH_INVALID_RESPONSE',
  'OAUTH_PARSE_ERROR',
  'OAUTH_JWT_CLAIM_COMPARISON_FAILED',
  'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED',
  'OAUTH_JWT_TIMESTAMP_CHECK_FAILED',
]);

/**
 * Converts what openid-client throws into an `OidcflowError` that says what to do.
 * `action` names the request in words ("refresh the token", "exchange the code").
 */
export function toOidcflowError(error: unknown, action: string, flow?: string): unknown {
  if (OidcflowError.isInstance(error)) return error;
  // openid-client wraps what core's fetch threw (IDP_UNREACHABLE, IDP_TLS_UNTRUSTED): use that.
  const embedded = causeChain<ResponseBodyErrorShape>(error).find((link) => OidcflowError.isInstance(link));
  if (embedded) return embedded;
  const shape = (error ?? {}) as ResponseBodyErrorShape;
  if (causeChain<ResponseBodyErrorShape>(error).some((link) => link.name === 'AbortError')) {
    return new OidcflowError(ErrorCode.LOGIN_ABORTED, `Stopped before the IdP answered (${action}).`, {
      cause: error,
      ...(flow ? { flow } : {}),
    });
  }
  const fields = oauthErrorDetails(error);
  const status = shape.status ?? fields?.status;
  const base = { cause: error, ...(flow ? { flow } : {}), ...(status ? { status } : {}) };
  if (fields) {
    // Both come from the IdP and go into a message: no line breaks or escapes of theirs.
    const oauthError = terminalText(fields.error);
    const description = fields.description === undefined ? undefined : terminalText(fields.description);
    const said = description ? `${oauthError}: ${description}` : oauthError;
    const withOauth = { ...base, oauthError, ...(description ? { oauthErrorDescription: description } : {}) };
    switch (oauthError) {
      case 'access_denied':
        return new OidcflowError(
          ErrorCode.LOGIN_DENIED,
          `The IdP denied the request to ${action} (${said}). If that was a mistake, run the login again and approve the request.`,
          withOauth,
        );
      case 'invalid_target':
        return new OidcflowError(
          ErrorCode.INVALID_TARGET,
          `The IdP rejected the audience/resource (${said}). Check the audience option against what the IdP knows.`,
          withOauth,
        );
      case 'expired_token':
        return new OidcflowError(
          ErrorCode.DEVICE_CODE_EXPIRED,
          `The device code expired before the login was approved (${said}). Run the login again and enter the new code before it expires.`,
          withOauth,
        );
      case 'server_error':
      case 'temporarily_unavailable':
        return new OidcflowError(
          ErrorCode.TOKEN_REQUEST_FAILED,
          `The IdP failed when asked to ${action}${status ? ` (HTTP ${status})` : ''}: ${said}. ` +
            'Try again later, and tell its administrators if it persists.',
          withOauth,
        );
      case 'invalid_client':
        return new OidcflowError(
          ErrorCode.TOKEN_REQUEST_FAILED,
          `The IdP did not accept the client credentials when asked to ${action} (${said}). Check clientId and clientSecret.`,
          withOauth,
        );
      default:
        return new OidcflowError(
          ErrorCode.TOKEN_REQUEST_FAILED,
          `The IdP refused to ${action} (${said}).`,
          withOauth,
        );
    }
  }
  const issuers = issuerMismatchIn(error);
  if (issuers) {
    return new OidcflowError(
      ErrorCode.ISSUER_MISMATCH,
      `${issuers.where} is "${terminalText(issuers.actual)}", but the issuer configured is "${terminalText(issuers.expected)}". ` +
        `Issuers must match exactly (a trailing slash counts): if this is the IdP you mean, set the issuer option to "${terminalText(issuers.actual)}".`,
      base,
    );
  }
  const notOAuth = notAnOAuthResponse(error);
  if (notOAuth) {
    const advice = notOAuthAdvice(notOAuth.status, 'the endpoint URLs (issuer, tokenEndpoint)');
    return new OidcflowError(
      ErrorCode.TOKEN_REQUEST_FAILED,
      `The IdP answered HTTP ${notOAuth.status} (${terminalText(notOAuth.contentType)}) instead of an OAuth response when asked to ${action}. ${advice}`,
      { ...base, status: notOAuth.status },
    );
  }
  if (shape.code && INVALID_ANSWER_CODES.has(shape.code)) {
    const detail = causeChain<ResponseBodyErrorShape>(error)[1]?.message ?? shape.message ?? shape.code;
    return new OidcflowError(
      ErrorCode.TOKEN_RESPONSE_INVALID,
      `The IdP's answer when asked to ${action} failed validation: ${terminalText(detail)}. ` +
        'This is a problem with the IdP or its configuration; report it to its administrators.',
      base,
    );
  }
  if (
    shape.code?.startsWith('OAUTH_') ||
    shape.name === 'OperationProcessingError' ||
    shape.name === 'ClientError'
  ) {
    const status = shape.status ? ` (HTTP ${shape.status})` : '';
    return new OidcflowError(
      ErrorCode.TOKEN_RESPONSE_INVALID,
      `The IdP's answer when asked to ${action} failed validation${status}: ${terminalText(String(shape.message ?? shape.code))}. ` +
        'This is a problem with the IdP or its configuration; report it to its administrators.',
      base,
    );
  }
  return error;
}
