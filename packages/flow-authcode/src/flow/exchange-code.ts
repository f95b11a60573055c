import {
  ErrorCode,
  type FlowRunContext,
  OidcflowError,
  type OpenIdClient,
  type TokenSet,
  tokenSetFromResponse,
  toOidcflowError,
  toSearchParams,
} from '@oidcflow/core';
import { type AuthorizationRequest, requestsOpenId } from './authorization-request.js';
import { loginAborted } from './await-callback.js';

function untilAborted<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(loginAborted(signal.reason));
  // openid-client takes no signal here; the request finishes on its own and is ignored.
  work.catch(() => {});
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(loginAborted(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Exchanges the code (RFC 6749 §4.1.3) through openid-client, which checks state, iss, the
 * PKCE verifier, and the ID token with its nonce. The configuration carries the client
 * authentication core chose, so a `clientSecret` is sent here when there is one.
 */
export async function exchangeCode(
  context: FlowRunContext,
  callbackUrl: URL,
  request: AuthorizationRequest,
): Promise<TokenSet> {
  const { client, configuration } = context.openid;
  const checks: OpenIdClient.AuthorizationCodeGrantChecks = {
    expectedState: request.state,
    idTokenExpected: requestsOpenId(context.scopes),
  };
  if (request.nonce) checks.expectedNonce = request.nonce;
  if (request.codeVerifier) checks.pkceCodeVerifier = request.codeVerifier;
  try {
    const response = await untilAborted(
      client.authorizationCodeGrant(
        configuration,
        callbackUrl,
        checks,
        toSearchParams(context.adjustments.tokenParameters),
      ),
      context.signal,
    );
    return tokenSetFromResponse(response, context.ports.clock.now(), context.log);
  } catch (error) {
    const converted = toOidcflowError(error, 'exchange the authorization code for tokens', 'auth_code');
    if (OidcflowError.isInstance(converted)) throw converted;
    throw new OidcflowError(
      ErrorCode.TOKEN_REQUEST_FAILED,
      `Exchanging the authorization code for tokens failed: ${(error as Error)?.message ?? String(error)}. ` +
        'Check that the IdP is reachable and run the login again.',
      { cause: error, flow: 'auth_code' },
    );
  }
}
