/**
 * Waits for a clean-up step at most `ms`, so that a wedged browser context or IdP can never
 * hold up the rest of the run; says so through `onTimeout` when it gave up.
 */
export async function bounded(step: Promise<unknown>, ms: number, onTimeout: () => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<'expired'>((resolve) => {
    timer = setTimeout(() => resolve('expired'), ms);
  });
  try {
    const outcome = await Promise.race([
      step.then(
        () => 'done' as const,
        () => 'done' as const,
      ),
      expired,
    ]);
    if (outcome === 'expired') onTimeout();
  } finally {
    clearTimeout(timer);
  }
}
