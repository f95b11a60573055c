// The kubectl and git scenarios need the real tools. Where one is missing the cell is skipped
// with the reason, unless OIDCFLOW_REQUIRE names the tool: then it fails (CI sets it).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unavailableBrowser } from '../src/browser-bridge/browser-provider.js';
import type { SkipCause } from '../src/matrix/cell.js';
import { requiredFromEnv } from '../src/matrix/require.js';
import { runCell } from '../src/matrix/run-cell.js';
import { firstPartySubjects } from '../src/matrix/subjects.js';
import { gitCredential, kubectl } from '../src/scenarios/index.js';
import type { Scenario } from '../src/scenarios/scenario.js';
import { embeddedOidcProviderTarget } from '../src/targets/oidc-provider/embedded-target.js';
import type { RunningTarget } from '../src/targets/target.js';

let target: RunningTarget;
let runDirectory: string;
beforeAll(async () => {
  target = await embeddedOidcProviderTarget({ tls: false }).start();
  runDirectory = await mkdtemp(join(tmpdir(), 'oidcflow-consumer-tools-'));
});
afterAll(async () => {
  await target?.stop();
  if (runDirectory) await rm(runDirectory, { recursive: true, force: true });
});

/** Runs `scenario` for the auth_code row with a PATH on which no tool is found. */
async function cellWithoutTools(scenario: Scenario, required: SkipCause[]) {
  const subject = (await firstPartySubjects()).find((candidate) => candidate.flowName === 'auth_code')!;
  const path = process.env.PATH;
  process.env.PATH = join(runDirectory, 'no-tools-here');
  try {
    return await runCell({
      target,
      subject,
      scenario,
      browser: unavailableBrowser('not reached: the tool check comes first'),
      runDirectory,
      timeoutMs: 30_000,
      required: new Set(required),
    });
  } finally {
    process.env.PATH = path;
  }
}

describe('kubectl and git in OIDCFLOW_REQUIRE', () => {
  it('are names OIDCFLOW_REQUIRE takes', () => {
    expect([...requiredFromEnv({ OIDCFLOW_REQUIRE: 'browser,kubectl,git' })]).toEqual([
      'browser',
      'kubectl',
      'git',
    ]);
  });

  it('a missing kubectl skips the kubectl cell, or fails it when required', async () => {
    const skipped = await cellWithoutTools(kubectl, []);
    expect(skipped).toMatchObject({ status: 'skipped', skipCause: 'kubectl' });
    expect(skipped.detail).toMatch(/kubectl is not on PATH/);
    const failed = await cellWithoutTools(kubectl, ['kubectl']);
    expect(failed).toMatchObject({ status: 'failed', skipCause: 'kubectl' });
    expect(failed.detail).toMatch(/required by OIDCFLOW_REQUIRE \(kubectl\).*kubectl is not on PATH/);
  });

  it('a missing git skips the git cell, or fails it when required', async () => {
    expect(await cellWithoutTools(gitCredential, [])).toMatchObject({ status: 'skipped', skipCause: 'git' });
    expect(await cellWithoutTools(gitCredential, ['git'])).toMatchObject({
      status: 'failed',
      skipCause: 'git',
    });
  });
});
