import { ErrorCode, type FlowRunContext, OidcflowError, type TokenSet } from '@oidcflow/core';
import { callbackTarget } from '../listener/callback-target.js';
import {
  type CallbackVerdict,
  LoopbackListener,
  type ReceivedCallback,
} from '../listener/loopback-listener.js';
import { failurePage, successPage } from '../pages/result-page.js';
import { authorizationError } from './authorization-error.js';
import { createAuthorizationRequest } from './authorization-request.js';
import { awaitCallback } from './await-callback.js';
import { checkCallback, type ExpectedCallback } from './check-callback.js';
import { exchangeCode } from './exchange-code.js';
import { showAuthorizationUrl } from './show-authorization-url.js';

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

/**
 * One browser login: listener up, authorization URL out, wait for the one valid redirect,
 * exchange the code, answer the browser with a result page, listener down — whatever happens.
 */
export async function runAuthCodeLogin(context: FlowRunContext): Promise<TokenSet> {
  const target = callbackTarget(context.settings);
  const issuer = context.metadata.issuer || context.issuer;
  const issuerHost = hostOf(issuer);
  // The state is drawn once the redirect URI (and so the port) is known; until then nothing is valid.
  let expected: ExpectedCallback | undefined;
  const check = (parameters: URLSearchParams): CallbackVerdict =>
    expected
      ? checkCallback(parameters, expected)
      : { kind: 'ignore', reason: 'No login is waiting for a response yet.' };
  const listener = await LoopbackListener.start({ target, check, log: context.log });
  try {
    const request = await createAuthorizationRequest(context, listener.redirectUri);
    expected = {
      state: request.state,
      issuer,
      issRequired: context.metadata.authorization_response_iss_parameter_supported === true,
    };
    // The timeout runs from here and the browser opens meanwhile: an opener that returns only
    // once the login is done (a harness driving a browser) must not hold up the redirect.
    let waiting = true;
    const callbackArrived = awaitCallback(listener, {
      clock: context.ports.clock,
      timeoutSeconds: context.settings.callbackTimeoutSeconds,
      ...(context.signal ? { signal: context.signal } : {}),
    });
    void showAuthorizationUrl(context, request.url, issuerHost, () => waiting);
    let callback: ReceivedCallback;
    try {
      callback = await callbackArrived;
    } finally {
      waiting = false;
    }
    if (callback.refusal) {
      await callback.respond(
        400,
        failurePage(
          'The login response failed a security check, so no tokens were requested.',
          callback.refusal,
        ),
      );
      throw new OidcflowError(
        ErrorCode.CALLBACK_INVALID,
        `The browser brought back a login response that failed a check: ${callback.refusal} ` +
          'No token was requested. Run the login again; if this repeats, report it to the IdP administrators.',
        { flow: 'auth_code' },
      );
    }
    const parameters = callback.url.searchParams;
    if (parameters.has('error')) {
      const error = authorizationError(parameters, issuerHost);
      const description = parameters.get('error_description');
      await callback.respond(
        200,
        failurePage(
          `The IdP at ${issuerHost} did not grant the login.`,
          `${parameters.get('error')}${description ? `: ${description}` : ''}`,
        ),
      );
      throw error;
    }
    try {
      const tokens = await exchangeCode(context, callback.url, request);
      await callback.respond(200, successPage(issuerHost));
      return tokens;
    } catch (error) {
      const detail = OidcflowError.isInstance(error) ? error.message : undefined;
      await callback.respond(200, failurePage('The login could not be completed.', detail));
      throw error;
    }
  } finally {
    await listener.close();
  }
}
