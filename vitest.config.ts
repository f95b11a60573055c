import { defineConfig } from 'vitest/config';

// One vitest run over every package, so the whole suite ends with one summary.
export default defineConfig({
  test: {
    projects: ['packages/*', 'conformance', 'targets/*', 'examples/*', 'hostile'],
  },
});
