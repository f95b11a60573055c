// One Keycloak for the whole test run: the conformance project's test files borrow it from a
// broker in vitest's main process (started on first use, stopped and checked at the end).
import type { TestProject } from 'vitest/node';
import { startKeycloakBroker } from '../src/shared-keycloak.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The broker's URL (see shared-keycloak.ts). */
    keycloakBroker: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const broker = await startKeycloakBroker({
    // One start serves the whole run; a 2-core machine busy with other tests needs more than 180 s.
    startupTimeoutMs: 300_000,
    log: (line) => process.stderr.write(`conformance: ${line}\n`),
  });
  project.provide('keycloakBroker', broker.url);
  return () => broker.stop();
}
