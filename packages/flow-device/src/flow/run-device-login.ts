import { type FlowRunContext, OidcflowError, type TokenSet, untilAborted } from '@oidcflow/core';
import { openVerificationPage, willOpenVerificationPage } from '../browser/open-verification-page.js';
import { type Countdown, silentCountdown } from '../prompt/countdown.js';
import { type DeviceVerification, showPrompt } from '../prompt/prompt.js';
import { abortedError, throwIfAborted } from './abort.js';
import { COUNTDOWN_REFRESH_MILLISECONDS } from './constants.js';
import { pollForTokens } from './poll-for-tokens.js';
import { startDeviceAuthorization } from './start-device-authorization.js';

export interface DeviceLoginOptions {
  /** Shows the code the caller's way instead of the prompt; polling starts when it returns. */
  onVerification?: (verification: DeviceVerification) => void | Promise<void>;
  /** On a terminal, show a QR code of the verification link. */
  qrCode: boolean;
}

/** The prompt, or the caller's own display; the returned countdown is stopped by the caller. */
async function presentVerification(
  context: FlowRunContext,
  verification: DeviceVerification,
  options: DeviceLoginOptions,
): Promise<Countdown> {
  const page = verification.verificationUriComplete ?? verification.verificationUri;
  const opensBrowser = willOpenVerificationPage(context, page);
  let countdown = silentCountdown;
  if (options.onVerification) {
    const show = options.onVerification;
    await untilAborted(
      Promise.resolve().then(() => show({ ...verification })),
      context.signal,
      abortedError,
    );
  } else {
    countdown = showPrompt(verification, {
      output: context.ports.output,
      clock: context.ports.clock,
      qrCode: options.qrCode,
      opensBrowser,
      countdownRefreshMilliseconds: COUNTDOWN_REFRESH_MILLISECONDS,
    });
  }
  if (opensBrowser) openVerificationPage(context, page);
  return countdown;
}

/**
 * One device login (RFC 8628): get a device code, show the user code (or hand it to
 * `onVerification`), open the page when allowed, poll until approved, and return the
 * tokens for core to cache. The live prompt line is stopped however the login ends.
 */
export async function runDeviceLogin(
  context: FlowRunContext,
  options: DeviceLoginOptions,
): Promise<TokenSet> {
  throwIfAborted(context.signal);
  const { clock } = context.ports;
  const authorization = await startDeviceAuthorization(context);
  const { verification } = authorization;
  const countdown = await presentVerification(context, verification, options);
  let finalText = 'The login did not complete.';
  try {
    const tokens = await pollForTokens({
      clock,
      ...(context.signal ? { signal: context.signal } : {}),
      intervalSeconds: verification.interval,
      expiresAt: verification.expiresAt,
      expiresInSeconds: authorization.expiresInSeconds,
      log: context.log,
      onPending: () => countdown.update(),
      // Parameters of IdP plugins and the audience go with every poll.
      requestTokens: () =>
        context.protocol.pollDeviceAuthorization(
          authorization.deviceCode,
          context.adjustments.tokenParameters,
        ),
    });
    finalText = 'Login approved.';
    return tokens;
  } catch (error) {
    if (OidcflowError.isInstance(error)) finalText = `The login did not complete: ${error.code}.`;
    throw error;
  } finally {
    countdown.stop(finalText);
  }
}
