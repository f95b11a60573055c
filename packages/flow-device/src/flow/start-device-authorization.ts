import { type FlowRunContext, terminalText, untilAborted, warnOnce } from '@oidcflow/core';
import type { DeviceVerification } from '../prompt/prompt.js';
import { abortedError } from './abort.js';
import {
  DEFAULT_INTERVAL_SECONDS,
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

/**
 * Asks the IdP for a device code and a user code through core's protocol port. IdP-plugin and
 * audience parameters go in first, then `scope`; the client authenticates as core configured
 * it (a secret for a confidential device client). The port checks the response's required
 * members (after IdP plugins fixed it) and says in its errors what went wrong.
 */
export async function startDeviceAuthorization(context: FlowRunContext): Promise<DeviceAuthorization> {
  const response = await untilAborted(
    context.protocol.startDeviceAuthorization(context.adjustments.authorizationParameters, context.scopes),
    context.signal,
    abortedError,
  );
  // The login waits (holding the cache lock) for as long as the IdP says: bound both numbers.
  const expiresInSeconds = clamp(
    response.expiresIn,
    { min: 1, max: MAX_DEVICE_EXPIRES_IN_SECONDS },
    context,
    'code lifetime (expires_in)',
  );
  // RFC 8628 §3.2: "If no value is provided, clients MUST use 5 as the default."
  const interval = clamp(
    response.interval ?? DEFAULT_INTERVAL_SECONDS,
    { min: MIN_INTERVAL_SECONDS, max: MAX_INTERVAL_SECONDS },
    context,
    'polling interval',
  );
  // Shown on the terminal: control and bidi characters are spelled out, never obeyed.
  const verification: DeviceVerification = {
    userCode: terminalText(response.userCode),
    verificationUri: terminalText(response.verificationUri),
    expiresAt: context.ports.clock.now() + expiresInSeconds * 1000,
    interval,
  };
  if (response.verificationUriComplete !== undefined) {
    verification.verificationUriComplete = terminalText(response.verificationUriComplete);
  }
  return { deviceCode: response.deviceCode, verification, expiresInSeconds };
}
