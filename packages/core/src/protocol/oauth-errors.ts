import { ErrorCode } from '../errors/codes.js';
import { OidcflowError } from '../errors/oidcflow-error.js';

interface ResponseBodyErrorShape {
  name?: string;
  error?: string;
  error_description?: string;
  status?: number;
  code?: string;
  message?: string;
}

/** The OAuth `error` of an openid-client `ResponseBodyError`, if it is one. */
export function oauthErrorOf(error: unknown): string | undefined {
  const shape = error as ResponseBodyErrorShape | null;
  return typeof shape?.error === 'string' && shape.name === 'ResponseBodyError' ? shape.error : undefined;
}

/**
 * Converts what openid-client throws into an `OidcflowError` that says what to do.
 * `action` names the request in words ("refresh the token", "exchange the code").
 */
export function toOidcflowError(error: unknown, action: string, flow?: string): unknown {
  if (OidcflowError.isInstance(error)) return error;
  const shape = (error ?? {}) as ResponseBodyErrorShape;
  if ((error as { name?: string })?.name === 'AbortError') {
    return new OidcflowError(ErrorCode.LOGIN_ABORTED, `Stopped before the IdP answered (${action}).`, {
      cause: error,
      ...(flow ? { flow } : {}),
    });
  }
  const base = { cause: error, ...(flow ? { flow } : {}), ...(shape.status ? { status: shape.status } : {}) };
  const oauthError = oauthErrorOf(error);
  if (oauthError) {
    const description = shape.error_description;
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
