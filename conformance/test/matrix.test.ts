// The conformance matrix as part of `pnpm test`: every plugin × target × scenario is one test,
// so each cell counts as passed, failed or skipped in the closing line. The matrix runs once
// (beforeAll): each target starts once and is shared by all scenarios; Keycloak is the run's
// one shared instance (test/global-setup.ts), also used by keycloak-target.test.ts.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { firstPartySubjects, subjectsForPlugin } from '../src/matrix/subjects.js';
import { sharedKeycloakState, sharedKeycloakTarget } from '../src/targets/keycloak/index.js';
import { createTarget, TARGET_NAMES } from '../src/targets/registry.js';
import { declareMatrixTests } from '../src/testing/declare-matrix.js';

// Third-party plugins as a third party would hand them over: a module path (built by turbo first).
const examples = [
  '../../examples/flow-prompt-login/dist/index.js',
  '../../examples/idp-resource-indicators/dist/index.js',
]
  .map((path) => fileURLToPath(new URL(path, import.meta.url)))
  .filter((path) => existsSync(path));

const subjects = [...(await firstPartySubjects())];
for (const path of examples) {
  const label = path.replace(/^.*[/\\](examples[/\\][^/\\]+)[/\\].*$/, '$1');
  subjects.push(...(await subjectsForPlugin(path, { label })));
}

const broker = inject('keycloakBroker');

declareMatrixTests({
  subjects,
  targets: TARGET_NAMES,
  targetFor: (name) =>
    name === 'keycloak' && broker ? sharedKeycloakTarget(broker, { workloads: true }) : createTarget(name),
  reportDir: fileURLToPath(new URL('../report', import.meta.url)),
});

describe('the matrix on the shared Keycloak', () => {
  it('borrowed the run’s one Keycloak instead of starting another', async (context) => {
    if (!broker) context.skip('no Keycloak broker (run through conformance/vitest.config.ts)');
    const state = await sharedKeycloakState(broker);
    // The matrix (beforeAll) has asked for it by now; keycloak-target.test.ts may have too.
    expect(state.state).not.toBe('not started');
    expect(state.starts).toBe(1);
    expect(state.borrowers).toBeGreaterThanOrEqual(1);
  });
});
