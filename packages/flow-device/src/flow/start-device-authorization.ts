import type { FlowRunContext } from '@oidcflow/core';
import type { DeviceVerification } from '../prompt/device-verification.js';
import { terminalSafe } from '../prompt/terminal-safe.js';
import { untilAborted } from './abort.js';
import { DEFAULT_INTERVAL_SECONDS } from './constants.js';

/** One device authorization (RFC 8628 §3.1–3.2): what to poll with and what to show. */
export interface DeviceAuthorization {
  /** Secret of this login: sent only to the token endpoint, never shown or logged. */
  deviceCode: string;
  verification: DeviceVerification;
  /** `expires_in` as the IdP sent it. */
  expiresInSeconds: number;
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
  );
  const verification: DeviceVerification = {
    userCode: terminalSafe(response.userCode),
    verificationUri: terminalSafe(response.verificationUri),
    expiresAt: context.ports.clock.now() + response.expiresIn * 1000,
    // RFC 8628 §3.2: "If no value is provided, clients MUST use 5 as the default."
    interval: response.interval ?? DEFAULT_INTERVAL_SECONDS,
  };
  if (response.verificationUriComplete !== undefined) {
    verification.verificationUriComplete = terminalSafe(response.verificationUriComplete);
  }
  return { deviceCode: response.deviceCode, verification, expiresInSeconds: response.expiresIn };
}
