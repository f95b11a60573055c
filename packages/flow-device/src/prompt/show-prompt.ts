import type { Clock, PromptOutput } from '@oidcflow/core';
import { type Countdown, plainCountdown, startCountdown } from './countdown.js';
import type { DeviceVerification } from './device-verification.js';
import { promptText } from './prompt-text.js';
import { qrCodeWidth, renderQrCode } from './qr-code.js';

export interface ShowPromptOptions {
  output: PromptOutput;
  clock: Clock;
  /** On a terminal, show a QR code of the verification link. */
  qrCode: boolean;
  /** The verification page is being opened in a browser. */
  opensBrowser: boolean;
  countdownRefreshMilliseconds: number;
}

/**
 * Writes the instructions to the prompt output (stderr by default, never stdout). On a
 * terminal it adds a QR code and a live line with the time left; elsewhere it writes plain
 * lines without control characters. The caller must stop the returned countdown.
 */
export function showPrompt(info: DeviceVerification, options: ShowPromptOptions): Countdown {
  const { output, clock } = options;
  const terminal = Boolean(output.isTTY);
  let qrCode: string | undefined;
  if (terminal && options.qrCode) {
    const rendered = renderQrCode(info.verificationUriComplete ?? info.verificationUri);
    // A code wider than the terminal wraps into noise nobody can scan.
    if (!output.columns || qrCodeWidth(rendered) <= output.columns) qrCode = rendered;
  }
  output.write(
    promptText(info, {
      terminal,
      now: clock.now(),
      opensBrowser: options.opensBrowser,
      ...(qrCode ? { qrCode } : {}),
    }),
  );
  if (!terminal) return plainCountdown(output);
  return startCountdown({
    output,
    clock,
    expiresAt: info.expiresAt,
    refreshMilliseconds: options.countdownRefreshMilliseconds,
  });
}
