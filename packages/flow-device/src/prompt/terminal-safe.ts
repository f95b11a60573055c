// C0 and C1 control characters and DEL: an escape sequence in a value the IdP sent could move
// the cursor, rewrite earlier lines or change the terminal title.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f]/g;

/** `text` from the IdP without control characters, so it can be written to a terminal as it is. */
export function terminalSafe(text: string): string {
  return text.replace(CONTROL_CHARACTERS, '');
}
