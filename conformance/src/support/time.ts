/** "for 3599 s" style text for a point in time, for cell details. */
export function secondsUntil(epochMs: number): string {
  return `for ${Math.round((epochMs - Date.now()) / 1000)} s`;
}

export const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
