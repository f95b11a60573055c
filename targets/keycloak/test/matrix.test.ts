// The Keycloak columns of the conformance matrix as part of `pnpm test`, one test per cell. The
// process target borrows the run's one shared Keycloak (test/global-setup.ts), also used by
// keycloak-target.test.ts; the container target starts its own.
import { fileURLToPath } from 'node:url';
import { declareMatrixTests, matrixSubjects } from '@oidcflow/conformance/testing';
import { describe, expect, inject, it } from 'vitest';
import { conformanceTargets } from '../src/conformance-targets.js';
import { sharedKeycloakState, sharedKeycloakTarget } from '../src/shared-keycloak.js';

const examples = ['flow-prompt-login', 'idp-resource-indicators'].map((name) =>
  fileURLToPath(new URL(`../../../examples/${name}/dist/index.js`, import.meta.url)),
);
const broker = inject('keycloakBroker');

declareMatrixTests({
  subjects: await matrixSubjects(examples),
  targets: ['keycloak', 'keycloak-container'],
  targetFor: (name) =>
    name === 'keycloak' && broker
      ? sharedKeycloakTarget(broker, { workloads: true })
      : conformanceTargets.targets[name]!(process.env),
  reportDir: fileURLToPath(new URL('../report', import.meta.url)),
});

describe('the matrix on the shared Keycloak', () => {
  it('borrowed the run’s one Keycloak instead of starting another', async (context) => {
    if (!broker) context.skip('no Keycloak broker (run through targets/keycloak/vitest.config.ts)');
    const state = await sharedKeycloakState(broker);
    // The matrix (beforeAll) has asked for it by now; keycloak-target.test.ts may have too.
    expect(state.state).not.toBe('not started');
    expect(state.starts).toBe(1);
    expect(state.borrowers).toBeGreaterThanOrEqual(1);
  });
});
