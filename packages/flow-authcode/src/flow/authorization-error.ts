import { ErrorCode, OidcflowError, terminalText } from '@oidcflow/core';

/**
 * The error an IdP returned on the redirect (RFC 6749 §4.1.2.1), after state and iss were
 * checked. `access_denied` and the OIDC "the user must act" errors are a refused login;
 * `invalid_target` is its own code; anything else is the IdP refusing the request.
 */
export function authorizationError(parameters: URLSearchParams, issuerHost: string): OidcflowError {
  const oauthError = parameters.get('error') ?? 'unknown_error';
  const description = parameters.get('error_description') ?? undefined;
  // From the redirect, so from whoever sent the browser there: one line, escaped, bounded.
  const said = terminalText(description ? `${oauthError}: ${description}` : oauthError);
  const options = {
    oauthError,
    ...(description ? { oauthErrorDescription: description } : {}),
    flow: 'auth_code',
  };
  switch (oauthError) {
    case 'access_denied':
      return new OidcflowError(
        ErrorCode.LOGIN_DENIED,
        `The login at ${issuerHost} was refused (${said}). Run the login again and approve the request, ` +
          'or ask the IdP administrators whether your account may use this client.',
        options,
      );
    case 'login_required':
    case 'consent_required':
    case 'interaction_required':
    case 'account_selection_required':
      return new OidcflowError(
        ErrorCode.LOGIN_DENIED,
        `The IdP at ${issuerHost} needs you to act in the browser (${said}). Run the login again and complete it there.`,
        options,
      );
    case 'invalid_target':
      return new OidcflowError(
        ErrorCode.INVALID_TARGET,
        `The IdP at ${issuerHost} rejected the audience/resource (${said}). Check the audience option against what the IdP knows.`,
        options,
      );
    default:
      return new OidcflowError(
        ErrorCode.LOGIN_DENIED,
        `The IdP at ${issuerHost} refused the authorization request (${said}). Check the client id, ` +
          'redirect URI and scopes registered with the IdP.',
        options,
      );
  }
}
