// The conformance matrix as part of `pnpm test`: every plugin × target × scenario is one test,
// so each cell counts as passed, failed or skipped in the closing line. The matrix runs once
// (beforeAll): each target starts once and is shared by all scenarios.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { firstPartySubjects, subjectsForPlugin } from '../src/matrix/subjects.js';
import { TARGET_NAMES } from '../src/targets/registry.js';
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

declareMatrixTests({
  subjects,
  targets: TARGET_NAMES,
  reportDir: fileURLToPath(new URL('../report', import.meta.url)),
});
