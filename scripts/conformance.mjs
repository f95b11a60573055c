#!/usr/bin/env node
// `pnpm conformance`: builds what the matrix needs (turbo), then runs every plugin — oidcflow's
// own flows and the third-party examples — against every target, printing the matrix and
// writing conformance/report/matrix.{json,md,html}. Extra arguments go to oidcflow-conformance
// (e.g. `pnpm conformance --target oidc-provider-http`). Exit status: non-zero on any failure.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const env = { ...process.env, TURBO_TELEMETRY_DISABLED: '1' };

const build = spawnSync(
  'pnpm',
  [
    'exec',
    'turbo',
    'run',
    'build',
    '--filter=@oidcflow/conformance...',
    '--filter=@oidcflow/target-*',
    '--filter=@oidcflow-examples/*',
    '--output-logs=errors-only',
  ],
  { cwd: root, stdio: 'inherit', env },
);
if (build.status !== 0) {
  console.log('0 passed, 1 failed (the build failed)');
  process.exit(1);
}

const examples = ['flow-prompt-login', 'idp-resource-indicators']
  .map((name) => join(root, 'examples', name, 'dist', 'index.js'))
  .filter((path) => existsSync(path));
const args = [
  join(root, 'conformance', 'dist', 'bin.js'),
  '--first-party',
  ...examples.flatMap((path) => ['--plugin', path]),
  '--report-dir',
  join(root, 'conformance', 'report'),
  ...process.argv.slice(2),
];
const run = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env });
process.exit(run.status ?? 1);
