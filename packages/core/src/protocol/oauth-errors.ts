import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';
import { terminalText } from '../errors/terminal-text.js';

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
 * (`ResponseBodyError`), or from a `WWW-Authenticate` challenge (`WWWAuthenticateChallengeError`,
 * e.g. oidc-provider's 401 for a wrong client secret).
 */
function oauthErrorFields(error: unknown): { error: string; description?: string } | undefined {
  const shape = error as (ResponseBodyErrorShape & { cause?: unknown }) | null;
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

/** The OAuth `error` the IdP answered with (JSON body or `WWW-Authenticate` challenge), if any. */
export function oauthErrorOf(error: unknown): string | undefined {
  return oauthErrorFields(error)?.error;
}

/** The error and its causes, outermost first (bounded: cause chains can be cyclic). */
function causeChain(error: unknown): ResponseBodyErrorShape[] {
  const chain: ResponseBodyErrorShape[] = [];
  let current = error;
  while (current && typeof current === 'object' && chain.length < 6) {
    chain.push(current as ResponseBodyErrorShape);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
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
  const embedded = causeChain(error).find((link) => OidcflowError.isInstance(link));
  if (embedded) return embedded;
  const shape = (error ?? {}) as ResponseBodyErrorShape;
  if (causeChain(error).some((link) => link.name === 'AbortError')) {
    return new OidcflowError(ErrorCode.LOGIN_ABORTED, `Stopped before the IdP answered (${action}).`, {
      cause: error,
      ...(flow ? { flow } : {}),
    });
  }
  const base = { cause: error, ...(flow ? { flow } : {}), ...(shape.status ? { status: shape.status } : {}) };
  const fields = oauthErrorFields(error);
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
          `The IdP denied the request to ${action} (${said}).`,
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
          `The device code expired (${said}). Run the login again.`,
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
  if (shape.code && INVALID_ANSWER_CODES.has(shape.code)) {
    const detail = causeChain(error)[1]?.message ?? shape.message ?? shape.code;
    return new OidcflowError(
      ErrorCode.TOKEN_RESPONSE_INVALID,
      `The IdP's answer when asked to ${action} failed validation: ${detail}. ` +
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
      `The IdP's answer when asked to ${action} failed validation${status}: ${shape.message ?? shape.code}. ` +
        'This is a problem with the IdP or its configuration; report it to its administrators.',
      base,
    );
  }
  return error;
}
