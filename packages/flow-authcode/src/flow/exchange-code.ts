import {
  ErrorCode,
  type FlowRunContext,
  OidcflowError,
  type TokenSet,
  terminalText,
  toOidcflowError,
  untilAborted,
} from '@oidcflow/core';
import { type AuthorizationRequest, requestsOpenId } from './authorization-request.js';
import { loginAborted } from './await-callback.js';

/**
 * Exchanges the code (RFC 6749 §4.1.3) through core's protocol port, which checks state, iss,
 * the PKCE verifier, and the ID token with its nonce, and authenticates the client as core
 * chose (a `clientSecret` is sent here when there is one).
 */
export async function exchangeCode(
  context: FlowRunContext,
  callbackUrl: URL,
  request: AuthorizationRequest,
): Promise<TokenSet> {
  try {
    return await untilAborted(
      context.protocol.exchangeCode({
        callbackUrl,
        request: { ...request, url: request.url.href },
        parameters: context.adjustments.tokenParameters,
        idTokenExpected: requestsOpenId(context.scopes),
      }),
      context.signal,
      loginAborted,
    );
  } catch (error) {
    const converted = toOidcflowError(error, 'exchange the authorization code for tokens', 'auth_code');
    if (OidcflowError.isInstance(converted)) throw converted;
    throw new OidcflowError(
      ErrorCode.TOKEN_REQUEST_FAILED,
      `Exchanging the authorization code for tokens failed: ${terminalText(String((error as Error)?.message ?? error))}. ` +
        'Check that the IdP is reachable and run the login again.',
      { cause: error, flow: 'auth_code' },
    );
  }
}
