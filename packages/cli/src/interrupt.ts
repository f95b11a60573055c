/** The abort reason of a run stopped by a signal: Ctrl-C (SIGINT) or SIGTERM. */
export class Interrupted extends Error {
  override readonly name = 'AbortError';
  constructor(readonly signal: 'SIGINT' | 'SIGTERM') {
    super(`interrupted by ${signal}`);
  }
}

/** The signal that stopped the run, when one did. */
export function interruptionOf(signal: AbortSignal): 'SIGINT' | 'SIGTERM' | undefined {
  if (!signal.aborted) return undefined;
  return signal.reason instanceof Interrupted ? signal.reason.signal : 'SIGINT';
}
