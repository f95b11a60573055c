import {
  ErrorCode,
  type FlowRunContext,
  OidcflowError,
  oauthErrorDetails,
  terminalText,
  toOidcflowError,
  toSearchParams,
  warnOnce,
} from '@oidcflow/core';
import type { DeviceVerification } from '../prompt/device-verification.js';
import { untilAborted } from './abort.js';
import { unexpectedResponse } from './classify-poll-error.js';
import {
  DEFAULT_INTERVAL_SECONDS,
  DEVICE_FLOW_NAME,
  MAX_DEVICE_EXPIRES_IN_SECONDS,
  MAX_INTERVAL_SECONDS,
  MIN_INTERVAL_SECONDS,
} from './constants.js';

/** One device authorization (RFC 8628 §3.1–3.2): what to poll with and what to show. */
export interface DeviceAuthorization {
  /** Secret of this login: sent only to the token endpoint, never shown or logged. */
  deviceCode: string;
  verification: DeviceVerification;
  /** `expires_in` as the IdP sent it, at most `MAX_DEVICE_EXPIRES_IN_SECONDS`. */
  expiresInSeconds: number;
}

/** A positive number of seconds, or undefined (absent, zero, negative or not a number). */
function positiveSeconds(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

/** `value` within [min, max]; says once through `log` when the IdP's value was outside. */
function clamp(
  value: number,
  bounds: { min: number; max: number },
  context: FlowRunContext,
  what: string,
): number {
  const bounded = Math.min(bounds.max, Math.max(bounds.min, value));
  if (bounded !== value) {
    warnOnce(
      context.log,
      `device-${what}`,
      `the IdP sent a device ${what} of ${String(value)} s; oidcflow uses ${bounded} s.`,
    );
  }
  return bounded;
}

function startFailed(error: unknown, endpoint: string | undefined, scopes: readonly string[]): unknown {
  // An unreachable IdP or untrusted TLS comes out of toOidcflowError below, unwrapped.
  const details = oauthErrorDetails(error);
  // A 5xx with a JSON OAuth error is an answer: its words are reported by toOidcflowError.
  const response = details ? undefined : unexpectedResponse(error);
  if (response) {
    const contentType = response.headers.get('content-type')?.split(';')[0]?.trim() || 'no content type';
    return new OidcflowError(
      ErrorCode.TOKEN_REQUEST_FAILED,
      `The device authorization endpoint ${endpoint ?? ''} answered HTTP ${response.status} (${contentType}) instead of an OAuth response. ` +
        'Check deviceAuthorizationEndpoint and any proxy in front of the IdP, then run the login again.',
      { cause: error, status: response.status, flow: DEVICE_FLOW_NAME },
    );
  }
  const shape = error as { status?: number };
  if (details?.error === 'unauthorized_client') {
    const description = details.description;
    const status = shape?.status ?? details.status;
    const said = description ? `: ${description}` : '';
    return new OidcflowError(
      ErrorCode.TOKEN_REQUEST_FAILED,
      `The IdP does not let this client use the device flow (unauthorized_client${said}). ` +
        'Enable the device authorization grant for the client at the IdP, or use another flow.',
      {
        cause: error,
        flow: DEVICE_FLOW_NAME,
        oauthError: 'unauthorized_client',
        ...(description ? { oauthErrorDescription: description } : {}),
        ...(status ? { status } : {}),
      },
    );
  }
  if (details?.error === 'invalid_scope') {
    // The default scopes come from the IdP's scopes_supported, which is not per grant:
    // Spring Authorization Server advertises openid but refuses it in a device request.
    const description = details.description;
    const status = shape?.status ?? details.status;
    const said = description ? `: ${description}` : '';
    return new OidcflowError(
      ErrorCode.TOKEN_REQUEST_FAILED,
      `The IdP refused the scopes of the device login [${scopes.join(' ')}] (invalid_scope${said}). ` +
        'Set the scopes option to ones this client may ask for in a device login at this IdP ' +
        '(some IdPs, Spring Authorization Server among them, refuse openid there).',
      {
        cause: error,
        flow: DEVICE_FLOW_NAME,
        oauthError: 'invalid_scope',
        ...(description ? { oauthErrorDescription: description } : {}),
        ...(status ? { status } : {}),
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
  const sentExpiresIn = positiveSeconds(response.expires_in);
  if (!sentExpiresIn) {
    throw new OidcflowError(
      ErrorCode.TOKEN_RESPONSE_INVALID,
      'The device authorization response has no usable expires_in. This is a problem with the IdP; report it to its administrators.',
      { flow: DEVICE_FLOW_NAME },
    );
  }
  // The login waits (holding the cache lock) for as long as the IdP says: bound both numbers.
  const expiresInSeconds = clamp(
    sentExpiresIn,
    { min: 1, max: MAX_DEVICE_EXPIRES_IN_SECONDS },
    context,
    'code lifetime (expires_in)',
  );
  // RFC 8628 §3.2: "If no value is provided, clients MUST use 5 as the default."
  const sentInterval = positiveSeconds(response.interval) ?? DEFAULT_INTERVAL_SECONDS;
  const interval = clamp(
    sentInterval,
    { min: MIN_INTERVAL_SECONDS, max: MAX_INTERVAL_SECONDS },
    context,
    'polling interval',
  );
  // Shown on the terminal: control and bidi characters are spelled out, never obeyed.
  const verification: DeviceVerification = {
    userCode: terminalText(response.user_code),
    verificationUri: terminalText(response.verification_uri),
    expiresAt: context.ports.clock.now() + expiresInSeconds * 1000,
    interval,
  };
  if (typeof response.verification_uri_complete === 'string') {
    verification.verificationUriComplete = terminalText(response.verification_uri_complete);
  }
  return { deviceCode: response.device_code, verification, expiresInSeconds };
}
