import {
  ErrorCode,
  type FlowRunContext,
  OidcflowError,
  toOidcflowError,
  toSearchParams,
} from '@oidcflow/core';
import type { DeviceVerification } from '../prompt/device-verification.js';
import { terminalSafe } from '../prompt/terminal-safe.js';
import { untilAborted } from './abort.js';
import { unexpectedResponse } from './classify-poll-error.js';
import { DEFAULT_INTERVAL_SECONDS, DEVICE_FLOW_NAME } from './constants.js';

/** One device authorization (RFC 8628 §3.1–3.2): what to poll with and what to show. */
export interface DeviceAuthorization {
  /** Secret of this login: sent only to the token endpoint, never shown or logged. */
  deviceCode: string;
  verification: DeviceVerification;
  /** `expires_in` as the IdP sent it. */
  expiresInSeconds: number;
}

/** A positive number of seconds, or undefined (absent, zero, negative or not a number). */
function positiveSeconds(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function startFailed(error: unknown, endpoint: string | undefined, scopes: readonly string[]): unknown {
  // An unreachable IdP or untrusted TLS comes out of toOidcflowError below, unwrapped.
  const response = unexpectedResponse(error);
  if (response) {
    const contentType = response.headers.get('content-type')?.split(';')[0]?.trim() || 'no content type';
    return new OidcflowError(
      ErrorCode.TOKEN_REQUEST_FAILED,
      `The device authorization endpoint ${endpoint ?? ''} answered HTTP ${response.status} (${contentType}) instead of an OAuth response. ` +
        'Check deviceAuthorizationEndpoint and any proxy in front of the IdP, then run the login again.',
      { cause: error, status: response.status, flow: DEVICE_FLOW_NAME },
    );
  }
  const shape = error as { name?: string; error?: string; error_description?: string; status?: number };
  if (shape?.name === 'ResponseBodyError' && shape.error === 'unauthorized_client') {
    const said = shape.error_description ? `: ${shape.error_description}` : '';
    return new OidcflowError(
      ErrorCode.TOKEN_REQUEST_FAILED,
      `The IdP does not let this client use the device flow (unauthorized_client${said}). ` +
        'Enable the device authorization grant for the client at the IdP, or use another flow.',
      {
        cause: error,
        flow: DEVICE_FLOW_NAME,
        oauthError: 'unauthorized_client',
        ...(shape.error_description ? { oauthErrorDescription: shape.error_description } : {}),
        ...(shape.status ? { status: shape.status } : {}),
      },
    );
  }
  if (shape?.name === 'ResponseBodyError' && shape.error === 'invalid_scope') {
    // The default scopes come from the IdP's scopes_supported, which is not per grant:
    // Spring Authorization Server advertises openid but refuses it in a device request.
    const said = shape.error_description ? `: ${shape.error_description}` : '';
    return new OidcflowError(
      ErrorCode.TOKEN_REQUEST_FAILED,
      `The IdP refused the scopes of the device login [${scopes.join(' ')}] (invalid_scope${said}). ` +
        'Set the scopes option to ones this client may ask for in a device login at this IdP ' +
        '(some IdPs, Spring Authorization Server among them, refuse openid there).',
      {
        cause: error,
        flow: DEVICE_FLOW_NAME,
        oauthError: 'invalid_scope',
        ...(shape.error_description ? { oauthErrorDescription: shape.error_description } : {}),
        ...(shape.status ? { status: shape.status } : {}),
      },
    );
  }
  return toOidcflowError(error, 'start the device login', DEVICE_FLOW_NAME);
}

/**
 * Asks the IdP for a device code and a user code. IdP-plugin and audience parameters go in
 * first, then `scope`; the client authenticates as core configured it (a secret for a
 * confidential device client). openid-client checks the response's required members.
 */
export async function startDeviceAuthorization(context: FlowRunContext): Promise<DeviceAuthorization> {
  const { client, configuration } = context.openid;
  const parameters = toSearchParams(context.adjustments.authorizationParameters);
  if (context.scopes.length > 0) parameters.set('scope', context.scopes.join(' '));
  let response: Awaited<ReturnType<typeof client.initiateDeviceAuthorization>>;
  try {
    response = await untilAborted(
      client.initiateDeviceAuthorization(configuration, parameters),
      context.signal,
    );
  } catch (error) {
    throw startFailed(error, context.metadata.device_authorization_endpoint, context.scopes);
  }
  const expiresInSeconds = positiveSeconds(response.expires_in);
  if (!expiresInSeconds) {
    throw new OidcflowError(
      ErrorCode.TOKEN_RESPONSE_INVALID,
      'The device authorization response has no usable expires_in. This is a problem with the IdP; report it to its administrators.',
      { flow: DEVICE_FLOW_NAME },
    );
  }
  const verification: DeviceVerification = {
    userCode: terminalSafe(response.user_code),
    verificationUri: terminalSafe(response.verification_uri),
    expiresAt: context.ports.clock.now() + expiresInSeconds * 1000,
    // RFC 8628 §3.2: "If no value is provided, clients MUST use 5 as the default."
    interval: positiveSeconds(response.interval) ?? DEFAULT_INTERVAL_SECONDS,
  };
  if (typeof response.verification_uri_complete === 'string') {
    verification.verificationUriComplete = terminalSafe(response.verification_uri_complete);
  }
  return { deviceCode: response.device_code, verification, expiresInSeconds };
}
