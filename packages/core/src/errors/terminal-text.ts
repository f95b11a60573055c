// Characters a terminal acts on instead of printing: C0 controls (ESC starts a sequence that can
// retitle or clear the terminal, BEL rings, CR/LF start fake lines), DEL, C1 controls (CSI,
// OSC… as single characters), and the Unicode format characters that reorder or hide text
// (bidi embeddings, overrides and isolates, the left/right marks, zero-width joiners, the
// line and paragraph separators, the byte-order mark).
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;
// The same set, but keeping newline and tab: for our own multi-line texts around IdP values.
const UNSAFE_KEEPING_LINES =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff]/g;

const spelledOut = (character: string) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;

/**
 * `text` as it may reach a terminal: every control or bidi/format character replaced by its
 * `\uXXXX` spelling, so the user sees that something was there and what. Use it on every
 * string that came from the IdP (error descriptions, claims, scopes, URLs) before it is
 * written to stdout or stderr.
 */
export function terminalText(text: string): string {
  return text.replace(UNSAFE, spelledOut);
}

/** Like `terminalText`, but leaves newlines and tabs alone: for whole messages oidcflow wrote itself. */
export function terminalLines(text: string): string {
  return text.replace(UNSAFE_KEEPING_LINES, spelledOut);
}
