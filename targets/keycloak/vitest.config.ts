import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One Keycloak per run, shared by keycloak-target.test.ts and the Keycloak matrix.
    globalSetup: ['test/global-setup.ts'],
    // The broker stops Keycloak (bounded by its own stop: SIGTERM, then SIGKILL).
    teardownTimeout: 90_000,
  },
});
