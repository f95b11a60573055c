// qrcode-terminal ships no types; this is the part of its API we use (lib/main.js, v0.12).
declare module 'qrcode-terminal' {
  interface GenerateOptions {
    /** Two rows of modules per line with half-block characters, and no ANSI colours. */
    small?: boolean;
  }
  interface QrcodeTerminal {
    /** Calls `callback` synchronously with the rendered code (or logs it when there is none). */
    generate(input: string, options: GenerateOptions, callback: (rendered: string) => void): void;
  }
  const qrcode: QrcodeTerminal;
  export default qrcode;
}
