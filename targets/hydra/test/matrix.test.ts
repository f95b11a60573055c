// The hydra column of the conformance matrix as part of `pnpm test`, one test per cell; the
// matrix runs once (beforeAll), so the target starts once for every scenario.
import { fileURLToPath } from 'node:url';
import { declareMatrixTests, matrixSubjects } from '@oidcflow/conformance/testing';
import { conformanceTargets } from '../src/conformance-targets.js';

const examples = ['flow-prompt-login', 'idp-resource-indicators'].map((name) =>
  fileURLToPath(new URL(`../../../examples/${name}/dist/index.js`, import.meta.url)),
);

declareMatrixTests({
  subjects: await matrixSubjects(examples),
  targets: ['hydra'],
  targetFor: (name) => conformanceTargets.targets[name]!(process.env),
  reportDir: fileURLToPath(new URL('../report', import.meta.url)),
});
