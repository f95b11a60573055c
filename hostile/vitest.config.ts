import { defineConfig } from 'vitest/config';

// Each test starts real servers and processes; run the files one after another so that the
// timing and memory figures they assert are not skewed by their neighbours.
export default defineConfig({
  test: {
    name: 'hostile',
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
