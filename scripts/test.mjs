#!/usr/bin/env node
// Runs every test of the repository: builds (turbo), runs all vitest projects in one run,
// then prints one closing line "N passed, N failed, N skipped".
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const run = (command, args, extra = {}) =>
  spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1' },
    ...extra,
  });

const build = run('pnpm', ['exec', 'turbo', 'run', 'build', '--output-logs=errors-only']);
if (build.status !== 0) {
  console.log('0 passed, 1 failed (the build failed)');
  process.exit(1);
}

const reportDir = mkdtempSync(join(tmpdir(), 'oidcflow-test-'));
const reportFile = join(reportDir, 'vitest.json');
const vitest = run('pnpm', [
  'exec',
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${reportFile}`,
  ...process.argv.slice(2),
]);

let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  passed = report.numPassedTests;
  failed = report.numFailedTests;
  skipped = report.numPendingTests + report.numTodoTests;
  // A test file that failed to load counts as a failure even when no test in it ran.
  failed += report.testResults.filter(
    (file) => file.status === 'failed' && file.assertionResults.length === 0,
  ).length;
} catch {
  failed += 1;
  console.error('oidcflow: the vitest report could not be read; counting the run as failed.');
} finally {
  rmSync(reportDir, { recursive: true, force: true });
}
if (vitest.status !== 0 && failed === 0) failed = 1;
console.log(`${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
