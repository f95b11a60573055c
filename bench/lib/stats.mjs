// Small statistics for benchmarks: medians of interleaved runs, so that a machine that slows
// down or speeds up during the run affects both sides alike.

export function median(values) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * Runs each of `subjects` (name → async function returning a measured number) once per
 * round, in an order that rotates every round, after `warmup` unmeasured rounds. Returns
 * name → list of measurements.
 */
export async function interleave(subjects, { rounds, warmup = 0 }) {
  const names = Object.keys(subjects);
  const measured = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < warmup + rounds; round++) {
    const shift = round % names.length;
    const order = [...names.slice(shift), ...names.slice(0, shift)];
    for (const name of order) {
      const value = await subjects[name]();
      if (round >= warmup) measured[name].push(value);
    }
  }
  return measured;
}

/** Milliseconds taken by `run`. */
export async function timed(run) {
  const start = performance.now();
  await run();
  return performance.now() - start;
}

export const round = (value, digits = 2) => Number(value.toFixed(digits));
