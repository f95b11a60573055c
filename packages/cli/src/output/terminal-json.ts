import { terminalLines } from '@oidcflow/core';

/**
 * `value` as indented JSON that is safe on a terminal and still the same JSON: JSON.stringify
 * escapes C0 controls but writes DEL, C1 controls and bidi overrides raw; those (only ever
 * inside strings) become `\uXXXX` escapes, which every JSON reader turns back into the same text.
 */
export function jsonForTerminal(value: unknown): string {
  return terminalLines(JSON.stringify(value, null, 2));
}
