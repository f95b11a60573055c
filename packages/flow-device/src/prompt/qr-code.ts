import qrcode from 'qrcode-terminal';

/**
 * `text` as a QR code in half-block characters (two module rows per line), so a phone can
 * scan the verification link. Small mode uses no ANSI colours, only `█ ▀ ▄` and spaces.
 */
export function renderQrCode(text: string): string {
  let rendered = '';
  // generate() calls back synchronously; without a callback it would console.log (stdout).
  qrcode.generate(text, { small: true }, (output) => {
    rendered = output;
  });
  return rendered.endsWith('\n') ? rendered : `${rendered}\n`;
}

/** Columns the rendered code takes (its widest line). */
export function qrCodeWidth(rendered: string): number {
  return Math.max(...rendered.split('\n').map((line) => [...line].length));
}
