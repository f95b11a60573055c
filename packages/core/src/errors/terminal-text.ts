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
 * The longest value from outside (what an IdP, a server or a file says) quoted in a message,
 * in UTF-16 units: a real URL, scope list or error description fits; a hostile one that would
 * fill the terminal (a 1 MiB `error_description`) is cut, saying how much was left out.
 */
const MAX_QUOTED_TEXT_LENGTH = 1000;
/** The longest whole message: each quoted value has its own bound; this one is the backstop. */
const MAX_MESSAGE_LENGTH = 8000;

function bounded(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  // Never half a surrogate pair: the kept part stays valid text.
  const end = /[\ud800-\udbff]/.test(text.charAt(maxLength - 1)) ? maxLength - 1 : maxLength;
  return `${text.slice(0, end)}… (${text.length - end} more characters)`;
}

/** One line, escaped, at most `maxLength` long: the rule, at the bound the caller's kind of text has. */
function oneLine(text: string, maxLength: number): string {
  return bounded(text, maxLength).replace(UNSAFE, spelledOut);
}

/**
 * The one rule for text from outside (the IdP's error descriptions, issuers, endpoint URLs,
 * claims, scopes, header values, a server's `resource`) wherever it is shown: in an error
 * message, a warning, `explain` or `status` output, the device prompt. The result is **one
 * line** (CR, LF and the Unicode line separators are spelled out too, so no text can start a
 * line of its own, such as a forged `oidcflow: …`), every control or bidi/format character is
 * replaced by its `\uXXXX` spelling (the user sees that something was there, and what), and
 * it is at most `MAX_QUOTED_TEXT_LENGTH` (1000) long, saying how much was left out. One
 * parameter only, so that `values.map(terminalText)` is safe.
 */
export function terminalText(text: string): string {
  return oneLine(text, MAX_QUOTED_TEXT_LENGTH);
}

/**
 * A whole message (an error's, a warning) by the same rule: one line, escaped, bounded. Every
 * `OidcflowError` message and every warning of the stderr logger passes it, so a value quoted
 * without `terminalText` still cannot start a line of its own.
 */
export function terminalMessage(message: string): string {
  return oneLine(message, MAX_MESSAGE_LENGTH);
}

/**
 * Like `terminalText`, but leaves newlines and tabs alone and bounds nothing: only for whole
 * texts oidcflow lays out in several lines itself (JSON output, tables, stack traces), whose
 * values from outside were quoted by `terminalText` or JSON.
 */
export function terminalLines(text: string): string {
  return text.replace(UNSAFE_KEEPING_LINES, spelledOut);
}
