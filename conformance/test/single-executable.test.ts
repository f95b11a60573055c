// The consumer-tool scenarios once more with `oidcflow` as the single executable
// (scripts/build-binary.mjs: release/oidcflow-<version>-<os>-<arch>/oidcflow) as kubectl's exec
// plugin and git's credential helper, with no `node` on the PATH kubectl, git and oidcflow get:
// the real tools, the embedded IdP, the browser and device rows. .ci/run builds the executable;
// without it the test skips, unless OIDCFLOW_REQUIRE names `binary` (CI), where it fails.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserProvider } from '../src/browser-bridge/browser-provider.js';
import { launchChromium } from '../src/browser-bridge/chromium.js';
import { requiredFromEnv } from '../src/matrix/require.js';
import { runCell } from '../src/matrix/run-cell.js';
import { firstPartySubjects } from '../src/matrix/subjects.js';
import { gitCredential, kubectl } from '../src/scenarios/index.js';
import type { Scenario } from '../src/scenarios/scenario.js';
import { consumerPath, findExecutable } from '../src/support/executables.js';
import { createTrafficMeter } from '../src/support/traffic.js';
import { embeddedOidcProviderTarget } from '../src/targets/oidc-provider/embedded-target.js';
import type { RunningTarget } from '../src/targets/target.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const version = JSON.parse(readFileSync(join(root, 'packages', 'cli', 'package.json'), 'utf8')).version;
const executable =
  process.env.OIDCFLOW_CONFORMANCE_BINARY ??
  join(
    root,
    'release',
    `oidcflow-${version}-${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`,
    'oidcflow',
  );
const required = requiredFromEnv();
const missing = existsSync(executable)
  ? undefined
  : `${executable} is not built (pnpm build:binary, with Node 24)`;

describe.skipIf(missing !== undefined && !required.has('binary'))(
  `kubectl and git with the single executable, no node on PATH ${missing ? `(skipped: ${missing})` : ''}`,
  () => {
    let target: RunningTarget;
    let browser: BrowserProvider;
    let runDirectory: string;
    let traffic: Awaited<ReturnType<typeof createTrafficMeter>> | undefined;
    const previous = process.env.OIDCFLOW_CONFORMANCE_BINARY;
    beforeAll(async () => {
      if (missing) throw new Error(`OIDCFLOW_REQUIRE names binary, but ${missing}`);
      process.env.OIDCFLOW_CONFORMANCE_BINARY = executable;
      target = await embeddedOidcProviderTarget({ tls: false }).start();
      traffic = await createTrafficMeter(target);
      browser = await launchChromium();
      runDirectory = await mkdtemp(join(tmpdir(), 'oidcflow-single-executable-'));
    }, 120_000);
    afterAll(async () => {
      if (previous === undefined) delete process.env.OIDCFLOW_CONFORMANCE_BINARY;
      else process.env.OIDCFLOW_CONFORMANCE_BINARY = previous;
      await browser?.close();
      await traffic?.stop();
      await target?.stop();
      if (runDirectory) await rm(runDirectory, { recursive: true, force: true });
    });

    it('the consumers get a PATH without node', () => {
      expect(findExecutable('node', { PATH: consumerPath() })).toBeUndefined();
      expect(findExecutable('node')).toBeDefined();
    });

    const run = async (scenario: Scenario, flowName: string) => {
      const subject = (await firstPartySubjects()).find((candidate) => candidate.flowName === flowName)!;
      return runCell({
        target,
        subject,
        scenario,
        browser,
        ...(traffic ? { traffic } : {}),
        runDirectory,
        timeoutMs: 240_000,
        required,
      });
    };
    for (const scenario of [kubectl, gitCredential]) {
      for (const flowName of ['auth_code', 'device']) {
        it(`${scenario.name}, ${flowName}: passes with the executable as the plugin`, async () => {
          const result = await run(scenario, flowName);
          expect(result.status, result.detail).toBe('passed');
        }, 300_000);
      }
    }
  },
);
