/**
 * Settles with `work`, or rejects with `aborted(signal.reason)` as soon as `signal` aborts
 * (at once when it already has). For a flow's wait on something that takes no signal of its
 * own (a protocol port request): the abandoned work finishes by itself and its outcome,
 * success or failure, is ignored.
 */
export function untilAborted<T>(
  work: Promise<T>,
  signal: AbortSignal | undefined,
  aborted: (reason: unknown) => unknown,
): Promise<T> {
  if (!signal) return work;
  work.catch(() => {});
  if (signal.aborted) return Promise.reject(aborted(signal.reason));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(aborted(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
