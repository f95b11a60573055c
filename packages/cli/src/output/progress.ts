import type { OutputStream } from '../io.js';

/** A message shows only when the work takes longer than this, so a cache hit prints nothing. */
const SHOW_AFTER_MS = 250;

/**
 * A one-line progress display on a terminal: each message replaces the previous one, '' clears
 * it. Off when `enabled` is false (stderr piped or captured, or NO_COLOR set), so logs stay clean.
 */
export function createProgress(stream: OutputStream, enabled: boolean): (message: string) => void {
  let showing = false;
  let pending: NodeJS.Timeout | undefined;
  const show = (message: string) => {
    const width = Math.max(20, (stream.columns ?? 80) - 1);
    const line = message.length > width ? `${message.slice(0, width - 1)}…` : message;
    stream.write(`\r\u001b[2K${line}`);
    showing = true;
  };
  return (message) => {
    if (!enabled) return;
    clearTimeout(pending);
    pending = undefined;
    if (message === '') {
      if (showing) stream.write('\r\u001b[2K');
      showing = false;
      return;
    }
    if (showing) show(message);
    else {
      pending = setTimeout(() => show(message), SHOW_AFTER_MS);
      pending.unref();
    }
  };
}
