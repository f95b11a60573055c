import type { Clock, PromptOutput } from '@oidcflow/core';
import qrcode from 'qrcode-terminal';
import { type Countdown, plainCountdown, startCountdown } from './countdown.js';

// The device prompt: what the user is shown (text, QR code) and where it is written.

/** What the user needs to approve the login on another device (RFC 8628 §3.3). */
export interface DeviceVerification {
  /** The code the user types on the verification page. */
  userCode: string;
  /** The page where the user enters `userCode`. */
  verificationUri: string;
  /** The page with the code already filled in, when the IdP offers one (for a link or a QR code). */
  verificationUriComplete?: string;
  /** When the code stops working, epoch milliseconds. */
  expiresAt: number;
  /** Seconds between polls of the token endpoint, as the IdP asked (5 when it did not say). */
  interval: number;
}

/** `10 minutes`, `1 minute`, `45 seconds`: the lifetime of a code in words. */
export function describeDuration(milliseconds: number): string {
  const seconds = Math.max(0, Math.round(milliseconds / 1000));
  if (seconds < 120) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.round(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

/**
 * `text` as a QR code in half-block characters (two module rows per line), so a phone can
 * scan the verification link. Small mode uses no ANSI colours, only `█ ▀ ▄` and spaces.
 */
function renderQrCode(text: string): string {
  let rendered = '';
  // generate() calls back synchronously; without a callback it would console.log (stdout).
  qrcode.generate(text, { small: true }, (output) => {
    rendered = output;
  });
  return rendered.endsWith('\n') ? rendered : `${rendered}\n`;
}

/** Columns the rendered code takes (its widest line). */
function qrCodeWidth(rendered: string): number {
  return Math.max(...rendered.split('\n').map((line) => [...line].length));
}

const BOLD = '\x1b[1m';
const NORMAL = '\x1b[22m';

export interface PromptTextOptions {
  /** The output is a terminal: the user code may be bold. Otherwise no control characters at all. */
  terminal: boolean;
  /** The QR code to show, already rendered; omitted when there is none. */
  qrCode?: string;
  /** The page is being opened in the browser; say so. */
  opensBrowser?: boolean;
  now: number;
}

/** The instructions for the user, as text ending in a newline. Contains no token. */
export function promptText(info: DeviceVerification, options: PromptTextOptions): string {
  const code = options.terminal ? `${BOLD}${info.userCode}${NORMAL}` : info.userCode;
  const lines = [
    '',
    'To log in, open this page in a browser on any device:',
    `  ${info.verificationUri}`,
    `and enter the code: ${code}`,
  ];
  if (info.verificationUriComplete) {
    lines.push('', 'Or open this link, which has the code filled in:', `  ${info.verificationUriComplete}`);
  }
  if (options.opensBrowser) lines.push('', 'Opening the page in your browser...');
  if (options.qrCode) {
    lines.push('', 'Or scan this QR code with a phone:', options.qrCode.replace(/\n$/, ''));
  }
  lines.push('', `The code expires in ${describeDuration(info.expiresAt - options.now)}.`);
  if (!options.terminal) lines.push('Waiting for the login to be approved...');
  return `${lines.join('\n')}\n`;
}

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
