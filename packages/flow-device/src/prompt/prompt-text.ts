import type { DeviceVerification } from './device-verification.js';
import { describeDuration } from './format-duration.js';

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
