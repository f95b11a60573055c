// The conformance matrix as part of `pnpm test`: every plugin × target × scenario is one test,
// so each cell counts as passed, failed or skipped in the closing line. The matrix runs once
// (beforeAll): each target starts once and is shared by all scenarios. These are the kit's own
// targets; Keycloak, Hydra and Spring run in their packages' tests (targets/*/test/matrix.test.ts).
import { fileURLToPath } from 'node:url';
import { SCENARIOS } from '../src/scenarios/index.js';
import { declareMatrixTests } from '../src/testing/declare-matrix.js';
import { matrixSubjects } from '../src/testing/matrix-subjects.js';

// Third-party plugins as a third party would hand them over: a module path (built by turbo first).
const examples = ['flow-prompt-login', 'idp-resource-indicators'].map((name) =>
  fileURLToPath(new URL(`../../examples/${name}/dist/index.js`, import.meta.url)),
);
const subjects = await matrixSubjects(examples);

declareMatrixTests({
  subjects,
  targets: ['oidc-provider-http', 'oidc-provider-https', 'external'],
  reportDir: fileURLToPath(new URL('../report', import.meta.url)),
});

// An issuer ending in `/` (as Auth0's do): the cells where the harness's own resource servers
// (kube-apiserver, the git host) find the IdP's metadata by the discovery-URL rule.
declareMatrixTests({
  subjects,
  targets: ['oidc-provider-slash'],
  scenarios: SCENARIOS.filter((scenario) => ['login', 'kubectl', 'git credential'].includes(scenario.name)),
});
